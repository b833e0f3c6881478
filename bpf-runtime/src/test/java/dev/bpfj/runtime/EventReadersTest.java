package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
class EventReadersTest {

    private static final int BURST = 300;
    private static final int EVENT_SIZE = 56;

    /** One decoded event: struct event { u32 seq; u32 tgid; char name[48]; }. */
    record Event(int seq, int tgid, String name) {
        static Event read(MemorySegment record) {
            byte[] name = record.asSlice(8, 48).toArray(ValueLayout.JAVA_BYTE);
            int length = 0;
            while (length < name.length && name[length] != 0) {
                length++;
            }
            return new Event(record.get(ValueLayout.JAVA_INT, 0), record.get(ValueLayout.JAVA_INT, 4),
                    new String(name, 0, length, StandardCharsets.UTF_8));
        }
    }

    private static BpfObject loadEvents() {
        BpfObject object = Fixtures.open("events");
        object.globalData(".rodata").setInt(0, Fixtures.tgid());
        object.load();
        object.attachAll();
        return object;
    }

    @Test
    void ringBufferDeliversABurstExactlyAndInOrder() {
        try (BpfObject object = loadEvents()) {
            List<Event> events = new ArrayList<>();
            long[] sizes = new long[1];
            RingBuffer ring = RingBuffer.builder().add(object.map("ring"), record -> {
                sizes[0] = record.byteSize();
                events.add(Event.read(record));
            }).build();
            for (int i = 0; i < BURST; i++) {
                Fixtures.openat("/bpfj-ring-" + i);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (events.size() < BURST && System.nanoTime() < deadline) {
                ring.poll(Duration.ofMillis(100));
            }
            assertEquals(BURST, events.size());
            assertEquals(EVENT_SIZE, sizes[0]);
            for (int i = 0; i < BURST; i++) {
                assertEquals(new Event(i, Fixtures.tgid(), "/bpfj-ring-" + i), events.get(i));
            }
            assertEquals(0, ring.consume());
        }
    }

    @Test
    void ringBufferReadsRecordsThatWrapAroundTheEndOfItsRing() {
        try (BpfObject object = loadEvents()) {
            List<Event> events = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            List<Integer> checks = new ArrayList<>();
            // 72-byte records (8 header, 60 event, 4 padding) in a 4096-byte ring: as it fills and
            // drains, records straddle its end, where the reader (which maps the data once) copies them.
            try (RingBuffer ring = RingBuffer.builder().add(object.map("wrap_ring"), record -> {
                sizes.add(record.byteSize());
                events.add(Event.read(record));
                checks.add(record.get(ValueLayout.JAVA_INT, EVENT_SIZE));
            }).build()) {
                for (int i = 0; i < BURST; i++) {
                    Fixtures.openat("/bpfj-xwrap-" + i);
                    if (i % 20 == 19) {
                        ring.consume();
                    }
                }
                ring.consume();
            }
            assertEquals(BURST, events.size());
            for (int i = 0; i < BURST; i++) {
                assertEquals(new Event(i, Fixtures.tgid(), "/bpfj-xwrap-" + i), events.get(i));
                assertEquals(~i, checks.get(i));
            }
            assertEquals(List.of(60L), sizes.stream().distinct().toList());
        }
    }

    @Test
    void perfBufferDeliversABurstExactlyInPerCpuOrder() {
        try (BpfObject object = loadEvents()) {
            Map<Integer, List<Event>> perCpu = new HashMap<>();
            List<Event> all = new ArrayList<>();
            try (PerfBuffer perf = PerfBuffer.builder(object.map("perf")).onSample((cpu, data) -> {
                Event event = Event.read(data);
                perCpu.computeIfAbsent(cpu, c -> new ArrayList<>()).add(event);
                all.add(event);
            }).build()) {
                for (int i = 0; i < BURST; i++) {
                    Fixtures.openat("/bpfj-perf-" + i);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (all.size() < BURST && System.nanoTime() < deadline) {
                    perf.poll(Duration.ofMillis(100));
                }
                assertEquals(0, perf.lostCount());
            }
            assertEquals(BURST, all.size());
            // Per-CPU buffers keep each CPU's order; together they hold every event exactly once.
            for (List<Event> events : perCpu.values()) {
                for (int i = 1; i < events.size(); i++) {
                    assertTrue(events.get(i - 1).seq() < events.get(i).seq(), "out of order on one CPU: " + events);
                }
            }
            all.sort((a, b) -> Integer.compare(a.seq(), b.seq()));
            for (int i = 0; i < BURST; i++) {
                assertEquals(new Event(i, Fixtures.tgid(), "/bpfj-perf-" + i), all.get(i));
            }
        }
    }

    @Test
    void perfBufferReadsSamplesThatWrapAroundTheEndOfItsRing() {
        try (BpfObject object = loadEvents()) {
            List<Event> all = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            // One page of 4096 bytes holds 56 and a fraction of these 72-byte records (8 header, 4
            // size, 56 event, 4 padding), so as the ring fills and drains, records straddle its end.
            try (PerfBuffer perf = PerfBuffer.builder(object.map("perf")).pageCount(1).onSample((cpu, data) -> {
                sizes.add(data.byteSize());
                all.add(Event.read(data));
            }).build()) {
                for (int i = 0; i < BURST; i++) {
                    Fixtures.openat("/bpfj-wrap-" + i);
                    if (i % 20 == 19) {
                        perf.consume();
                    }
                }
                perf.consume();
                assertEquals(0, perf.lostCount());
            }
            assertEquals(BURST, all.size());
            all.sort((a, b) -> Integer.compare(a.seq(), b.seq()));
            for (int i = 0; i < BURST; i++) {
                assertEquals(new Event(i, Fixtures.tgid(), "/bpfj-wrap-" + i), all.get(i));
            }
            // The kernel pads the size word and the event to 8 bytes, as libbpf reports it too.
            assertEquals(List.of(60L), sizes.stream().distinct().toList());
        }
    }

    @Test
    void perfBufferCountsLostSamplesWhenItOverflows() {
        try (BpfObject object = loadEvents()) {
            long[] reported = new long[1];
            int[] samples = new int[1];
            try (PerfBuffer perf = PerfBuffer.builder(object.map("perf")).pageCount(1)
                    .onSample((cpu, data) -> samples[0]++)
                    .onLost((cpu, count) -> reported[0] += count).build()) {
                // Each flood open writes 128 samples of 56 bytes into a one-page buffer, unread.
                for (int i = 0; i < 4; i++) {
                    Fixtures.openat("/bpfj-flood-" + i);
                }
                perf.consume();
                // The kernel reports a loss once there is room again for the report: flood once more.
                Fixtures.openat("/bpfj-flood-last");
                perf.consume();
                assertTrue(perf.lostCount() > 0, "no samples lost");
                assertEquals(perf.lostCount(), reported[0]);
                long perCpuSum = 0;
                for (int cpu = 0; cpu < perf.cpuCount(); cpu++) {
                    perCpuSum += perf.lostCount(cpu);
                }
                assertEquals(perf.lostCount(), perCpuSum);
                assertTrue(samples[0] > 0 && samples[0] < 5 * 128, "samples " + samples[0]);
            }
        }
    }

    @Test
    void closeWhilePollingWakesThePoller() throws Exception {
        try (BpfObject object = loadEvents()) {
            RingBuffer ring = RingBuffer.builder().add(object.map("ring"), record -> { }).build();
            PerfBuffer perf = PerfBuffer.builder(object.map("perf")).onSample((cpu, data) -> { }).build();
            CountDownLatch started = new CountDownLatch(2);
            CompletableFuture<Integer> ringPoll = new CompletableFuture<>();
            CompletableFuture<Integer> perfPoll = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                started.countDown();
                ringPoll.complete(ring.poll(Duration.ofSeconds(60)));
            });
            Thread.ofPlatform().start(() -> {
                started.countDown();
                perfPoll.complete(perf.poll(Duration.ofSeconds(60)));
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            Thread.sleep(200);
            ring.close();
            perf.close();
            assertEquals(-1, ringPoll.get(10, TimeUnit.SECONDS));
            assertEquals(-1, perfPoll.get(10, TimeUnit.SECONDS));
            assertEquals(-1, ring.poll(Duration.ZERO));
            ring.close();
        }
    }

    @Test
    void objectCloseClosesItsReaders() {
        RingBuffer ring;
        try (BpfObject object = loadEvents()) {
            ring = RingBuffer.builder().add(object.map("ring"), record -> { }).build();
        }
        assertTrue(ring.isClosed());
    }

    @Test
    void handlerExceptionStopsPollAndIsRethrown() {
        try (BpfObject object = loadEvents()) {
            IllegalStateException boom = new IllegalStateException("handler failed");
            List<Integer> seen = new ArrayList<>();
            try (RingBuffer ring = RingBuffer.builder().add(object.map("ring"), record -> {
                seen.add(record.get(ValueLayout.JAVA_INT, 0));
                if (seen.size() == 2) {
                    throw boom;
                }
            }).build()) {
                for (int i = 0; i < 5; i++) {
                    Fixtures.openat("/bpfj-ring-" + i);
                }
                assertSame(boom, assertThrows(IllegalStateException.class, () -> ring.poll(Duration.ofSeconds(5))));
                assertEquals(List.of(0, 1), seen);
                // The failing record was consumed; the rest are still there.
                assertEquals(3, ring.consume());
            }
            List<Integer> perfSeen = new ArrayList<>();
            try (PerfBuffer perf = PerfBuffer.builder(object.map("perf")).onSample((cpu, data) -> {
                perfSeen.add(data.get(ValueLayout.JAVA_INT, 0));
                throw boom;
            }).build()) {
                Fixtures.openat("/bpfj-ring-x");
                assertSame(boom, assertThrows(IllegalStateException.class, () -> perf.poll(Duration.ofSeconds(5))));
                assertEquals(1, perfSeen.size());
            }
        }
    }

    @Test
    void wrongMapTypesAreClearErrors() {
        try (BpfObject object = loadEvents()) {
            IllegalArgumentException ring = assertThrows(IllegalArgumentException.class,
                    () -> RingBuffer.builder().add(object.map("perf"), r -> { }));
            assertEquals("map perf is a PERF_EVENT_ARRAY map; a RingBuffer reads RINGBUF maps (use PerfBuffer for "
                    + "PERF_EVENT_ARRAY)", ring.getMessage());
            assertThrows(IllegalArgumentException.class, () -> PerfBuffer.builder(object.map("ring")));
        }
    }
}
