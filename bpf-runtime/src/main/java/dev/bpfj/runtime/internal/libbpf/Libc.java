package dev.bpfj.runtime.internal.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The few libc functions the runtime needs besides libbpf: fd and memory-mapping primitives for
 * the ring-buffer reader, epoll and eventfd for waiting and waking, vsnprintf for libbpf's log.
 * One holder per function; calls that report failure through errno capture it.
 */
@SuppressWarnings("restricted")
public final class Libc {

    /** {@code PROT_READ}. */
    public static final int PROT_READ = 1;
    /** {@code PROT_WRITE}. */
    public static final int PROT_WRITE = 2;
    /** {@code MAP_SHARED}. */
    public static final int MAP_SHARED = 1;
    /** {@code EPOLL_CLOEXEC}. */
    public static final int EPOLL_CLOEXEC = 0x80000;
    /** {@code EPOLL_CTL_ADD}. */
    public static final int EPOLL_CTL_ADD = 1;
    /** {@code EPOLLIN}. */
    public static final int EPOLLIN = 1;
    /** {@code EFD_CLOEXEC}. */
    public static final int EFD_CLOEXEC = 0x80000;
    /** {@code EFD_NONBLOCK}. */
    public static final int EFD_NONBLOCK = 0x800;
    /** {@code CLOCK_BOOTTIME}: the clock BPF load times are measured on. */
    public static final int CLOCK_BOOTTIME = 7;
    /** {@code O_RDONLY | O_NONBLOCK | O_CLOEXEC}. */
    public static final int O_RDONLY_NONBLOCK_CLOEXEC = 0 | 0x800 | 0x80000;
    /** {@code EAGAIN}. */
    public static final int EAGAIN = 11;
    /** {@code EINTR}. */
    public static final int EINTR = 4;
    /** Size of {@code struct epoll_event} (packed on x86-64, padded elsewhere). */
    public static final long EPOLL_EVENT_SIZE = "amd64".equals(System.getProperty("os.arch")) ? 12 : 16;
    /** Offset of the data field inside {@code struct epoll_event}. */
    public static final long EPOLL_EVENT_DATA = "amd64".equals(System.getProperty("os.arch")) ? 4 : 8;

    private static final Linker.Option[] NONE = {};
    private static final Linker.Option[] ERRNO = {Native.ERRNO_OPTION};

    private Libc() {
    }

    private static final class close {
        static final MethodHandle HANDLE = Native.libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    }

    /** Calls libc's {@code close}; errno goes to {@code capture}. */
    public static int close(MemorySegment capture, int fd) {
        try {
            return (int) close.HANDLE.invokeExact(capture, fd);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class mmap {
        static final MethodHandle HANDLE = Native.libc("mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO);
    }

    /** Calls libc's {@code mmap}; errno goes to {@code capture}. */
    public static MemorySegment mmap(MemorySegment capture, MemorySegment addr, long length, int prot, int flags, int fd, long offset) {
        try {
            return (MemorySegment) mmap.HANDLE.invokeExact(capture, addr, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class munmap {
        static final MethodHandle HANDLE = Native.libc("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    }

    /** Calls libc's {@code munmap}; errno goes to {@code capture}. */
    public static int munmap(MemorySegment capture, MemorySegment addr, long length) {
        try {
            return (int) munmap.HANDLE.invokeExact(capture, addr, length);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class epoll_create1 {
        static final MethodHandle HANDLE = Native.libc("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    }

    /** Calls libc's {@code epoll_create1}; errno goes to {@code capture}. */
    public static int epoll_create1(MemorySegment capture, int flags) {
        try {
            return (int) epoll_create1.HANDLE.invokeExact(capture, flags);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class epoll_ctl {
        static final MethodHandle HANDLE = Native.libc("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), ERRNO);
    }

    /** Calls libc's {@code epoll_ctl}; errno goes to {@code capture}. */
    public static int epoll_ctl(MemorySegment capture, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) epoll_ctl.HANDLE.invokeExact(capture, epfd, op, fd, event);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class epoll_wait {
        static final MethodHandle HANDLE = Native.libc("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO);
    }

    /** Calls libc's {@code epoll_wait}; errno goes to {@code capture}. */
    public static int epoll_wait(MemorySegment capture, int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        try {
            return (int) epoll_wait.HANDLE.invokeExact(capture, epfd, events, maxEvents, timeoutMillis);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class eventfd {
        static final MethodHandle HANDLE = Native.libc("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    }

    /** Calls libc's {@code eventfd}; errno goes to {@code capture}. */
    public static int eventfd(MemorySegment capture, int initval, int flags) {
        try {
            return (int) eventfd.HANDLE.invokeExact(capture, initval, flags);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class read {
        static final MethodHandle HANDLE = Native.libc("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    }

    /** Calls libc's {@code read}; errno goes to {@code capture}. */
    public static long read(MemorySegment capture, int fd, MemorySegment buf, long count) {
        try {
            return (long) read.HANDLE.invokeExact(capture, fd, buf, count);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class write {
        static final MethodHandle HANDLE = Native.libc("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    }

    /** Calls libc's {@code write}; errno goes to {@code capture}. */
    public static long write(MemorySegment capture, int fd, MemorySegment buf, long count) {
        try {
            return (long) write.HANDLE.invokeExact(capture, fd, buf, count);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class vsnprintf {
        static final MethodHandle HANDLE = Native.libc("vsnprintf", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libc's {@code vsnprintf}. */
    public static int vsnprintf(MemorySegment buf, long size, MemorySegment format, MemorySegment vaList) {
        try {
            return (int) vsnprintf.HANDLE.invokeExact(buf, size, format, vaList);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class clock_gettime {
        static final MethodHandle HANDLE = Native.libc("clock_gettime", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libc's {@code clock_gettime}. */
    public static int clock_gettime(int clock, MemorySegment timespec) {
        try {
            return (int) clock_gettime.HANDLE.invokeExact(clock, timespec);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class open {
        static final MethodHandle HANDLE = Native.libc("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    }

    /** Calls libc's {@code open} without a mode (never creates files); errno goes to {@code capture}. */
    public static int open(MemorySegment capture, MemorySegment path, int flags) {
        try {
            return (int) open.HANDLE.invokeExact(capture, path, flags);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class getpagesize {
        static final MethodHandle HANDLE = Native.libc("getpagesize", FunctionDescriptor.of(JAVA_INT), NONE);
    }

    /** Calls libc's {@code getpagesize}. */
    public static int getpagesize() {
        try {
            return (int) getpagesize.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

}
