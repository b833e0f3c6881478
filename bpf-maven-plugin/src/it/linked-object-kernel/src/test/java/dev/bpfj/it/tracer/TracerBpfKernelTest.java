package dev.bpfj.it.tracer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.runtime.RingBuffer;
import dev.bpfj.test.KernelTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the object linked from tracer_main.c and tracer_close.c through its one generated skeleton. */
class TracerBpfKernelTest {

    private static final int SELF = (int) ProcessHandle.current().pid();

    private static void openAndCloseFiles(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try (InputStream in = Files.newInputStream(Path.of("/proc/self/stat"))) {
                in.readAllBytes();
            }
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.TRACEFS)
    void bothHalvesShareSettingsMapsGlobalsAndFunctions() throws IOException {
        try (TracerBpf skel = TracerBpf.open()) {
            // Defined in tracer_main.c, read by tracer_close.c through an extern.
            skel.rodata().targTgid(SELF);
            skel.load();
            List<TracerBpf.TracerEvent.Snapshot> events = new ArrayList<>();
            TracerBpf.TracerEvent view = new TracerBpf.TracerEvent();
            try (RingBuffer ring = skel.maps().events().ringBuffer(record -> events.add(view.wrap(record).snapshot()))) {
                skel.attach();
                assertTrue(skel.links().onOpenat().isPresent(), "the program from tracer_main.c attached");
                assertTrue(skel.links().onClose().isPresent(), "the program from tracer_close.c attached");
                for (int attempt = 0; attempt < 50 && events.size() < 5; attempt++) {
                    openAndCloseFiles(5);
                    ring.poll(Duration.ofMillis(100));
                }
            }
            skel.detach();
            assertFalse(events.isEmpty(), "no event arrived from the ring buffer");
            for (TracerBpf.TracerEvent.Snapshot event : events) {
                assertEquals(SELF, event.pid());
                assertEquals(1, event.origin());
            }
            long opens = skel.maps().counts().get(0).orElseThrow();
            long closes = skel.maps().counts().get(2).orElseThrow();
            assertTrue(opens >= 5, "tracer_slot() from tracer_close.c put our opens in slot 0: " + opens);
            assertEquals(0L, skel.maps().counts().get(1).orElseThrow(), "no open by another process was counted");
            assertTrue(closes >= 5, "tracer_close.c counted our closes in the map tracer_main.c defines: " + closes);
            // The strong tracer_weight() of tracer_close.c (2) replaced tracer_main.c's __weak one (1).
            assertEquals(2 * opens, skel.bss().openatSeen(), "opens=" + opens);
            // Each file's static local_hits is its own: close_seen copies tracer_close.c's.
            assertEquals(closes, skel.bss().closeSeen());
            // tracer_main.c's local_hits numbers its events 1, 2, 3...
            assertEquals(1L, events.get(0).seq());
        }
    }

    @Test
    void oneSkeletonCarriesBothHalves() {
        assertEquals(16L, TracerBpf.TracerEvent.BYTE_SIZE, "one struct tracer_event in the merged BTF");
    }
}
