package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

@KernelTest
class BpfMapTest {

    @Test
    void hashMapUpdateAndReadBack() {
        try (BpfMap map = BpfMap.create(MapType.HASH, "bpfj_test_hash", 4, 8, 16);
                Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, 42);
            MemorySegment value = arena.allocateFrom(ValueLayout.JAVA_LONG, 0x1122334455667788L);
            map.update(key, value);

            MemorySegment read = arena.allocate(8);
            assertTrue(map.lookup(key, read));
            assertEquals(0x1122334455667788L, read.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(0x1122334455667788L, map.lookupLong(42, -1));
            assertEquals(-1, map.lookupLong(43, -1));

            // The kernel agrees on what it created.
            MapInfo info = BpfSystem.map(idOf(map)).orElseThrow();
            assertEquals(MapType.HASH, info.type());
            assertEquals("bpfj_test_hash", info.name());
            assertEquals(4, info.keySize());
            assertEquals(8, info.valueSize());
        }
    }

    @Test
    void updateFlagsDeleteAndIteration() {
        try (BpfMap map = BpfMap.create(MapType.HASH, "bpfj_test_iter", 4, 4, 64)) {
            for (int i = 1; i <= 40; i++) {
                map.updateLong(i, i * 10L, UpdateFlag.NOEXIST);
            }
            BpfException exists = assertThrows(BpfException.class, () -> map.updateLong(1, 0, UpdateFlag.NOEXIST));
            assertEquals("EEXIST", exists.errnoName());
            assertTrue(exists.getMessage().contains("bpfj_test_iter"), exists.getMessage());
            BpfException missing = assertThrows(BpfException.class, () -> map.updateLong(99, 0, UpdateFlag.EXIST));
            assertEquals("ENOENT", missing.errnoName());

            assertTrue(map.deleteKey(40));
            assertFalse(map.deleteKey(40));
            assertEquals(39, map.count());

            TreeMap<Integer, Integer> seen = new TreeMap<>();
            map.forEach((k, v) -> seen.put(k.get(ValueLayout.JAVA_INT, 0), v.get(ValueLayout.JAVA_INT, 0)));
            assertEquals(39, seen.size());
            seen.forEach((k, v) -> assertEquals(k * 10, v));

            TypedMap<Integer, Integer> typed = map.typed(Codec.INT32, Codec.INT32);
            assertEquals(70, typed.get(7).orElseThrow());
            typed.put(7, 71);
            assertEquals(71, map.lookupLong(7, 0));
            assertTrue(typed.remove(7));
            assertTrue(typed.get(7).isEmpty());
            assertEquals(38, typed.keys().size());
        }
    }

    @Test
    void batchUpdateAndDelete() {
        try (BpfMap map = BpfMap.create(MapType.HASH, "bpfj_test_batch", 4, 8, 128);
                Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(ValueLayout.JAVA_INT, 100);
            MemorySegment values = arena.allocate(ValueLayout.JAVA_LONG, 100);
            for (int i = 0; i < 100; i++) {
                keys.setAtIndex(ValueLayout.JAVA_INT, i, i);
                values.setAtIndex(ValueLayout.JAVA_LONG, i, i * 3L);
            }
            assertEquals(100, map.updateBatch(keys, values, 100, UpdateFlag.ANY));
            List<Long> read = new ArrayList<>();
            map.forEach((k, v) -> read.add(v.get(ValueLayout.JAVA_LONG, 0) - 3L * k.get(ValueLayout.JAVA_INT, 0)));
            assertEquals(100, read.size());
            assertTrue(read.stream().allMatch(d -> d == 0));
            assertEquals(50, map.deleteBatch(keys, 50));
            assertEquals(50, map.count());
        }
    }

