package dev.bpfj.runtime.internal.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.bpfj.runtime.BpfException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The libbpf functions behind the attach kinds beyond tracing (perf events, iterators, USDT,
 * kprobe/uprobe multi, struct_ops, BTF attach targets), link and program pinning, feature probes
 * and the map kinds that need calls of their own (user ring buffer, inner maps, batch
 * lookup-and-delete). Same holder pattern as {@link Libbpf}: one class per function, linked on first
 * use. A function younger than libbpf 1.0 is looked up optionally, so an older libbpf fails only
 * when that function is called, with a {@link BpfException} naming the libbpf version it needs.
 */
@SuppressWarnings("restricted")
public final class LibbpfAttach {

    private static final Linker.Option[] NONE = {};
    private static final Linker.Option[] ERRNO = {Native.ERRNO_OPTION};

    private LibbpfAttach() {
    }

    /** The handle of {@code name}, or null when this libbpf lacks it. */
    private static MethodHandle optional(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return Native.optionalLibbpf(name, descriptor, options).orElse(null);
    }

    /** True when the loaded libbpf exports {@code name}. */
    public static boolean has(String name) {
        return Native.optionalLibbpf(name, FunctionDescriptor.ofVoid()).isPresent();
    }

    static MethodHandle require(MethodHandle handle, String name, String since) {
        if (handle == null) {
            throw new BpfException("call libbpf function " + name, null, 0, "needs libbpf >= " + since
                    + ", but this machine has libbpf " + Native.libbpfVersion() + "; install a newer libbpf1 package");
        }
        return handle;
    }

    private static final class bpf_program__attach_perf_event {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__attach_perf_event", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT), ERRNO);
    }

