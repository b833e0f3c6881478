package dev.bpfj.runtime.internal.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Where libbpf has pinned a map ({@code bpf_map__is_pinned}, {@code bpf_map__pin_path}), so that
 * whoever owns an object (a test extension) can remove the pins it made. Same holder pattern as
 * {@link Libbpf}.
 */
@SuppressWarnings("restricted")
public final class Pins {

    private static final Linker.Option[] NONE = {};

    private Pins() {
    }

    private static final class bpf_map__is_pinned {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__is_pinned", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__is_pinned}. */
    public static boolean bpf_map__is_pinned(MemorySegment map) {
        try {
            return (boolean) bpf_map__is_pinned.HANDLE.invokeExact(map);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class bpf_map__pin_path {
        static final MethodHandle HANDLE = Native.libbpf("bpf_map__pin_path", FunctionDescriptor.of(ADDRESS, ADDRESS), NONE);
    }

    /** Calls libbpf's {@code bpf_map__pin_path}; NULL when the map has no pin path. */
    public static MemorySegment bpf_map__pin_path(MemorySegment map) {
        try {
            return (MemorySegment) bpf_map__pin_path.HANDLE.invokeExact(map);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
