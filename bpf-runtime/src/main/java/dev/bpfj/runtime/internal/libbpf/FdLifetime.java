package dev.bpfj.runtime.internal.libbpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * libc calls that keep a kernel object's file descriptor meaning the same object for as long as
 * native code holds on to it: a duplicate that a reader owns, so that the caller closing its own
 * fd (and the kernel handing the number to a new object) cannot redirect the reader's calls.
 * One holder per function, like {@link Libbpf}.
 */
@SuppressWarnings("restricted")
public final class FdLifetime {

    /** {@code F_DUPFD_CLOEXEC}: duplicate onto the lowest free fd at or above the argument, close-on-exec. */
    private static final int F_DUPFD_CLOEXEC = 1030;

    private FdLifetime() {
    }

    private static final class fcntl {
        // fcntl is variadic: the third argument is the first variadic one.
        static final MethodHandle HANDLE = Native.libc("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
                Native.ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    }

    /**
     * Duplicates {@code fd} with close-on-exec set ({@code fcntl(fd, F_DUPFD_CLOEXEC, 0)});
     * errno goes to {@code capture}.
     *
     * @return the new fd, or -1 with errno in {@code capture}
     */
    public static int dupCloexec(MemorySegment capture, int fd) {
        try {
            return (int) fcntl.HANDLE.invokeExact(capture, fd, F_DUPFD_CLOEXEC, 0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
