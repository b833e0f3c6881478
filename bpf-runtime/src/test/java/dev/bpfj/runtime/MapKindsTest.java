package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** User ring buffer, map-in-map, queue/stack, bloom filter, LPM trie, per-CPU values, batch drain. */
@KernelTest(needs = KernelTest.Facility.CLANG)
class MapKindsTest {

    @Test
    void userRingBufferRoundTripAndMapInMap() {
        try (BpfMap template = BpfMap.create(MapType.ARRAY, "bpfj_inner_tpl", 4, 8, 1);
             BpfObject object = Fixtures.open("map_kinds")) {
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            BpfMap outer = object.map("outer");
            outer.innerMap(template);
            object.load();
            IllegalStateException late = assertThrows(IllegalStateException.class, () -> outer.innerMap(template));
            assertTrue(late.getMessage().contains("already loaded"), late.getMessage());
            object.attachAll();

            // Map-in-map: store an inner map, let the program count into it, read it back by id.
            try (BpfMap inner = BpfMap.create(MapType.ARRAY, "bpfj_inner", 4, 8, 1)) {
                outer.updateInnerMap(0, inner);
                assertEquals(inner.info().id(), outer.innerMapId(0));
                assertEquals(-1, outer.innerMapId(1));
                assertNull(outer.openInnerMap(1));

                // User ring buffer: three records, drained by the program on the next marker openat.
                GlobalData bss = object.globalData(".bss");
                try (UserRingBuffer requests = object.map("requests").userRingBuffer()) {
                    assertTrue(requests.write(Codec.INT64, 40L));
                    MemorySegment record = requests.reserve(8);
                    record.set(ValueLayout.JAVA_LONG, 0, 2L);
                    requests.submit(record);
                    assertThrows(IllegalStateException.class, () -> record.get(ValueLayout.JAVA_LONG, 0),
                            "a submitted record is no longer accessible");
                    MemorySegment dropped = requests.reserve(8);
                    dropped.set(ValueLayout.JAVA_LONG, 0, 1000L);
                    requests.discard(dropped);
                    assertThrows(IllegalArgumentException.class, () -> requests.reserve(0));
                    Fixtures.openat("/bpfj-u-ring");
                    assertEquals(2, bss.getLong(0), "records drained by the BPF program");
                    assertEquals(42, bss.getLong(8), "their sum (the discarded record never arrives)");
                }
                Fixtures.openat("/bpfj-u-inner");
                assertEquals(2, inner.lookupLong(0, -1), "the program counted into the inner map");
                try (BpfMap reopened = outer.openInnerMap(0)) {
                    assertEquals(2, reopened.lookupLong(0, -1));
                }
            }
            // A template of another shape is refused with the reason.
            try (BpfMap wrong = BpfMap.create(MapType.HASH, "bpfj_wrong", 4, 8, 4)) {
                BpfException mismatch = assertThrows(BpfException.class, () -> outer.updateInnerMap(1, wrong));
                assertTrue(mismatch.getMessage().contains("must match the outer map's template"), mismatch.getMessage());
            }
            IllegalArgumentException notRing = assertThrows(IllegalArgumentException.class, () -> outer.userRingBuffer());
            assertTrue(notRing.getMessage().contains("not USER_RINGBUF"), notRing.getMessage());
        }
    }

    @Test
    void queueAndStackPushPopPeek() {
        try (Arena arena = Arena.ofConfined();
             BpfMap queue = BpfMap.create(MapType.QUEUE, "bpfj_queue", 0, 8, 2);
             BpfMap stack = BpfMap.create(MapType.STACK, "bpfj_stack", 0, 8, 2)) {
            MemorySegment value = arena.allocate(8);
            for (BpfMap map : List.of(queue, stack)) {
                for (long v : new long[] {1, 2}) {
                    value.set(ValueLayout.JAVA_LONG, 0, v);
                    assertTrue(map.push(value, false));
                }
                value.set(ValueLayout.JAVA_LONG, 0, 3);
                assertFalse(map.push(value, false), "full");
                assertTrue(map.push(value, true), "overwrite drops the oldest");
                assertTrue(map.peek(value));
                long first = value.get(ValueLayout.JAVA_LONG, 0);
                assertTrue(map.pop(value));
                assertEquals(first, value.get(ValueLayout.JAVA_LONG, 0));
                assertTrue(map.pop(value));
                long second = value.get(ValueLayout.JAVA_LONG, 0);
                assertFalse(map.pop(value), "empty");
                if (map == queue) {
                    assertEquals(List.of(2L, 3L), List.of(first, second), "FIFO after the overwrite dropped 1");
                } else {
                    assertEquals(List.of(3L, 2L), List.of(first, second), "LIFO after the overwrite dropped 1");
                }
            }
            assertThrows(IllegalArgumentException.class, () -> queue.push(arena.allocate(4), false));
            assertThrows(IllegalArgumentException.class, () -> queue.bloomAdd(value));
        }
    }