    /** Calls libbpf's {@code bpf_program__attach_perf_event}; errno goes to {@code capture}. */
    public static MemorySegment bpf_program__attach_perf_event(MemorySegment capture, MemorySegment prog, int pfd) {
        try {
            return (MemorySegment) bpf_program__attach_perf_event.HANDLE.invokeExact(capture, prog, pfd);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__attach_iter {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__attach_iter", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code bpf_program__attach_iter}; errno goes to {@code capture}. */
    public static MemorySegment bpf_program__attach_iter(MemorySegment capture, MemorySegment prog, MemorySegment opts) {
        try {
            return (MemorySegment) bpf_program__attach_iter.HANDLE.invokeExact(capture, prog, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_iter_create {
        static final MethodHandle HANDLE = Native.libbpf("bpf_iter_create", FunctionDescriptor.of(JAVA_INT, JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code bpf_iter_create}. */
    public static int bpf_iter_create(int linkFd) {
        try {
            return (int) bpf_iter_create.HANDLE.invokeExact(linkFd);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__attach_usdt {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__attach_usdt", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code bpf_program__attach_usdt}; errno goes to {@code capture}. */
    public static MemorySegment bpf_program__attach_usdt(MemorySegment capture, MemorySegment prog, int pid, MemorySegment binary, MemorySegment provider, MemorySegment name, MemorySegment opts) {
        try {
            return (MemorySegment) bpf_program__attach_usdt.HANDLE.invokeExact(capture, prog, pid, binary, provider, name, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__attach_kprobe_multi_opts {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__attach_kprobe_multi_opts", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code bpf_program__attach_kprobe_multi_opts}; errno goes to {@code capture}. */
    public static MemorySegment bpf_program__attach_kprobe_multi_opts(MemorySegment capture, MemorySegment prog, MemorySegment pattern, MemorySegment opts) {
        try {
            return (MemorySegment) bpf_program__attach_kprobe_multi_opts.HANDLE.invokeExact(capture, prog, pattern, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__attach_uprobe_multi {
        static final MethodHandle HANDLE = optional("bpf_program__attach_uprobe_multi", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code bpf_program__attach_uprobe_multi}; errno goes to {@code capture}. Needs libbpf 1.2 or newer: an older libbpf gets a {@code BpfException} saying so at call time. */
    public static MemorySegment bpf_program__attach_uprobe_multi(MemorySegment capture, MemorySegment prog, int pid, MemorySegment binary, MemorySegment pattern, MemorySegment opts) {
        try {
            return (MemorySegment) require(bpf_program__attach_uprobe_multi.HANDLE, "bpf_program__attach_uprobe_multi", "1.2").invokeExact(capture, prog, pid, binary, pattern, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__set_attach_target {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__set_attach_target", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_program__set_attach_target}. */
    public static int bpf_program__set_attach_target(MemorySegment prog, int targetFd, MemorySegment function) {
        try {
            return (int) bpf_program__set_attach_target.HANDLE.invokeExact(prog, targetFd, function);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__attach_struct_ops {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__attach_struct_ops", FunctionDescriptor.of(ADDRESS, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code bpf_map__attach_struct_ops}; errno goes to {@code capture}. */
    public static MemorySegment bpf_map__attach_struct_ops(MemorySegment capture, MemorySegment map) {
        try {
            return (MemorySegment) bpf_map__attach_struct_ops.HANDLE.invokeExact(capture, map);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_link__open {
        static final MethodHandle HANDLE = Native.libbpf("bpf_link__open", FunctionDescriptor.of(ADDRESS, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code bpf_link__open}; errno goes to {@code capture}. */
    public static MemorySegment bpf_link__open(MemorySegment capture, MemorySegment path) {
        try {
            return (MemorySegment) bpf_link__open.HANDLE.invokeExact(capture, path);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_link__update_program {
        static final MethodHandle HANDLE = Native.libbpf("bpf_link__update_program", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_link__update_program}. */
    public static int bpf_link__update_program(MemorySegment link, MemorySegment prog) {
        try {
            return (int) bpf_link__update_program.HANDLE.invokeExact(link, prog);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_link__detach {
        static final MethodHandle HANDLE = Native.libbpf("bpf_link__detach", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_link__detach}. */
    public static int bpf_link__detach(MemorySegment link) {
        try {
            return (int) bpf_link__detach.HANDLE.invokeExact(link);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__pin {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__pin", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_program__pin}. */
    public static int bpf_program__pin(MemorySegment prog, MemorySegment path) {
        try {
            return (int) bpf_program__pin.HANDLE.invokeExact(prog, path);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__unpin {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__unpin", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_program__unpin}. */
    public static int bpf_program__unpin(MemorySegment prog, MemorySegment path) {
        try {
            return (int) bpf_program__unpin.HANDLE.invokeExact(prog, path);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class libbpf_probe_bpf_prog_type {
        static final MethodHandle HANDLE = Native.libbpf("libbpf_probe_bpf_prog_type", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code libbpf_probe_bpf_prog_type}. */
    public static int libbpf_probe_bpf_prog_type(int progType, MemorySegment opts) {
        try {
            return (int) libbpf_probe_bpf_prog_type.HANDLE.invokeExact(progType, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class libbpf_probe_bpf_map_type {
        static final MethodHandle HANDLE = Native.libbpf("libbpf_probe_bpf_map_type", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code libbpf_probe_bpf_map_type}. */
    public static int libbpf_probe_bpf_map_type(int mapType, MemorySegment opts) {
        try {
            return (int) libbpf_probe_bpf_map_type.HANDLE.invokeExact(mapType, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class libbpf_probe_bpf_helper {
        static final MethodHandle HANDLE = Native.libbpf("libbpf_probe_bpf_helper", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code libbpf_probe_bpf_helper}. */
    public static int libbpf_probe_bpf_helper(int progType, int helper, MemorySegment opts) {
        try {
            return (int) libbpf_probe_bpf_helper.HANDLE.invokeExact(progType, helper, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_prog_load {
        static final MethodHandle HANDLE = Native.libbpf("bpf_prog_load", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_prog_load}. */
    public static int bpf_prog_load(int progType, MemorySegment name, MemorySegment license, MemorySegment insns, long insnCount, MemorySegment opts) {
        try {
            return (int) bpf_prog_load.HANDLE.invokeExact(progType, name, license, insns, insnCount, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__set_inner_map_fd {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__set_inner_map_fd", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code bpf_map__set_inner_map_fd}. */
    public static int bpf_map__set_inner_map_fd(MemorySegment map, int fd) {
        try {
            return (int) bpf_map__set_inner_map_fd.HANDLE.invokeExact(map, fd);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map_lookup_and_delete_batch {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map_lookup_and_delete_batch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map_lookup_and_delete_batch}. */
    public static int bpf_map_lookup_and_delete_batch(int fd, MemorySegment inBatch, MemorySegment outBatch, MemorySegment keys, MemorySegment values, MemorySegment count, MemorySegment opts) {
        try {
            return (int) bpf_map_lookup_and_delete_batch.HANDLE.invokeExact(fd, inBatch, outBatch, keys, values, count, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class user_ring_buffer__new {
        static final MethodHandle HANDLE = optional("user_ring_buffer__new", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code user_ring_buffer__new}; errno goes to {@code capture}. Needs libbpf 1.1 or newer: an older libbpf gets a {@code BpfException} saying so at call time. */
    public static MemorySegment user_ring_buffer__new(MemorySegment capture, int mapFd, MemorySegment opts) {
        try {
            return (MemorySegment) require(user_ring_buffer__new.HANDLE, "user_ring_buffer__new", "1.1").invokeExact(capture, mapFd, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class user_ring_buffer__reserve {
        static final MethodHandle HANDLE = optional("user_ring_buffer__reserve", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT), ERRNO);
    }

    /** Calls libbpf's {@code user_ring_buffer__reserve}; errno goes to {@code capture}. Needs libbpf 1.1 or newer: an older libbpf gets a {@code BpfException} saying so at call time. */
    public static MemorySegment user_ring_buffer__reserve(MemorySegment capture, MemorySegment rb, int size) {
        try {
            return (MemorySegment) require(user_ring_buffer__reserve.HANDLE, "user_ring_buffer__reserve", "1.1").invokeExact(capture, rb, size);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class user_ring_buffer__submit {
        static final MethodHandle HANDLE = optional("user_ring_buffer__submit", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code user_ring_buffer__submit}. Needs libbpf 1.1 or newer: an older libbpf gets a {@code BpfException} saying so at call time. */
    public static void user_ring_buffer__submit(MemorySegment rb, MemorySegment sample) {
        try {
            require(user_ring_buffer__submit.HANDLE, "user_ring_buffer__submit", "1.1").invokeExact(rb, sample);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class user_ring_buffer__discard {
        static final MethodHandle HANDLE = optional("user_ring_buffer__discard", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code user_ring_buffer__discard}. Needs libbpf 1.1 or newer: an older libbpf gets a {@code BpfException} saying so at call time. */
    public static void user_ring_buffer__discard(MemorySegment rb, MemorySegment sample) {
        try {
            require(user_ring_buffer__discard.HANDLE, "user_ring_buffer__discard", "1.1").invokeExact(rb, sample);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class user_ring_buffer__free {
        static final MethodHandle HANDLE = optional("user_ring_buffer__free", FunctionDescriptor.ofVoid(ADDRESS), NONE);
    }

    /** Calls libbpf's {@code user_ring_buffer__free}. Needs libbpf 1.1 or newer: an older libbpf gets a {@code BpfException} saying so at call time. */
    public static void user_ring_buffer__free(MemorySegment rb) {
        try {
            require(user_ring_buffer__free.HANDLE, "user_ring_buffer__free", "1.1").invokeExact(rb);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class btf__load_vmlinux_btf {
        static final MethodHandle HANDLE = Native.libbpf("btf__load_vmlinux_btf", FunctionDescriptor.of(ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code btf__load_vmlinux_btf}: the running kernel's BTF, or NULL with errno in {@code capture}. */
    public static MemorySegment btf__load_vmlinux_btf(MemorySegment capture) {
        try {
            return (MemorySegment) btf__load_vmlinux_btf.HANDLE.invokeExact(capture);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class btf__type_cnt {
        static final MethodHandle HANDLE = Native.libbpf("btf__type_cnt", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code btf__type_cnt}. */
    public static int btf__type_cnt(MemorySegment btf) {
        try {
            return (int) btf__type_cnt.HANDLE.invokeExact(btf);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class btf__free {
        static final MethodHandle HANDLE = Native.libbpf("btf__free", FunctionDescriptor.ofVoid(ADDRESS), NONE);
    }

    /** Calls libbpf's {@code btf__free}. */
    public static void btf__free(MemorySegment btf) {
        try {
            btf__free.HANDLE.invokeExact(btf);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
