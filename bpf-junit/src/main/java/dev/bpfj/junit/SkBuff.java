package dev.bpfj.junit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@code struct __sk_buff} test-run context for tc, socket filter, cgroup_skb and lwt programs:
 * set the fields the kernel lets a test pass in, hand {@link #toBytes()} to
 * {@code TestRunRequest.Builder.context(...)}, and read what the program left with
 * {@link #of(byte[])} on {@code TestRunResult.context()}:
 *
 * <pre>{@code
 * TestRunResult result = prog.testRun(TestRunRequest.builder()
 *         .data(frame).context(new SkBuff().mark(7).toBytes()).build());
 * assertEquals(42, SkBuff.of(result.context()).mark());
 * }</pre>
 *
 * <p>Offsets follow the UAPI layout (stable: fields are only ever appended). The kernel accepts
 * nonzero input only in mark, priority, ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs,
 * gso_size and hwtstamp (it rejects others with EINVAL), and after the run copies back mark,
 * priority, ingress_ifindex, ifindex, tstamp, cb, wire_len, gso_segs and hwtstamp, so only those
 * have getters: a program's view of len, protocol or hash is not returned by the kernel.
 */
public final class SkBuff {

    /** {@code sizeof(struct __sk_buff)} on Linux 5.16 and newer. */
    public static final int SIZE = 192;

    private static final int MARK = 8;
    private static final int PRIORITY = 32;
    private static final int INGRESS_IFINDEX = 36;
    private static final int IFINDEX = 40;
    private static final int CB = 48;
    private static final int TSTAMP = 152;
    private static final int WIRE_LEN = 160;
    private static final int GSO_SEGS = 164;
    private static final int GSO_SIZE = 176;
    private static final int HWTSTAMP = 184;

    private final ByteBuffer buffer;

    /** An all-zero context (the kernel fills in len, protocol and the pointers itself). */
    public SkBuff() {
        this(new byte[SIZE]);
    }

    private SkBuff(byte[] bytes) {
        this.buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    /** Reads a context the kernel copied back (a copy is taken); shorter input is padded with zeroes. */
    public static SkBuff of(byte[] context) {
        byte[] bytes = new byte[Math.max(SIZE, context.length)];
        System.arraycopy(context, 0, bytes, 0, context.length);
        return new SkBuff(bytes);
    }

    /** The bytes to pass as the test run's context. */
    public byte[] toBytes() {
        return buffer.array().clone();
    }

    /** Sets {@code mark}. */
    public SkBuff mark(int mark) {
        buffer.putInt(MARK, mark);
        return this;
    }

    /** Sets {@code priority}. */
    public SkBuff priority(int priority) {
        buffer.putInt(PRIORITY, priority);
        return this;
    }

    /** Sets {@code ingress_ifindex}. */
    public SkBuff ingressIfindex(int ifindex) {
        buffer.putInt(INGRESS_IFINDEX, ifindex);
        return this;
    }

    /** Sets {@code ifindex} (the kernel uses it to pick the device the packet is on; it must exist). */
    public SkBuff ifindex(int ifindex) {
        buffer.putInt(IFINDEX, ifindex);
        return this;
    }

    /** Sets {@code cb[index]} (index 0–4), the control block programs pass data through. */
    public SkBuff cb(int index, int value) {
        buffer.putInt(CB + 4 * checkCb(index), value);
        return this;
    }

    /** Sets {@code tstamp}. */
    public SkBuff tstamp(long tstamp) {
        buffer.putLong(TSTAMP, tstamp);
        return this;
    }

    /** Sets {@code wire_len}. */
    public SkBuff wireLen(int wireLen) {
        buffer.putInt(WIRE_LEN, wireLen);
        return this;
    }

    /** Sets {@code gso_segs}. */
    public SkBuff gsoSegs(int gsoSegs) {
        buffer.putInt(GSO_SEGS, gsoSegs);
        return this;
    }

    /** Sets {@code gso_size}. */
    public SkBuff gsoSize(int gsoSize) {
        buffer.putInt(GSO_SIZE, gsoSize);
        return this;
    }

    /** Sets {@code hwtstamp}. */
    public SkBuff hwtstamp(long hwtstamp) {
        buffer.putLong(HWTSTAMP, hwtstamp);
        return this;
    }

    /** {@code mark}. */
    public int mark() {
        return buffer.getInt(MARK);
    }

    /** {@code priority}. */
    public int priority() {
        return buffer.getInt(PRIORITY);
    }

    /** {@code ingress_ifindex}. */
    public int ingressIfindex() {
        return buffer.getInt(INGRESS_IFINDEX);
    }

    /** {@code ifindex}. */
    public int ifindex() {
        return buffer.getInt(IFINDEX);
    }

    /** {@code cb[index]} (index 0–4). */
    public int cb(int index) {
        return buffer.getInt(CB + 4 * checkCb(index));
    }

    /** {@code tstamp}. */
    public long tstamp() {
        return buffer.getLong(TSTAMP);
    }

    /** {@code wire_len}. */
    public int wireLen() {
        return buffer.getInt(WIRE_LEN);
    }

    /** {@code gso_segs}. */
    public int gsoSegs() {
        return buffer.getInt(GSO_SEGS);
    }

    /** {@code hwtstamp}. */
    public long hwtstamp() {
        return buffer.getLong(HWTSTAMP);
    }

    private static int checkCb(int index) {
        if (index < 0 || index > 4) {
            throw new IllegalArgumentException("cb has 5 slots (0-4), not " + index);
        }
        return index;
    }

    @Override
    public String toString() {
        return "SkBuff[mark=" + mark() + ", priority=" + priority() + ", ifindex=" + ifindex() + ", cb=[" + cb(0) + ", "
                + cb(1) + ", " + cb(2) + ", " + cb(3) + ", " + cb(4) + "]]";
    }
}
