package dev.bpfj.junit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The context of a raw tracepoint program's test run ({@code struct bpf_raw_tracepoint_args}):
 * the tracepoint's arguments as 64-bit values, at most 12.
 */
public final class RawTracepointArgs {

    /** The most arguments the kernel accepts for a raw_tp test run (MAX_BPF_FUNC_ARGS). */
    public static final int MAX_ARGS = 12;

    private RawTracepointArgs() {
    }

    /** The bytes of {@code args} in the machine's byte order, to pass as the test run's context. */
    public static byte[] of(long... args) {
        if (args.length > MAX_ARGS) {
            throw new IllegalArgumentException("a raw tracepoint has at most " + MAX_ARGS + " arguments, not " + args.length);
        }
        ByteBuffer buffer = ByteBuffer.allocate(8 * args.length).order(ByteOrder.nativeOrder());
        for (long arg : args) {
            buffer.putLong(arg);
        }
        return buffer.array();
    }
}
