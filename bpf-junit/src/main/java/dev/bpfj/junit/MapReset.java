package dev.bpfj.junit;

import dev.bpfj.runtime.BpfMap;
import dev.bpfj.runtime.BpfObject;
import dev.bpfj.runtime.RingBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** Empties the maps of a class-scoped object between tests ({@link LoadBpf#resetMaps()}). */
final class MapReset {

    private MapReset() {
    }

    static void reset(BpfExtension.Loaded loaded) {
        BpfObject object = loaded.object;
        if (object.phase() != BpfObject.Phase.LOADED) {
            return;
        }
        loaded.detach.run();
        for (BpfMap map : object.maps()) {
            // Global sections (name with a dot, like "counter.bss") keep their values: the C code owns them.
            if (!map.name().contains(".")) {
                reset(map);
            }
        }
    }

    /** Empties one map as far as its kind allows; other kinds are left as they are. */
    static void reset(BpfMap map) {
        switch (map.type()) {
            case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH, LPM_TRIE -> clearKeys(map);
            case ARRAY, PERCPU_ARRAY -> zero(map);
            case RINGBUF -> {
                try (RingBuffer drain = RingBuffer.builder().add(map, record -> { }).build()) {
                    drain.consume();
                }
            }
            default -> {
                // Program arrays, devmaps, sockmaps, queues…: their contents are configuration, not results.
            }
        }
    }

    private static void clearKeys(BpfMap map) {
        try (Arena arena = Arena.ofConfined()) {
            List<MemorySegment> keys = new ArrayList<>();
            map.forEachKey(key -> keys.add(arena.allocate(key.byteSize(), 8).copyFrom(key)));
            for (MemorySegment key : keys) {
                map.delete(key);
            }
        }
    }

    private static void zero(BpfMap map) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment zeroes = arena.allocate(map.valueBufferSize(), 8);
            for (int i = 0; i < map.maxEntries(); i++) {
                key.set(ValueLayout.JAVA_INT, 0, i);
                map.update(key, zeroes);
            }
        }
    }
}
