package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link PerfBuffer.Builder#wakeupEvents}: the kernel wakes the reader only once the threshold is
 * reached (its perf events are not readable below it, where the default wakes at once), and a
 * poll still delivers the samples below the threshold when its timeout ends.
 */
@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
class PerfBufferWakeupTest {

    private static final int SAMPLES = 3;
    private static final short POLLIN = 1;
    /** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}. */
    private static final MethodHandle POLL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("poll").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

    @Test
    void belowTheThresholdNoWakeUpButThePollTimeoutDeliversEverySample() throws Throwable {
        try (BpfObject object = loadEvents()) {
            List<Integer> eager = new ArrayList<>();
            assertTrue(woken(object, 1, "eager", eager), "the default wakes the reader at the first sample");
            assertEquals(SAMPLES, eager.size());

            List<Integer> batched = new ArrayList<>();
            assertFalse(woken(object, 64, "batched", batched), "3 samples are below a threshold of 64: no wake-up");
            assertEquals(List.of(0, 1, 2), batched.stream().sorted().toList(),
                    "the samples below the threshold arrive when the poll times out");
        }
    }

    @Test
    void aBurstAboveTheThresholdArrivesExactly() {
        try (BpfObject object = loadEvents()) {
            List<Integer> seen = new ArrayList<>();
            try (PerfBuffer perf = PerfBuffer.builder(object.map("perf")).wakeupEvents(16)
                    .onSample((cpu, data) -> seen.add(data.get(ValueLayout.JAVA_INT, 0))).build()) {
                for (int i = 0; i < 300; i++) {
                    Fixtures.openat("/bpfj-burst-" + i);
                }
                drain(perf, seen, 300);
                assertEquals(0, perf.lostCount());
            }
            assertEquals(300, seen.size());
            assertEquals(300, seen.stream().distinct().count());
        }
    }

    @Test
    void anOutOfRangeThresholdIsAClearError() {
        try (BpfObject object = loadEvents()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PerfBuffer.builder(object.map("perf")).wakeupEvents(0));
            assertEquals("perf buffer on map perf: wakeupEvents must be between 1 and 65536 samples, got 0", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> PerfBuffer.builder(object.map("perf")).wakeupEvents(65537));
        }
    }

    /**
     * Opens a reader with the threshold, makes {@link #SAMPLES} samples, tells whether the kernel
     * made any of its perf events readable (a wake-up), then polls until all samples arrived.
     */
    private static boolean woken(BpfObject object, int wakeupEvents, String tag, List<Integer> seqs) throws Throwable {
        try (PerfBuffer perf = PerfBuffer.builder(object.map("perf")).wakeupEvents(wakeupEvents)
                .onSample((cpu, data) -> seqs.add(data.get(ValueLayout.JAVA_INT, 0))).build()) {
            for (int i = 0; i < SAMPLES; i++) {
                Fixtures.openat("/bpfj-" + tag + "-" + i);
            }
            boolean readable = anyReadable(perf);
            drain(perf, seqs, SAMPLES);
            // the program numbers every event of the object; this reader's start at its first
            int first = seqs.stream().mapToInt(Integer::intValue).min().orElse(0);
            for (int i = 0; i < seqs.size(); i++) {
                seqs.set(i, seqs.get(i) - first);
            }
            return readable;
        }
    }

    /** Polls with a short timeout (the latency bound) until {@code expected} samples arrived, 10 s at most. */
    private static void drain(PerfBuffer perf, List<Integer> seen, int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.size() < expected && System.nanoTime() < deadline) {
            perf.poll(Duration.ofMillis(100));
        }
    }

    /** poll(2) with a zero timeout over the reader's perf events: readable only after a kernel wake-up. */
    private static boolean anyReadable(PerfBuffer perf) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            List<Integer> fds = new ArrayList<>();
            for (int i = 0; i < perf.ringCount(); i++) {
                fds.add(perf.eventFd(i));
            }
            assertFalse(fds.isEmpty(), "no rings");
            MemorySegment pollfds = arena.allocate(8L * fds.size(), 4);
            for (int i = 0; i < fds.size(); i++) {
                pollfds.set(ValueLayout.JAVA_INT, 8L * i, fds.get(i));
                pollfds.set(ValueLayout.JAVA_SHORT, 8L * i + 4, POLLIN);
            }
            int ready = (int) POLL.invokeExact(pollfds, (long) fds.size(), 0);
            assertTrue(ready >= 0, "poll failed");
            return ready > 0;
        }
    }

    private static BpfObject loadEvents() {
        BpfObject object = Fixtures.open("events");
        object.globalData(".rodata").setInt(0, Fixtures.tgid());
        object.load();
        object.attachAll();
        return object;
    }
}
