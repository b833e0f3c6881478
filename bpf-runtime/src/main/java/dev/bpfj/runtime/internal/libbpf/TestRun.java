package dev.bpfj.runtime.internal.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code bpf_prog_test_run_opts} (libbpf 0.7+) and the layout of its {@code struct
 * bpf_test_run_opts}, for {@code BpfProgram.testRun}. Same holder pattern as {@link Libbpf}.
 */
@SuppressWarnings("restricted")
public final class TestRun {

    /** {@code sizeof(struct bpf_test_run_opts)} up to {@code batch_size}, as libbpf 1.x declares it. */
    public static final long OPTS_SIZE = 80;
    /** Offset of {@code const void *data_in}. */
    public static final long DATA_IN = 8;
    /** Offset of {@code void *data_out}. */
    public static final long DATA_OUT = 16;
    /** Offset of {@code __u32 data_size_in}. */
    public static final long DATA_SIZE_IN = 24;
    /** Offset of {@code __u32 data_size_out} (in: capacity of data_out; out: bytes the program produced). */
    public static final long DATA_SIZE_OUT = 28;
    /** Offset of {@code const void *ctx_in}. */
    public static final long CTX_IN = 32;
    /** Offset of {@code void *ctx_out}. */
    public static final long CTX_OUT = 40;
    /** Offset of {@code __u32 ctx_size_in}. */
    public static final long CTX_SIZE_IN = 48;
    /** Offset of {@code __u32 ctx_size_out} (in: capacity of ctx_out; out: bytes written). */
    public static final long CTX_SIZE_OUT = 52;
    /** Offset of {@code __u32 retval}. */
    public static final long RETVAL = 56;
    /** Offset of {@code int repeat}. */
    public static final long REPEAT = 60;
    /** Offset of {@code __u32 duration} (average ns per run). */
    public static final long DURATION = 64;
    /** Offset of {@code __u32 flags}. */
    public static final long FLAGS = 68;
    /** Offset of {@code __u32 cpu}. */
    public static final long CPU = 72;

    private TestRun() {
    }

    /** Allocation layout hint for the options struct: 8-byte aligned. */
    public static final ValueLayout ALIGN = ValueLayout.JAVA_LONG;

    private static final class bpf_prog_test_run_opts {
        static final MethodHandle HANDLE = Native.libbpf("bpf_prog_test_run_opts",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), new Linker.Option[0]);
    }

    /** Calls libbpf's {@code bpf_prog_test_run_opts}; returns 0 or {@code -errno}. */
    public static int bpf_prog_test_run_opts(int progFd, MemorySegment opts) {
        try {
            return (int) bpf_prog_test_run_opts.HANDLE.invokeExact(progFd, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
