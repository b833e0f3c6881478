package dev.bpfj.runtime.internal.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The libbpf functions bpfj calls. Each function has its own holder class, so a handle is
 * linked only when first used and an application pays only for what it calls; calls go
 * through {@code invokeExact}.
 *
 * <p>libbpf 1.0+ returns {@code -errno} from its {@code int} functions, so only the
 * pointer-returning ones take a {@code capture} segment (from the caller's arena) in which the
 * linker records errno. Map element operations are linked as critical calls: they are short,
 * never call back into Java, and may then take heap segments directly.
 */
@SuppressWarnings("restricted")
public final class Libbpf {

    private static final Linker.Option[] NONE = {};
    private static final Linker.Option[] ERRNO = {Native.ERRNO_OPTION};
    private static final Linker.Option[] CRITICAL = {Linker.Option.critical(true)};

    private Libbpf() {
    }

    private static final class libbpf_num_possible_cpus {
        static final MethodHandle HANDLE = Native.libbpf("libbpf_num_possible_cpus", FunctionDescriptor.of(JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code libbpf_num_possible_cpus}. */
    public static int libbpf_num_possible_cpus() {
        try {
            return (int) libbpf_num_possible_cpus.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class libbpf_strerror {
        static final MethodHandle HANDLE = Native.libbpf("libbpf_strerror", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG), NONE);
    }

    /** Calls libbpf's {@code libbpf_strerror}. */
    public static int libbpf_strerror(int err, MemorySegment buf, long size) {
        try {
            return (int) libbpf_strerror.HANDLE.invokeExact(err, buf, size);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_object__open_mem {
        static final MethodHandle HANDLE = Native.libbpf("bpf_object__open_mem", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code bpf_object__open_mem}; errno goes to {@code capture}. */
    public static MemorySegment bpf_object__open_mem(MemorySegment capture, MemorySegment buf, long size, MemorySegment opts) {
        try {
            return (MemorySegment) bpf_object__open_mem.HANDLE.invokeExact(capture, buf, size, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_object__open_file {
        static final MethodHandle HANDLE = Native.libbpf("bpf_object__open_file", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code bpf_object__open_file}; errno goes to {@code capture}. */
    public static MemorySegment bpf_object__open_file(MemorySegment capture, MemorySegment path, MemorySegment opts) {
        try {
            return (MemorySegment) bpf_object__open_file.HANDLE.invokeExact(capture, path, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_object__load {
        static final MethodHandle HANDLE = Native.libbpf("bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_object__load}. */
    public static int bpf_object__load(MemorySegment obj) {
        try {
            return (int) bpf_object__load.HANDLE.invokeExact(obj);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_object__close {
        static final MethodHandle HANDLE = Native.libbpf("bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_object__close}. */
    public static void bpf_object__close(MemorySegment obj) {
        try {
            bpf_object__close.HANDLE.invokeExact(obj);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_object__name {
        static final MethodHandle HANDLE = Native.libbpf("bpf_object__name", FunctionDescriptor.of(ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_object__name}. */
    public static MemorySegment bpf_object__name(MemorySegment obj) {
        try {
            return (MemorySegment) bpf_object__name.HANDLE.invokeExact(obj);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_object__next_program {
        static final MethodHandle HANDLE = Native.libbpf("bpf_object__next_program", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_object__next_program}. */
    public static MemorySegment bpf_object__next_program(MemorySegment obj, MemorySegment prev) {
        try {
            return (MemorySegment) bpf_object__next_program.HANDLE.invokeExact(obj, prev);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_object__next_map {
        static final MethodHandle HANDLE = Native.libbpf("bpf_object__next_map", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_object__next_map}. */
    public static MemorySegment bpf_object__next_map(MemorySegment obj, MemorySegment prev) {
        try {
            return (MemorySegment) bpf_object__next_map.HANDLE.invokeExact(obj, prev);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__name {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__name", FunctionDescriptor.of(ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_program__name}. */
    public static MemorySegment bpf_program__name(MemorySegment prog) {
        try {
            return (MemorySegment) bpf_program__name.HANDLE.invokeExact(prog);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__section_name {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__section_name", FunctionDescriptor.of(ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_program__section_name}. */
    public static MemorySegment bpf_program__section_name(MemorySegment prog) {
        try {
            return (MemorySegment) bpf_program__section_name.HANDLE.invokeExact(prog);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__type {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__type", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_program__type}. */
    public static int bpf_program__type(MemorySegment prog) {
        try {
            return (int) bpf_program__type.HANDLE.invokeExact(prog);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__autoload {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__autoload", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_program__autoload}. */
    public static boolean bpf_program__autoload(MemorySegment prog) {
        try {
            return (boolean) bpf_program__autoload.HANDLE.invokeExact(prog);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__set_autoload {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__set_autoload", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BOOLEAN), NONE);
    }

    /** Calls libbpf's {@code bpf_program__set_autoload}. */
    public static int bpf_program__set_autoload(MemorySegment prog, boolean autoload) {
        try {
            return (int) bpf_program__set_autoload.HANDLE.invokeExact(prog, autoload);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__fd {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_program__fd}. */
    public static int bpf_program__fd(MemorySegment prog) {
        try {
            return (int) bpf_program__fd.HANDLE.invokeExact(prog);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__attach {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__attach", FunctionDescriptor.of(ADDRESS, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code bpf_program__attach}; errno goes to {@code capture}. */
    public static MemorySegment bpf_program__attach(MemorySegment capture, MemorySegment prog) {
        try {
            return (MemorySegment) bpf_program__attach.HANDLE.invokeExact(capture, prog);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__attach_tracepoint {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__attach_tracepoint", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code bpf_program__attach_tracepoint}; errno goes to {@code capture}. */
    public static MemorySegment bpf_program__attach_tracepoint(MemorySegment capture, MemorySegment prog, MemorySegment category, MemorySegment name) {
        try {
            return (MemorySegment) bpf_program__attach_tracepoint.HANDLE.invokeExact(capture, prog, category, name);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__attach_raw_tracepoint {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__attach_raw_tracepoint", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code bpf_program__attach_raw_tracepoint}; errno goes to {@code capture}. */
    public static MemorySegment bpf_program__attach_raw_tracepoint(MemorySegment capture, MemorySegment prog, MemorySegment name) {
        try {
            return (MemorySegment) bpf_program__attach_raw_tracepoint.HANDLE.invokeExact(capture, prog, name);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__attach_kprobe {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__attach_kprobe", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_BOOLEAN, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code bpf_program__attach_kprobe}; errno goes to {@code capture}. */
    public static MemorySegment bpf_program__attach_kprobe(MemorySegment capture, MemorySegment prog, boolean retprobe, MemorySegment function) {
        try {
            return (MemorySegment) bpf_program__attach_kprobe.HANDLE.invokeExact(capture, prog, retprobe, function);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_program__attach_uprobe_opts {
        static final MethodHandle HANDLE = Native.libbpf("bpf_program__attach_uprobe_opts", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code bpf_program__attach_uprobe_opts}; errno goes to {@code capture}. */
    public static MemorySegment bpf_program__attach_uprobe_opts(MemorySegment capture, MemorySegment prog, int pid, MemorySegment binary, long offset, MemorySegment opts) {
        try {
            return (MemorySegment) bpf_program__attach_uprobe_opts.HANDLE.invokeExact(capture, prog, pid, binary, offset, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__name {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__name", FunctionDescriptor.of(ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__name}. */
    public static MemorySegment bpf_map__name(MemorySegment map) {
        try {
            return (MemorySegment) bpf_map__name.HANDLE.invokeExact(map);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__type {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__type", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__type}. */
    public static int bpf_map__type(MemorySegment map) {
        try {
            return (int) bpf_map__type.HANDLE.invokeExact(map);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__key_size {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__key_size", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__key_size}. */
    public static int bpf_map__key_size(MemorySegment map) {
        try {
            return (int) bpf_map__key_size.HANDLE.invokeExact(map);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__btf_key_type_id {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__btf_key_type_id", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__btf_key_type_id}: the map's BTF type id, 0 when it has none. */
    public static int bpf_map__btf_key_type_id(MemorySegment map) {
        try {
            return (int) bpf_map__btf_key_type_id.HANDLE.invokeExact(map);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__btf_value_type_id {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__btf_value_type_id", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__btf_value_type_id}: the map's BTF type id, 0 when it has none. */
    public static int bpf_map__btf_value_type_id(MemorySegment map) {
        try {
            return (int) bpf_map__btf_value_type_id.HANDLE.invokeExact(map);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__value_size {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__value_size", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__value_size}. */
    public static int bpf_map__value_size(MemorySegment map) {
        try {
            return (int) bpf_map__value_size.HANDLE.invokeExact(map);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__max_entries {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__max_entries}. */
    public static int bpf_map__max_entries(MemorySegment map) {
        try {
            return (int) bpf_map__max_entries.HANDLE.invokeExact(map);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__set_max_entries {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__set_max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code bpf_map__set_max_entries}; only before load (libbpf returns -EBUSY after). */
    public static int bpf_map__set_max_entries(MemorySegment map, int maxEntries) {
        try {
            return (int) bpf_map__set_max_entries.HANDLE.invokeExact(map, maxEntries);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__set_key_size {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__set_key_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code bpf_map__set_key_size}; only before load (libbpf returns -EBUSY after). */
    public static int bpf_map__set_key_size(MemorySegment map, int size) {
        try {
            return (int) bpf_map__set_key_size.HANDLE.invokeExact(map, size);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__set_value_size {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__set_value_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code bpf_map__set_value_size}; only before load (libbpf returns -EBUSY after). */
    public static int bpf_map__set_value_size(MemorySegment map, int size) {
        try {
            return (int) bpf_map__set_value_size.HANDLE.invokeExact(map, size);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__map_flags {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__map_flags", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__map_flags}. */
    public static int bpf_map__map_flags(MemorySegment map) {
        try {
            return (int) bpf_map__map_flags.HANDLE.invokeExact(map);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__fd {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__fd}. */
    public static int bpf_map__fd(MemorySegment map) {
        try {
            return (int) bpf_map__fd.HANDLE.invokeExact(map);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__is_internal {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__is_internal", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__is_internal}. */
    public static boolean bpf_map__is_internal(MemorySegment map) {
        try {
            return (boolean) bpf_map__is_internal.HANDLE.invokeExact(map);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__initial_value {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__initial_value", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__initial_value}. */
    public static MemorySegment bpf_map__initial_value(MemorySegment map, MemorySegment psize) {
        try {
            return (MemorySegment) bpf_map__initial_value.HANDLE.invokeExact(map, psize);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_object__btf {
        static final MethodHandle HANDLE = Native.libbpf("bpf_object__btf", FunctionDescriptor.of(ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_object__btf}: the object's own BTF as libbpf fixed it up at open, or NULL. */
    public static MemorySegment bpf_object__btf(MemorySegment obj) {
        try {
            return (MemorySegment) bpf_object__btf.HANDLE.invokeExact(obj);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class btf__find_by_name_kind {
        static final MethodHandle HANDLE = Native.libbpf("btf__find_by_name_kind", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code btf__find_by_name_kind}: a type id, or {@code -ENOENT}. */
    public static int btf__find_by_name_kind(MemorySegment btf, MemorySegment name, int kind) {
        try {
            return (int) btf__find_by_name_kind.HANDLE.invokeExact(btf, name, kind);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class btf__type_by_id {
        static final MethodHandle HANDLE = Native.libbpf("btf__type_by_id", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code btf__type_by_id}: a {@code struct btf_type *} (zero-length segment), or NULL. */
    public static MemorySegment btf__type_by_id(MemorySegment btf, int id) {
        try {
            return (MemorySegment) btf__type_by_id.HANDLE.invokeExact(btf, id);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class btf__name_by_offset {
        static final MethodHandle HANDLE = Native.libbpf("btf__name_by_offset", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code btf__name_by_offset}: a C string, or NULL for a bad offset. */
    public static MemorySegment btf__name_by_offset(MemorySegment btf, int offset) {
        try {
            return (MemorySegment) btf__name_by_offset.HANDLE.invokeExact(btf, offset);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__pin {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__pin", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__pin}. */
    public static int bpf_map__pin(MemorySegment map, MemorySegment path) {
        try {
            return (int) bpf_map__pin.HANDLE.invokeExact(map, path);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__unpin {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__unpin", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__unpin}. */
    public static int bpf_map__unpin(MemorySegment map, MemorySegment path) {
        try {
            return (int) bpf_map__unpin.HANDLE.invokeExact(map, path);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_link__destroy {
        static final MethodHandle HANDLE = Native.libbpf("bpf_link__destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_link__destroy}. */
    public static int bpf_link__destroy(MemorySegment link) {
        try {
            return (int) bpf_link__destroy.HANDLE.invokeExact(link);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_link__fd {
        static final MethodHandle HANDLE = Native.libbpf("bpf_link__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_link__fd}. */
    public static int bpf_link__fd(MemorySegment link) {
        try {
            return (int) bpf_link__fd.HANDLE.invokeExact(link);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_link__pin {
        static final MethodHandle HANDLE = Native.libbpf("bpf_link__pin", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_link__pin}. */
    public static int bpf_link__pin(MemorySegment link, MemorySegment path) {
        try {
            return (int) bpf_link__pin.HANDLE.invokeExact(link, path);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_link__unpin {
        static final MethodHandle HANDLE = Native.libbpf("bpf_link__unpin", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_link__unpin}. */
    public static int bpf_link__unpin(MemorySegment link) {
        try {
            return (int) bpf_link__unpin.HANDLE.invokeExact(link);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map_create {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map_create", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map_create}. */
    public static int bpf_map_create(int type, MemorySegment name, int keySize, int valueSize, int maxEntries, MemorySegment opts) {
        try {
            return (int) bpf_map_create.HANDLE.invokeExact(type, name, keySize, valueSize, maxEntries, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map_lookup_elem {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map_lookup_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), CRITICAL);
    }

    /** Calls libbpf's {@code bpf_map_lookup_elem}. */
    public static int bpf_map_lookup_elem(int fd, MemorySegment key, MemorySegment value) {
        try {
            return (int) bpf_map_lookup_elem.HANDLE.invokeExact(fd, key, value);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map_lookup_elem_flags {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map_lookup_elem_flags", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), CRITICAL);
    }

    /** Calls libbpf's {@code bpf_map_lookup_elem_flags}. */
    public static int bpf_map_lookup_elem_flags(int fd, MemorySegment key, MemorySegment value, long flags) {
        try {
            return (int) bpf_map_lookup_elem_flags.HANDLE.invokeExact(fd, key, value, flags);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map_update_elem {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map_update_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), CRITICAL);
    }

    /** Calls libbpf's {@code bpf_map_update_elem}. */
    public static int bpf_map_update_elem(int fd, MemorySegment key, MemorySegment value, long flags) {
        try {
            return (int) bpf_map_update_elem.HANDLE.invokeExact(fd, key, value, flags);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map_delete_elem {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map_delete_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), CRITICAL);
    }

    /** Calls libbpf's {@code bpf_map_delete_elem}. */
    public static int bpf_map_delete_elem(int fd, MemorySegment key) {
        try {
            return (int) bpf_map_delete_elem.HANDLE.invokeExact(fd, key);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map_lookup_and_delete_elem {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map_lookup_and_delete_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), CRITICAL);
    }

    /** Calls libbpf's {@code bpf_map_lookup_and_delete_elem}. */
    public static int bpf_map_lookup_and_delete_elem(int fd, MemorySegment key, MemorySegment value) {
        try {
            return (int) bpf_map_lookup_and_delete_elem.HANDLE.invokeExact(fd, key, value);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map_get_next_key {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map_get_next_key", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), CRITICAL);
    }

    /** Calls libbpf's {@code bpf_map_get_next_key}. */
    public static int bpf_map_get_next_key(int fd, MemorySegment key, MemorySegment nextKey) {
        try {
            return (int) bpf_map_get_next_key.HANDLE.invokeExact(fd, key, nextKey);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map_lookup_batch {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map_lookup_batch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map_lookup_batch}. */
    public static int bpf_map_lookup_batch(int fd, MemorySegment inBatch, MemorySegment outBatch, MemorySegment keys, MemorySegment values, MemorySegment count, MemorySegment opts) {
        try {
            return (int) bpf_map_lookup_batch.HANDLE.invokeExact(fd, inBatch, outBatch, keys, values, count, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map_update_batch {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map_update_batch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map_update_batch}. */
    public static int bpf_map_update_batch(int fd, MemorySegment keys, MemorySegment values, MemorySegment count, MemorySegment opts) {
        try {
            return (int) bpf_map_update_batch.HANDLE.invokeExact(fd, keys, values, count, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map_delete_batch {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map_delete_batch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map_delete_batch}. */
    public static int bpf_map_delete_batch(int fd, MemorySegment keys, MemorySegment count, MemorySegment opts) {
        try {
            return (int) bpf_map_delete_batch.HANDLE.invokeExact(fd, keys, count, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_obj_pin {
        static final MethodHandle HANDLE = Native.libbpf("bpf_obj_pin", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_obj_pin}. */
    public static int bpf_obj_pin(int fd, MemorySegment path) {
        try {
            return (int) bpf_obj_pin.HANDLE.invokeExact(fd, path);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_obj_get {
        static final MethodHandle HANDLE = Native.libbpf("bpf_obj_get", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_obj_get}. */
    public static int bpf_obj_get(MemorySegment path) {
        try {
            return (int) bpf_obj_get.HANDLE.invokeExact(path);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_prog_get_next_id {
        static final MethodHandle HANDLE = Native.libbpf("bpf_prog_get_next_id", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_prog_get_next_id}. */
    public static int bpf_prog_get_next_id(int start, MemorySegment next) {
        try {
            return (int) bpf_prog_get_next_id.HANDLE.invokeExact(start, next);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map_get_next_id {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map_get_next_id", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map_get_next_id}. */
    public static int bpf_map_get_next_id(int start, MemorySegment next) {
        try {
            return (int) bpf_map_get_next_id.HANDLE.invokeExact(start, next);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_prog_get_fd_by_id {
        static final MethodHandle HANDLE = Native.libbpf("bpf_prog_get_fd_by_id", FunctionDescriptor.of(JAVA_INT, JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code bpf_prog_get_fd_by_id}. */
    public static int bpf_prog_get_fd_by_id(int id) {
        try {
            return (int) bpf_prog_get_fd_by_id.HANDLE.invokeExact(id);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map_get_fd_by_id {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map_get_fd_by_id", FunctionDescriptor.of(JAVA_INT, JAVA_INT), NONE);
    }

    /** Calls libbpf's {@code bpf_map_get_fd_by_id}. */
    public static int bpf_map_get_fd_by_id(int id) {
        try {
            return (int) bpf_map_get_fd_by_id.HANDLE.invokeExact(id);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_obj_get_info_by_fd {
        static final MethodHandle HANDLE = Native.libbpf("bpf_obj_get_info_by_fd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_obj_get_info_by_fd}. */
    public static int bpf_obj_get_info_by_fd(int fd, MemorySegment info, MemorySegment infoLen) {
        try {
            return (int) bpf_obj_get_info_by_fd.HANDLE.invokeExact(fd, info, infoLen);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class perf_buffer__new {
        static final MethodHandle HANDLE = Native.libbpf("perf_buffer__new", FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code perf_buffer__new}; errno goes to {@code capture}. */
    public static MemorySegment perf_buffer__new(MemorySegment capture, int mapFd, long pageCount, MemorySegment sampleCallback, MemorySegment lostCallback, MemorySegment ctx, MemorySegment opts) {
        try {
            return (MemorySegment) perf_buffer__new.HANDLE.invokeExact(capture, mapFd, pageCount, sampleCallback, lostCallback, ctx, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class perf_buffer__buffer_cnt {
        static final MethodHandle HANDLE = Native.libbpf("perf_buffer__buffer_cnt", FunctionDescriptor.of(JAVA_LONG, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code perf_buffer__buffer_cnt}: how many per-CPU buffers there are. */
    public static long perf_buffer__buffer_cnt(MemorySegment pb) {
        try {
            return (long) perf_buffer__buffer_cnt.HANDLE.invokeExact(pb);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class perf_buffer__buffer_fd {
        static final MethodHandle HANDLE = Native.libbpf("perf_buffer__buffer_fd", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), NONE);
    }

    /** Calls libbpf's {@code perf_buffer__buffer_fd}: the perf event fd of one per-CPU buffer. */
    public static int perf_buffer__buffer_fd(MemorySegment pb, long index) {
        try {
            return (int) perf_buffer__buffer_fd.HANDLE.invokeExact(pb, index);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class perf_buffer__buffer {
        static final MethodHandle HANDLE = Native.libbpf("perf_buffer__buffer", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS), NONE);
    }

    /**
     * Calls libbpf's {@code perf_buffer__buffer}: the mmap'd region of one per-CPU buffer (its
     * {@code perf_event_mmap_page}, then the data pages) and the size of its data area.
     */
    public static int perf_buffer__buffer(MemorySegment pb, int index, MemorySegment buffer, MemorySegment size) {
        try {
            return (int) perf_buffer__buffer.HANDLE.invokeExact(pb, index, buffer, size);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class perf_buffer__free {
        static final MethodHandle HANDLE = Native.libbpf("perf_buffer__free", FunctionDescriptor.ofVoid(ADDRESS), NONE);
    }

    /** Calls libbpf's {@code perf_buffer__free}. */
    public static void perf_buffer__free(MemorySegment pb) {
        try {
            perf_buffer__free.HANDLE.invokeExact(pb);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class ring_buffer__new {
        static final MethodHandle HANDLE = Native.libbpf("ring_buffer__new", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS), ERRNO);
    }

    /** Calls libbpf's {@code ring_buffer__new}; errno goes to {@code capture}. */
    public static MemorySegment ring_buffer__new(MemorySegment capture, int mapFd, MemorySegment sampleCallback, MemorySegment ctx, MemorySegment opts) {
        try {
            return (MemorySegment) ring_buffer__new.HANDLE.invokeExact(capture, mapFd, sampleCallback, ctx, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class ring_buffer__epoll_fd {
        static final MethodHandle HANDLE = Native.libbpf("ring_buffer__epoll_fd", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code ring_buffer__epoll_fd}. */
    public static int ring_buffer__epoll_fd(MemorySegment rb) {
        try {
            return (int) ring_buffer__epoll_fd.HANDLE.invokeExact(rb);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class ring_buffer__consume {
        static final MethodHandle HANDLE = Native.libbpf("ring_buffer__consume", FunctionDescriptor.of(JAVA_INT, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code ring_buffer__consume}. */
    public static int ring_buffer__consume(MemorySegment rb) {
        try {
            return (int) ring_buffer__consume.HANDLE.invokeExact(rb);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class ring_buffer__free {
        static final MethodHandle HANDLE = Native.libbpf("ring_buffer__free", FunctionDescriptor.ofVoid(ADDRESS), NONE);
    }

    /** Calls libbpf's {@code ring_buffer__free}. */
    public static void ring_buffer__free(MemorySegment rb) {
        try {
            ring_buffer__free.HANDLE.invokeExact(rb);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

}
