package dev.bpfj.runtime.internal.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread native buffers for the allocation-free map paths: a key buffer and a value buffer
 * that grow on demand and are reused by every call on the thread. Memory is freed by the GC
 * (automatic arena) when the thread dies.
 */
public final class Scratch {

    private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);
    private static final long INITIAL = 256;

    private MemorySegment key = Arena.ofAuto().allocate(INITIAL, 8);
    private MemorySegment value = Arena.ofAuto().allocate(INITIAL, 8);

    private Scratch() {
    }

    /** This thread's scratch buffers. */
    public static Scratch get() {
        return CURRENT.get();
    }

    /** A key buffer of at least {@code size} bytes, with unspecified contents. */
    public MemorySegment key(long size) {
        if (key.byteSize() < size) {
            key = Arena.ofAuto().allocate(Math.max(size, key.byteSize() * 2), 8);
        }
        return key;
    }

    /** A value buffer of at least {@code size} bytes, with unspecified contents. */
    public MemorySegment value(long size) {
        if (value.byteSize() < size) {
            value = Arena.ofAuto().allocate(Math.max(size, value.byteSize() * 2), 8);
        }
        return value;
    }
}