    @Test
    void batchIterationGrowsPastCrowdedBucketsAndSeesEveryElementOnce() {
        // 4,096 elements in a map of 4,096 hash buckets: with a random hash seed many buckets hold
        // two or more. Starting from room for one element, each such bucket makes the kernel answer
        // ENOSPC (it hands out whole buckets only), and the iteration has to grow and ask again.
        int entries = 4096;
        try (BpfMap map = BpfMap.create(MapType.HASH, "bpfj_test_crowd", 4, 16, entries);
                Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(4, 4);
            MemorySegment value = arena.allocate(16, 8);
            for (int i = 0; i < entries; i++) {
                key.set(ValueLayout.JAVA_INT, 0, i);
                value.set(ValueLayout.JAVA_LONG, 0, i * 7L);
                value.set(ValueLayout.JAVA_LONG, 8, -i);
                map.update(key, value);
            }
            int[] seen = new int[entries];
            int capacity = map.forEachBatched((k, v) -> {
                int i = k.get(ValueLayout.JAVA_INT, 0);
                assertEquals(i * 7L, v.get(ValueLayout.JAVA_LONG, 0), "first half of the value of key " + i);
                assertEquals(-i, v.get(ValueLayout.JAVA_LONG, 8), "second half of the value of key " + i);
                seen[i]++;
            }, 1);
            assertTrue(capacity > 1,
                    "no bucket held two elements, so ENOSPC was never exercised; capacity " + capacity);
            for (int i = 0; i < entries; i++) {
                assertEquals(1, seen[i], "times key " + i + " was seen");
            }

            // The public paths, with their own batch size, agree.
            int[] again = new int[entries];
            map.forEach((k, v) -> again[k.get(ValueLayout.JAVA_INT, 0)]++);
            for (int i = 0; i < entries; i++) {
                assertEquals(1, again[i], "times forEach saw key " + i);
            }
            assertEquals(entries, map.count());
        }
    }

    @Test
    void iterationViewsAreReadOnlyAndInvalidAfterTheCall() {
        try (BpfMap map = BpfMap.create(MapType.HASH, "bpfj_test_views", 4, 8, 8)) {
            map.updateLong(1, 10);
            map.updateLong(2, 20);
            List<MemorySegment> kept = new ArrayList<>();
            map.forEach((k, v) -> {
                assertTrue(k.isReadOnly());
                assertTrue(v.isReadOnly());
                kept.add(k);
            });
            assertEquals(2, kept.size());
            // The segments belong to the iteration: using one afterwards is an error, not a stale read.
            assertThrows(IllegalStateException.class, () -> kept.get(0).get(ValueLayout.JAVA_INT, 0));
        }
    }

    @Test
    void perCpuValuesOnePerPossibleCpu() {
        try (BpfMap map = BpfMap.create(MapType.PERCPU_ARRAY, "bpfj_test_pcpu", 4, 4, 2)) {
            int cpus = BpfSystem.possibleCpus();
            assertTrue(cpus >= 1);
            assertEquals(8L * cpus, map.valueBufferSize());
            map.updateLong(1, 5);
            assertEquals(5L * cpus, map.lookupLongSum(1, -1));
            long[] perCpu = new long[cpus];
            assertTrue(map.lookupLongPerCpu(1, perCpu));
            for (long v : perCpu) {
                assertEquals(5, v);
            }
            assertEquals(cpus, map.typed(Codec.INT32, Codec.INT32).getPerCpu(1).size());
        }
    }

    @Test
    void wrongSizesAreClearErrors() {
        try (BpfMap map = BpfMap.create(MapType.HASH, "bpfj_test_size", 4, 8, 4);
                Arena arena = Arena.ofConfined()) {
            IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                    () -> map.lookup(arena.allocate(8), arena.allocate(8)));
            assertEquals("key for map bpfj_test_size must be 4 bytes (the map's key_size), got 8", key.getMessage());
            IllegalArgumentException value = assertThrows(IllegalArgumentException.class,
                    () -> map.update(arena.allocate(4), arena.allocate(4)));
            assertTrue(value.getMessage().contains("must be 8 bytes"), value.getMessage());
            IllegalArgumentException codec = assertThrows(IllegalArgumentException.class,
                    () -> map.typed(Codec.INT64, Codec.INT64));
            assertTrue(codec.getMessage().contains("key_size is 4"), codec.getMessage());
        }
    }

    @Test
    void closedStandaloneMapIsAClearError() {
        BpfMap map = BpfMap.create(MapType.ARRAY, "bpfj_test_close", 4, 4, 1);
        map.close();
        map.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> map.lookupLong(0, 0));
        assertEquals("map bpfj_test_close is closed", e.getMessage());
    }

    private static int idOf(BpfMap map) {
        // The newest map with our name is the one just created.
        return BpfSystem.maps().stream().filter(m -> m.name().equals(map.name()))
                .mapToInt(MapInfo::id).max().orElseThrow();
    }
}
