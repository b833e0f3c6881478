package dev.bpfj.runtime;

import java.util.Arrays;

/**
 * What {@link BpfProgram#testRun(TestRunRequest)} hands the kernel's {@code BPF_PROG_TEST_RUN}: the
 * input data (a packet for XDP, tc and socket programs), the input context (a {@code struct
 * __sk_buff}, {@code struct xdp_md}, the raw tracepoint's arguments, a {@code SEC("syscall")}
 * program's argument struct), how many bytes of output data and context to read back, a repeat
 * count, flags and a CPU. Immutable; made with {@link #builder()}:
 *
 * <pre>{@code
 * TestRunResult result = skel.progs().xdpCount().testRun(TestRunRequest.builder()
 *         .data(packet)
 *         .repeat(1)
 *         .build());
 * }</pre>
 *
 * <p>Every buffer the kernel reads or writes is allocated by bpfj with exactly the size passed to
 * the kernel, so no size here can make the kernel touch memory outside them.
 */
public final class TestRunRequest {

    /** {@code BPF_F_TEST_RUN_ON_CPU}: run on {@link Builder#cpu(int)} instead of the calling CPU. */
    public static final int FLAG_RUN_ON_CPU = 1;
    /** {@code BPF_F_TEST_XDP_LIVE_FRAMES}: XDP frames are really transmitted/redirected (kernel 5.18+). */
    public static final int FLAG_XDP_LIVE_FRAMES = 2;

    /** The output data buffer when none is given: the input's size plus this much room to grow. */
    static final int DEFAULT_DATA_GROWTH = 4096;
    /** The largest buffer a request may ask for (the kernel caps packets at a page or so anyway). */
    static final int MAX_BUFFER = 1 << 24;

    private static final int KNOWN_FLAGS = FLAG_RUN_ON_CPU | FLAG_XDP_LIVE_FRAMES;

    private final byte[] data;
    private final int outputDataSize;
    private final byte[] context;
    private final int outputContextSize;
    private final int repeat;
    private final int flags;
    private final int cpu;

    private TestRunRequest(Builder builder) {
        this.data = builder.data;
        this.context = builder.context;
        this.outputDataSize = builder.outputDataSize >= 0 ? builder.outputDataSize
                : data == null ? 0 : data.length + DEFAULT_DATA_GROWTH;
        this.outputContextSize = builder.outputContextSize;
        this.repeat = builder.repeat;
        this.flags = builder.flags;
        this.cpu = builder.cpu;
    }

    /** A new builder: no data, no context, one run. */
    public static Builder builder() {
        return new Builder();
    }

    /** A request that runs the program once on {@code data} (a packet) and reads back the output data. */
    public static TestRunRequest ofData(byte[] data) {
        return builder().data(data).build();
    }

    /** A request that runs the program once with {@code context} as its context and no data. */
    public static TestRunRequest ofContext(byte[] context) {
        return builder().context(context).build();
    }

    /** The input data, or null for none. */
    public byte[] data() {
        return data == null ? null : data.clone();
    }

    /** The size of the output data buffer; 0 when output data is not read back. */
    public int outputDataSize() {
        return outputDataSize;
    }

    /** The input context, or null for none. */
    public byte[] context() {
        return context == null ? null : context.clone();
    }

    /**
     * The size of the output context buffer; 0 when the context is not read back; -1 (the default)
     * for the input context's size, except for raw_tp and syscall programs, which take no output
     * context buffer (a syscall program's context comes back in the result anyway).
     */
    public int outputContextSize() {
        return outputContextSize;
    }

    /** How often the kernel runs the program; 0 means once (the kernel's default). */
    public int repeat() {
        return repeat;
    }

    /** The {@code BPF_F_TEST_*} flags. */
    public int flags() {
        return flags;
    }

    /** The CPU to run on when {@link #FLAG_RUN_ON_CPU} is set. */
    public int cpu() {
        return cpu;
    }

    int dataLength() {
        return data == null ? 0 : data.length;
    }

    int contextLength() {
        return context == null ? 0 : context.length;
    }

    byte[] rawData() {
        return data;
    }

