package dev.bpfj.runtime;

import java.util.HexFormat;

/**
 * What one {@link BpfProgram#testRun(TestRunRequest)} returned: the program's return value (an
 * XDP action, a tc verdict, a socket filter's length, a syscall program's result), the output
 * data and context the kernel copied back, and the average duration of one run.
 */
public final class TestRunResult {

    private final int returnValue;
    private final byte[] data;
    private final byte[] context;
    private final long durationNanos;

    TestRunResult(int returnValue, byte[] data, byte[] context, long durationNanos) {
        this.returnValue = returnValue;
        this.data = data;
        this.context = context;
        this.durationNanos = durationNanos;
    }

    /** The program's return value ({@code __u32} in the kernel; read it unsigned where that matters). */
    public int returnValue() {
        return returnValue;
    }

    /** The output data (for a packet program the packet as the program left it); empty when not read back. */
    public byte[] data() {
        return data.clone();
    }

    /**
     * The output context: the {@code struct __sk_buff} / {@code xdp_md} as the program left it, or for
     * a {@code SEC("syscall")} program its argument struct after the run; empty when not read back.
     */
    public byte[] context() {
        return context.clone();
    }

    /** The kernel's average time per run, in nanoseconds (0 for program types that do not measure it). */
    public long durationNanos() {
        return durationNanos;
    }

    @Override
    public String toString() {
        return "TestRunResult[returnValue=" + returnValue + ", data=" + data.length + " bytes"
                + (data.length > 0 && data.length <= 64 ? " " + HexFormat.of().formatHex(data) : "")
                + ", context=" + context.length + " bytes, duration=" + durationNanos + " ns]";
    }
}
