package dev.bpfj.runtime.internal.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The native functions behind the networking and cgroup attach kinds (XDP, tc/tcx, netkit,
 * cgroup, socket filter, netns, sockmap, netfilter): libbpf's attach calls plus the few libc
 * calls they need ({@code if_nametoindex}, socket options, {@code statfs}, the raw
 * {@code bpf(2)} system call). Same holder pattern as {@link Libbpf}: each handle is linked on
 * first use, so a libbpf without one of them fails only when that kind is used.
 *
 * <p>Every libbpf function bound here exists since libbpf 0.7 at the latest, so all of them are
 * present in the 1.0 bpfj requires; the calls that newer libbpf versions added for newer kernels
 * (tcx, netkit, netfilter) are not bound: those kinds go through {@code bpf_link_create} or the
 * raw system call, whose layouts are kernel ABI.
 */
@SuppressWarnings("restricted")
public final class LibbpfNet {

    private static final Linker.Option[] NONE = {};
    private static final Linker.Option[] ERRNO = {Native.ERRNO_OPTION};

    private LibbpfNet() {
    }

    private static final class bpf_link_create {
        static final MethodHandle HANDLE = Native.libbpf("bpf_link_create", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_link_create} (libbpf 0.0.8+): a link fd, or {@code -errno}. */
    public static int bpf_link_create(int progFd, int targetFd, int attachType, MemorySegment opts) {
        try {
            return (int) bpf_link_create.HANDLE.invokeExact(progFd, targetFd, attachType, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_xdp_attach {
        static final MethodHandle HANDLE = Native.libbpf("bpf_xdp_attach", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_xdp_attach} (libbpf 0.7+): netlink XDP attach. */
    public static int bpf_xdp_attach(int ifindex, int progFd, int flags, MemorySegment opts) {
        try {
            return (int) bpf_xdp_attach.HANDLE.invokeExact(ifindex, progFd, flags, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_xdp_detach {
        static final MethodHandle HANDLE = Native.libbpf("bpf_xdp_detach", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_xdp_detach} (libbpf 0.7+). */
    public static int bpf_xdp_detach(int ifindex, int flags, MemorySegment opts) {
        try {
            return (int) bpf_xdp_detach.HANDLE.invokeExact(ifindex, flags, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_xdp_query_id {
        static final MethodHandle HANDLE = Native.libbpf("bpf_xdp_query_id", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_xdp_query_id} (libbpf 0.7+): the id of the XDP program in the mode {@code flags} names, 0 when none. */
    public static int bpf_xdp_query_id(int ifindex, int flags, MemorySegment progId) {
        try {
            return (int) bpf_xdp_query_id.HANDLE.invokeExact(ifindex, flags, progId);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_tc_hook_create {
        static final MethodHandle HANDLE = Native.libbpf("bpf_tc_hook_create", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_tc_hook_create} (libbpf 0.4+): creates the clsact qdisc; {@code -EEXIST} when it is there. */
    public static int bpf_tc_hook_create(MemorySegment hook) {
        try {
            return (int) bpf_tc_hook_create.HANDLE.invokeExact(hook);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_tc_hook_destroy {
        static final MethodHandle HANDLE = Native.libbpf("bpf_tc_hook_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_tc_hook_destroy} (libbpf 0.4+). */
    public static int bpf_tc_hook_destroy(MemorySegment hook) {
        try {
            return (int) bpf_tc_hook_destroy.HANDLE.invokeExact(hook);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_tc_attach {
        static final MethodHandle HANDLE = Native.libbpf("bpf_tc_attach", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_tc_attach} (libbpf 0.4+); fills the handle and priority into {@code opts}. */
    public static int bpf_tc_attach(MemorySegment hook, MemorySegment opts) {
        try {
            return (int) bpf_tc_attach.HANDLE.invokeExact(hook, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_tc_detach {
        static final MethodHandle HANDLE = Native.libbpf("bpf_tc_detach", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_tc_detach} (libbpf 0.4+). */
    public static int bpf_tc_detach(MemorySegment hook, MemorySegment opts) {
        try {
            return (int) bpf_tc_detach.HANDLE.invokeExact(hook, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__attach_cgroup {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__attach_cgroup", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT), ERRNO);
    }

    /** Calls libbpf's {@code bpf_program__attach_cgroup} (libbpf 0.0.8+); errno goes to {@code capture}. */
    public static MemorySegment bpf_program__attach_cgroup(MemorySegment capture, MemorySegment prog, int cgroupFd) {
        try {
            return (MemorySegment) bpf_program__attach_cgroup.HANDLE.invokeExact(capture, prog, cgroupFd);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__attach_netns {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__attach_netns", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT), ERRNO);
    }

    /** Calls libbpf's {@code bpf_program__attach_netns} (libbpf 0.0.9+); errno goes to {@code capture}. */
    public static MemorySegment bpf_program__attach_netns(MemorySegment capture, MemorySegment prog, int netnsFd) {
        try {
            return (MemorySegment) bpf_program__attach_netns.HANDLE.invokeExact(capture, prog, netnsFd);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_prog_attach {
        static final MethodHandle HANDLE = Native.libbpf("bpf_prog_attach", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code bpf_prog_attach}. */
    public static int bpf_prog_attach(int progFd, int targetFd, int attachType, int flags) {
        try {
            return (int) bpf_prog_attach.HANDLE.invokeExact(progFd, targetFd, attachType, flags);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_prog_detach2 {
        static final MethodHandle HANDLE = Native.libbpf("bpf_prog_detach2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code bpf_prog_detach2}. */
    public static int bpf_prog_detach2(int progFd, int targetFd, int attachType) {
        try {
            return (int) bpf_prog_detach2.HANDLE.invokeExact(progFd, targetFd, attachType);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__expected_attach_type {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__expected_attach_type", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_program__expected_attach_type} (libbpf 0.7+). */
    public static int bpf_program__expected_attach_type(MemorySegment prog) {
        try {
            return (int) bpf_program__expected_attach_type.HANDLE.invokeExact(prog);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__set_type {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__set_type", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code bpf_program__set_type}; only before load. */
    public static int bpf_program__set_type(MemorySegment prog, int type) {
        try {
            return (int) bpf_program__set_type.HANDLE.invokeExact(prog, type);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__set_expected_attach_type {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__set_expected_attach_type", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code bpf_program__set_expected_attach_type}; only before load. */
    public static int bpf_program__set_expected_attach_type(MemorySegment prog, int type) {
        try {
            return (int) bpf_program__set_expected_attach_type.HANDLE.invokeExact(prog, type);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    // ---- libc ----

    private static final class if_nametoindex {
        static final MethodHandle HANDLE = Native.libc("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS), ERRNO);
    }

    /** Calls libc's {@code if_nametoindex}: 0 (errno in {@code capture}) when there is no such interface. */
    public static int if_nametoindex(MemorySegment capture, MemorySegment name) {
        try {
            return (int) if_nametoindex.HANDLE.invokeExact(capture, name);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class setsockopt {
        static final MethodHandle HANDLE = Native.libc("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    }

    /** Calls libc's {@code setsockopt}; errno goes to {@code capture}. */
    public static int setsockopt(MemorySegment capture, int fd, int level, int option, MemorySegment value, int length) {
        try {
            return (int) setsockopt.HANDLE.invokeExact(capture, fd, level, option, value, length);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class getsockopt {
        static final MethodHandle HANDLE = Native.libc("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), ERRNO);
    }

    /** Calls libc's {@code getsockopt}; errno goes to {@code capture}. */
    public static int getsockopt(MemorySegment capture, int fd, int level, int option, MemorySegment value, MemorySegment length) {
        try {
            return (int) getsockopt.HANDLE.invokeExact(capture, fd, level, option, value, length);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class statfs {
        static final MethodHandle HANDLE = Native.libc("statfs", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), ERRNO);
    }

    /** Calls libc's {@code statfs}; errno goes to {@code capture}. */
    public static int statfs(MemorySegment capture, MemorySegment path, MemorySegment buf) {
        try {
            return (int) statfs.HANDLE.invokeExact(capture, path, buf);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class syscall_bpf {
        // long syscall(long number, ...): the bpf(2) arguments are variadic.
        static final MethodHandle HANDLE = Native.libc("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT),
                Native.ERRNO_OPTION, Linker.Option.firstVariadicArg(1));
    }

    /** The {@code bpf(2)} system call number on this machine's architecture, or -1 when unknown. */
    public static long bpfSyscallNumber() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> 321;
            case "aarch64", "riscv64", "loongarch64" -> 280;
            case "ppc64le", "ppc64" -> 361;
            case "s390x" -> 351;
            default -> -1;
        };
    }

    /**
     * Calls the {@code bpf(2)} system call through libc's {@code syscall} for the commands
     * libbpf 1.0 cannot express (a netfilter link); -1 with errno in {@code capture} on failure.
     */
    public static long bpf(MemorySegment capture, int command, MemorySegment attr, int size) {
        long number = bpfSyscallNumber();
        if (number < 0) {
            throw new UnsupportedOperationException("the bpf(2) system call number of " + System.getProperty("os.arch")
                    + " is not known to bpfj");
        }
        try {
            return (long) syscall_bpf.HANDLE.invokeExact(capture, number, command, attr, size);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