    byte[] rawContext() {
        return context;
    }

    @Override
    public String toString() {
        return "TestRunRequest[data=" + dataLength() + " bytes, outputData=" + outputDataSize + ", context="
                + contextLength() + " bytes, outputContext=" + outputContextSize + ", repeat=" + repeat
                + ", flags=" + flags + ", cpu=" + cpu + "]";
    }

    /** Builds a {@link TestRunRequest}; every setter checks its argument at once. */
    public static final class Builder {
        private byte[] data;
        private int outputDataSize = -1;
        private byte[] context;
        private int outputContextSize = -1;
        private int repeat;
        private int flags;
        private int cpu;

        private Builder() {
        }

        /** The input data (a copy is taken), for example an Ethernet frame; null for none. */
        public Builder data(byte[] data) {
            this.data = data == null ? null : checkLength("data", data).clone();
            return this;
        }

        /**
         * The size of the buffer the kernel copies the (possibly rewritten) data into; 0 to not read
         * it back. Defaults to the input's size plus 4096 bytes, room for a program that grows the packet.
         */
        public Builder outputDataSize(int size) {
            this.outputDataSize = checkSize("outputDataSize", size);
            return this;
        }

        /** The input context (a copy is taken), for example a {@code struct __sk_buff}; null for none. */
        public Builder context(byte[] context) {
            this.context = context == null ? null : checkLength("context", context).clone();
            return this;
        }

        /**
         * The size of the buffer the kernel copies the context into after the run; 0 to not read it
         * back. Defaults to the input context's size (0 without an input context, and for raw_tp and
         * syscall programs).
         */
        public Builder outputContextSize(int size) {
            this.outputContextSize = checkSize("outputContextSize", size);
            return this;
        }

        /** How often to run the program (the result's duration is the average); 0 or 1 run it once. */
        public Builder repeat(int repeat) {
            if (repeat < 0) {
                throw new IllegalArgumentException("repeat must be 0 or more, not " + repeat);
            }
            this.repeat = repeat;
            return this;
        }

        /** {@code BPF_F_TEST_*} flags: {@link #FLAG_RUN_ON_CPU}, {@link #FLAG_XDP_LIVE_FRAMES}. */
        public Builder flags(int flags) {
            if ((flags & ~KNOWN_FLAGS) != 0) {
                throw new IllegalArgumentException("unknown test-run flags 0x" + Integer.toHexString(flags & ~KNOWN_FLAGS)
                        + "; known are FLAG_RUN_ON_CPU (1) and FLAG_XDP_LIVE_FRAMES (2)");
            }
            this.flags = flags;
            return this;
        }

        /** Runs the program on {@code cpu} (sets {@link #FLAG_RUN_ON_CPU}); raw tracepoint programs only. */
        public Builder cpu(int cpu) {
            if (cpu < 0) {
                throw new IllegalArgumentException("cpu must be 0 or more, not " + cpu);
            }
            this.cpu = cpu;
            this.flags |= FLAG_RUN_ON_CPU;
            return this;
        }

        /** The request. */
        public TestRunRequest build() {
            return new TestRunRequest(this);
        }

        private static byte[] checkLength(String what, byte[] bytes) {
            if (bytes.length > MAX_BUFFER) {
                throw new IllegalArgumentException(what + " of " + bytes.length + " bytes is larger than "
                        + MAX_BUFFER + " bytes, more than the kernel accepts for a test run");
            }
            return bytes;
        }

        private static int checkSize(String what, int size) {
            if (size < 0 || size > MAX_BUFFER) {
                throw new IllegalArgumentException(what + " must be between 0 and " + MAX_BUFFER + ", not " + size);
            }
            return size;
        }
    }

    /** Equal requests hand the kernel the same bytes and sizes. */
    @Override
    public boolean equals(Object other) {
        return other instanceof TestRunRequest r && Arrays.equals(data, r.data) && Arrays.equals(context, r.context)
                && outputDataSize == r.outputDataSize && outputContextSize == r.outputContextSize
                && repeat == r.repeat && flags == r.flags && cpu == r.cpu;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + Arrays.hashCode(context) + repeat;
    }
}
