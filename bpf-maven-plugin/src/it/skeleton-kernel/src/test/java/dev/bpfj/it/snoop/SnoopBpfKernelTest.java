package dev.bpfj.it.snoop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Uses the generated SnoopBpf against the kernel. */
class SnoopBpfKernelTest {

    private static final int SELF = (int) ProcessHandle.current().pid();

    private static void openSomeFiles() throws IOException {
        for (int i = 0; i < 5; i++) {
            try (InputStream in = Files.newInputStream(Path.of("/proc/self/stat"))) {
                in.readAllBytes();
            }
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.TRACEFS)
    void setsRodataBeforeLoadAndReceivesTypedEvents() throws IOException {
        try (SnoopBpf skel = SnoopBpf.open()) {
            skel.rodata().targPid(SELF).enabled(true);
            skel.data().marker(4242);
            assertEquals(SELF, skel.rodata().targPid());
            skel.load();
            // .rodata is frozen after load: the runtime refuses writes, reads still work.
            assertEquals(SELF, skel.rodata().targPid());
            assertTrue(skel.rodata().enabled());
            assertThrows(IllegalStateException.class, () -> skel.rodata().targPid(1));

            SnoopBpf.SnoopValue.Snapshot value = new SnoopBpf.SnoopValue.Snapshot(0xfffffff0, (short) -7, (byte) 5,
                    (byte) 3, 41L, new byte[] {'t', 'a', 'g', 0, 0, 0, 0, 0});
            skel.maps().values().put(1, value);
            assertEquals(Optional.of(value), skel.maps().values().get(1), "struct value round-trips through the map");

            List<SnoopBpf.SnoopEvent.Snapshot> events = new ArrayList<>();
            SnoopBpf.SnoopEvent view = new SnoopBpf.SnoopEvent();
            try (RingBuffer ring = skel.maps().events().ringBuffer(record -> events.add(view.wrap(record).snapshot()))) {
                skel.attach();
                assertTrue(skel.links().handleOpenat().isPresent(), "attach() records the link");
                for (int attempt = 0; attempt < 50 && events.isEmpty(); attempt++) {
                    openSomeFiles();
                    ring.poll(Duration.ofMillis(100));
                }
            }
            assertFalse(events.isEmpty(), "no event arrived from the ring buffer");
            SnoopBpf.SnoopEvent.Snapshot event = events.get(0);
            assertEquals(SELF, event.pid());
            assertEquals(4242, event.marker(), ".data initial value set before load reached the program");
            assertTrue(event.seq() >= 1);
            assertFalse(event.comm().isEmpty());

            // .bss counters are live: they keep moving while the program runs.
            long matched = skel.bss().matched();
            assertTrue(matched >= 1 && skel.bss().hits() >= matched, "bss counters: hits=" + skel.bss().hits()
                    + " matched=" + matched);
            openSomeFiles();
            assertTrue(skel.bss().matched() > matched, "bss is read live after load");

            // The program copied key 1 to key 2 with total + 1 and kind = 7.
            SnoopBpf.SnoopValue.Snapshot copy = skel.maps().values().get(2).orElseThrow();
            assertEquals(value.a(), copy.a());
            assertEquals(4294967280L, Integer.toUnsignedLong(copy.a()));
            assertEquals(value.b(), copy.b());
            assertEquals(value.flags(), copy.flags());
            assertEquals((byte) 7, copy.kind());
            assertEquals(42L, copy.total());
            assertArrayEquals(value.tagBytes(), copy.tagBytes());
            assertEquals("tag", copy.tag());

            skel.detach();
            assertTrue(skel.links().handleOpenat().isEmpty());
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.TRACEFS)
    void theKernelHonoursRodata() throws IOException {
        try (SnoopBpf skel = SnoopBpf.open()) {
            // No process has this pid: the program must count calls but match none.
            skel.rodata().targPid(Integer.MAX_VALUE).enabled(true);
            skel.load();
            skel.attach();
            openSomeFiles();
            assertTrue(skel.bss().hits() > 0, "the program ran");
            assertEquals(0L, skel.bss().matched(), "targ_pid set before load filtered every call");
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.TRACEFS)
    void kconfigExternsAreReadAfterLoad() throws IOException {
        try (SnoopBpf skel = SnoopBpf.open()) {
            IllegalStateException early = assertThrows(IllegalStateException.class,
                    () -> skel.kconfig().linuxKernelVersion());
            assertTrue(early.getMessage().contains("before load()"), early.getMessage());
            skel.load();
            String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?").matcher(release);
            assertTrue(m.lookingAt(), release);
            int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
            int expected = Integer.parseInt(m.group(1)) << 16 | Integer.parseInt(m.group(2)) << 8 | Math.min(patch, 255);
            assertEquals(expected, skel.kconfig().linuxKernelVersion(), release);
            skel.attach();
            openSomeFiles();
            assertTrue(skel.bss().hits() > 0, "the program ran");
            assertEquals(expected, skel.bss().seenVersion(), "the BPF side read the same value");
        }
    }

    @Test
    void typesKnowTheirLayout() {
        assertEquals(32L, SnoopBpf.SnoopEvent.BYTE_SIZE);
        assertEquals(SnoopBpf.SnoopEvent.BYTE_SIZE, SnoopBpf.SnoopEvent.LAYOUT.byteSize());
        assertEquals(SnoopBpf.SnoopValue.BYTE_SIZE, SnoopBpf.SnoopValue.LAYOUT.byteSize());
    }
}
