package dev.bpfj.runtime.internal.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code perf_event_open(2)}, which glibc does not wrap: called through libc's variadic
 * {@code syscall} with the architecture's system call number.
 */
@SuppressWarnings("restricted")
public final class LinuxPerf {

    /** {@code sizeof(struct perf_event_attr)} as of {@code PERF_ATTR_SIZE_VER7}; every kernel since 6.3 accepts it, older ones accept it when the tail is zero. */
    public static final int ATTR_SIZE = 128;
    /** {@code PERF_FLAG_FD_CLOEXEC}. */
    public static final long FLAG_FD_CLOEXEC = 8;

    private LinuxPerf() {
    }

    /** The number of {@code perf_event_open} on this architecture, or -1 when unknown. */
    static long syscallNumber() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> 298;
            case "aarch64", "riscv64", "loongarch64" -> 241;
            case "s390x" -> 331;
            case "ppc64le", "ppc64" -> 319;
            default -> -1;
        };
    }

    private static final class syscall {
        // long syscall(long number, ...): the five perf_event_open arguments are variadic.
        static final MethodHandle HANDLE = Native.libc("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
                Linker.Option.firstVariadicArg(1), Native.ERRNO_OPTION);
    }

    /**
     * Calls {@code perf_event_open(attr, pid, cpu, groupFd, flags)}; returns the new fd or -1
     * with errno in {@code capture}.
     *
     * @throws UnsupportedOperationException on an architecture whose system call number is not known here
     */
    public static int perf_event_open(MemorySegment capture, MemorySegment attr, int pid, int cpu, int groupFd, long flags) {
        long number = syscallNumber();
        if (number < 0) {
            throw new UnsupportedOperationException("perf_event_open: unknown system call number on " + System.getProperty("os.arch"));
        }
        try {
            return (int) (long) syscall.HANDLE.invokeExact(capture, number, attr, pid, cpu, groupFd, flags);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