    @Test
    void bloomFilterHasNoFalseNegatives() {
        try (Arena arena = Arena.ofConfined();
             BpfMap bloom = BpfMap.create(MapType.BLOOM_FILTER, "bpfj_bloom", 0, 8, 1000)) {
            MemorySegment value = arena.allocate(8);
            for (long v = 0; v < 100; v++) {
                value.set(ValueLayout.JAVA_LONG, 0, v * 7919);
                bloom.bloomAdd(value);
            }
            int falsePositives = 0;
            for (long v = 0; v < 100; v++) {
                value.set(ValueLayout.JAVA_LONG, 0, v * 7919);
                assertTrue(bloom.bloomMightContain(value), "added values are always found");
                value.set(ValueLayout.JAVA_LONG, 0, v * 7919 + 1);
                falsePositives += bloom.bloomMightContain(value) ? 1 : 0;
            }
            assertTrue(falsePositives < 50, "a 1000-entry filter with 100 values rejects most absent ones: " + falsePositives);
        }
    }

    @Test
    void lpmTrieFindsTheLongestPrefix() throws Exception {
        try (BpfMap trie = BpfMap.create(MapType.LPM_TRIE, "bpfj_lpm", 8, 4, 16, 1 /* BPF_F_NO_PREALLOC */)) {
            TypedMap<LpmKey, Integer> routes = trie.typed(LpmKey.codec(4), Codec.INT32);
            routes.put(LpmKey.parse("10.0.0.0/8"), 8);
            routes.put(LpmKey.parse("10.1.0.0/16"), 16);
            assertEquals(Optional.of(16), routes.get(LpmKey.parse("10.1.2.3")));
            assertEquals(Optional.of(8), routes.get(LpmKey.of(java.net.InetAddress.getByName("10.200.0.1"))));
            assertEquals(Optional.empty(), routes.get(LpmKey.parse("192.168.0.1")));
            assertEquals("10.1.0.0/16", LpmKey.parse("10.1.0.0/16").toString());
            assertThrows(IllegalArgumentException.class, () -> LpmKey.parse("10.0.0.0/33"));
            assertThrows(IllegalArgumentException.class, () -> LpmKey.parse("example.com/8"));
            assertThrows(IllegalArgumentException.class, () -> routes.put(LpmKey.parse("2001:db8::/32"), 1));
        }
        try (BpfMap trie6 = BpfMap.create(MapType.LPM_TRIE, "bpfj_lpm6", 20, 4, 16, 1)) {
            TypedMap<LpmKey, Integer> routes = trie6.typed(LpmKey.codec(16), Codec.INT32);
            routes.put(LpmKey.parse("2001:db8::/32"), 32);
            assertEquals(Optional.of(32), routes.get(LpmKey.parse("2001:db8:1::7")));
            assertEquals(Optional.empty(), routes.get(LpmKey.parse("2001:db9::1")));
            assertEquals(List.of(LpmKey.parse("2001:db8::/32")), routes.keys());
        }
    }

    @Test
    void perCpuValuesAndBatchDrain() {
        try (BpfMap perCpu = BpfMap.create(MapType.PERCPU_HASH, "bpfj_pcpu_h", 4, 8, 8);
             BpfMap array = BpfMap.create(MapType.ARRAY, "bpfj_arr", 4, 8, 4)) {
            long[] values = new long[perCpu.possibleCpus()];
            for (int cpu = 0; cpu < values.length; cpu++) {
                values[cpu] = 100 + cpu;
            }
            perCpu.updateLongPerCpu(1, values);
            perCpu.updateLong(2, 5);
            long[] read = new long[values.length];
            assertTrue(perCpu.lookupLongPerCpu(1, read));
            assertArrayEquals(values, read);
            assertThrows(IllegalArgumentException.class, () -> perCpu.updateLongPerCpu(1, new long[values.length + 1]));

            List<Integer> keys = new ArrayList<>();
            int taken = perCpu.lookupAndDeleteBatch((key, value) -> keys.add(key.get(ValueLayout.JAVA_INT_UNALIGNED, 0)));
            assertEquals(2, taken);
            assertEquals(List.of(1, 2), keys.stream().sorted().toList());
            assertEquals(0, perCpu.count(), "drained");

            BpfException arrays = assertThrows(BpfException.class, () -> array.lookupAndDeleteBatch((k, v) -> { }));
            assertTrue(arrays.getMessage().startsWith("look up and delete a batch of elements of map bpfj_arr: "),
                    arrays.getMessage());
        }
    }
}
