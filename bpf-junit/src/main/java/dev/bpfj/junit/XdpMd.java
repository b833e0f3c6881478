package dev.bpfj.junit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@code struct xdp_md} test-run context for XDP programs. The kernel takes
 * {@code ingress_ifindex} and {@code rx_queue_index} from it (the interface must exist and have
 * that queue) and requires {@code data} and {@code data_end} to be 0 (it fills them in itself).
 */
public final class XdpMd {

    /** {@code sizeof(struct xdp_md)}. */
    public static final int SIZE = 24;

    private final ByteBuffer buffer = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());

    /** An all-zero context. */
    public XdpMd() {
    }

    /** Sets {@code ingress_ifindex}, the device the packet arrives on. */
    public XdpMd ingressIfindex(int ifindex) {
        buffer.putInt(12, ifindex);
        return this;
    }

    /** Sets {@code rx_queue_index}. */
    public XdpMd rxQueueIndex(int queue) {
        buffer.putInt(16, queue);
        return this;
    }

    /** The bytes to pass as the test run's context. */
    public byte[] toBytes() {
        return buffer.array().clone();
    }
}
