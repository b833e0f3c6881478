package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Counts, sizes and segments are checked before any native call: the kernel never reads or writes
 * outside the segments a caller passes, and the map is left as it was.
 */
@KernelTest
class MemorySafetyTest {

    private static final String NAME = "bpfj_ms_" + ProcessHandle.current().pid() % 100000;

    @Test
    void negativeAndOversizedBatchCountsThrowAndLeaveTheMapUnchanged() {
        try (BpfMap map = BpfMap.create(MapType.HASH, NAME, 4, 8, 1024); Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(ValueLayout.JAVA_INT, 4);
            MemorySegment values = arena.allocate(ValueLayout.JAVA_LONG, 4);
            for (int i = 0; i < 4; i++) {
                keys.setAtIndex(ValueLayout.JAVA_INT, i, i + 1);
                values.setAtIndex(ValueLayout.JAVA_LONG, i, 100L + i);
            }
            assertEquals(3, map.updateBatch(keys, values, 3, UpdateFlag.ANY));
            Map<Integer, Long> before = contents(map);

            for (int count : new int[] {-1, -2, Integer.MIN_VALUE, Integer.MIN_VALUE / 2}) {
                IllegalArgumentException update = assertThrows(IllegalArgumentException.class,
                        () -> map.updateBatch(keys, values, count, UpdateFlag.ANY), "updateBatch count " + count);
                assertTrue(update.getMessage().contains(NAME), update.getMessage());
                assertThrows(IllegalArgumentException.class, () -> map.deleteBatch(keys, count), "deleteBatch count " + count);
            }
            // More elements than the segments hold, up to the largest count.
            for (int count : new int[] {5, 1 << 20, Integer.MAX_VALUE}) {
                assertThrows(IllegalArgumentException.class, () -> map.updateBatch(keys, values, count, UpdateFlag.ANY),
                        "updateBatch count " + count);
                assertThrows(IllegalArgumentException.class, () -> map.deleteBatch(keys, count), "deleteBatch count " + count);
            }
            // Keys enough, values one short.
            assertThrows(IllegalArgumentException.class,
                    () -> map.updateBatch(keys, values.asSlice(0, 3 * 8), 4, UpdateFlag.ANY));
            assertEquals(before, contents(map));
            assertEquals(0, map.updateBatch(keys, values, 0, UpdateFlag.ANY));
            assertEquals(0, map.deleteBatch(keys, 0));
            assertEquals(before, contents(map));
        }
    }

    @Test
    void perCpuBatchesNeedOneValueBufferPerCpuForEveryElement() {
        try (BpfMap map = BpfMap.create(MapType.PERCPU_HASH, NAME, 4, 4, 16); Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(ValueLayout.JAVA_INT, 2);
            keys.setAtIndex(ValueLayout.JAVA_INT, 0, 1);
            keys.setAtIndex(ValueLayout.JAVA_INT, 1, 2);
            // Two values of value_size each is what a plain map takes; a per-CPU map needs CPUs x 8 per element.
            MemorySegment tooSmall = arena.allocate(ValueLayout.JAVA_INT, 2);
            assertThrows(IllegalArgumentException.class, () -> map.updateBatch(keys, tooSmall, 2, UpdateFlag.ANY));
            assertThrows(IllegalArgumentException.class, () -> map.lookup(keys.asSlice(0, 4), arena.allocate(4)));
            assertEquals(0, map.count());
        }
    }

    @Test
    void readOnlySegmentsTheKernelWouldWriteAreRejected() {
        try (BpfMap map = BpfMap.create(MapType.HASH, NAME, 4, 8, 16); Arena arena = Arena.ofConfined()) {
            map.updateLong(7, 0x7777);
            MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, 7);
            long[] backing = {42};
            MemorySegment readOnly = MemorySegment.ofArray(backing).asReadOnly();
            IllegalArgumentException lookup = assertThrows(IllegalArgumentException.class, () -> map.lookup(key, readOnly));
            assertTrue(lookup.getMessage().contains("read-only"), lookup.getMessage());
            assertArrayEquals(new long[] {42}, backing, "the kernel wrote into a read-only segment");

            assertThrows(IllegalArgumentException.class, () -> map.lookupAndDelete(key, readOnly));
            assertEquals(0x7777, map.lookupLong(7, -1), "lookupAndDelete deleted although it threw");

            MemorySegment next = arena.allocate(4).asReadOnly();
            assertThrows(IllegalArgumentException.class, () -> map.nextKey(MemorySegment.NULL, next));
            assertEquals(0, next.get(ValueLayout.JAVA_INT, 0));

            // Read-only keys and values are fine where the kernel only reads them.
            map.update(key.asReadOnly(), arena.allocateFrom(ValueLayout.JAVA_LONG, 5L).asReadOnly());
            assertEquals(5, map.lookupLong(7, -1));
        }
    }

    @Test
    void longKeysAndValuesThatDoNotFitAreRejectedNotTruncated() {
        try (BpfMap map = BpfMap.create(MapType.HASH, NAME, 4, 4, 16)) {
            map.updateLong(0, 10);
            IllegalArgumentException update = assertThrows(IllegalArgumentException.class, () -> map.updateLong(1L << 40, 99));
            assertTrue(update.getMessage().contains("does not fit the 4-byte keys of map " + NAME), update.getMessage());
            assertEquals(10, map.lookupLong(0, -1), "the write went to key 0");
            assertThrows(IllegalArgumentException.class, () -> map.lookupLong(1L << 32, -1));
            assertThrows(IllegalArgumentException.class, () -> map.deleteKey(1L << 32));
            assertEquals(10, map.lookupLong(0, -1), "deleteKey(1 << 32) deleted key 0");
            assertThrows(IllegalArgumentException.class, () -> map.updateLong(1, 1L << 32));
            assertEquals(1, map.count());

            // The full unsigned range and sign-extended negatives both still address 32-bit keys.
            map.updateLong(0xffff_ffffL, 1);
            assertEquals(1, map.lookupLong(-1, -1));
            map.updateLong(2, -1);
            assertEquals(0xffff_ffffL, map.lookupLong(2, 0));
        }
    }

    private static Map<Integer, Long> contents(BpfMap map) {
        Map<Integer, Long> seen = new TreeMap<>();
        map.forEach((k, v) -> seen.put(k.get(ValueLayout.JAVA_INT, 0), v.get(ValueLayout.JAVA_LONG, 0)));
        return seen;
    }
}
