package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pinned links and programs outlive their object and go away once unpinned. */
@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.BPFFS, KernelTest.Facility.TRACEFS})
class PinningTest {

    private Path folder;

    @BeforeEach
    void createFolder() throws IOException {
        folder = Files.createDirectory(Path.of("/sys/fs/bpf", "bpfj-kinds-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong())));
    }

    @AfterEach
    void removeFolder() throws IOException {
        try (var pins = Files.list(folder)) {
            for (Path pin : pins.toList()) {
                Files.deleteIfExists(pin);
            }
        }
        Files.deleteIfExists(folder);
    }

    @Test
    void aMapPinnedByNameWithAnotherDefinitionIsNamedWithTheWayOut() throws Exception {
        Path pin = folder.resolve("shared_counts");
        // Left by "another program": same name, another value size.
        try (BpfMap other = BpfMap.create(MapType.HASH, "shared_counts", 4, 4, 8)) {
            other.pin(pin);
        }
        OpenOptions options = OpenOptions.defaults().withPinRoot(folder);
        try (BpfObject object = BpfObject.open(Fixtures.bytes("pinned_by_name"), options.withObjectName("pinned_by_name"))) {
            BpfException e = assertThrows(BpfException.class, object::load);
            assertTrue(e.getMessage().contains("a map pinned at " + pin + " (LIBBPF_PIN_BY_NAME) has another definition"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("rm " + pin), e.getMessage());
        }
        // Removed, the object's own map takes the name; a second object then reuses it.
        Files.delete(pin);
        try (BpfObject first = BpfObject.open(Fixtures.bytes("pinned_by_name"), options.withObjectName("first"));
                BpfObject second = BpfObject.open(Fixtures.bytes("pinned_by_name"), options.withObjectName("second"))) {
            first.load();
            assertTrue(Files.exists(pin));
            second.load();
            assertEquals(first.map("shared_counts").info().id(), second.map("shared_counts").info().id(),
                    "the second object reuses the pinned map");
        }
    }

    @Test
    void pinnedLinkKeepsCountingAfterTheObjectClosesAndGoesAwayWhenUnpinned() throws Exception {
        Path linkPin = folder.resolve("link");
        Path mapPin = folder.resolve("counts");
        int programId;
        try (BpfObject object = Fixtures.open("counter")) {
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            object.load();
            BpfProgram program = object.program("count_openat");
            programId = program.info().id();
            BpfLink link = program.attach();
            link.pin(linkPin);
            assertEquals(linkPin, link.pinnedAt());
            object.map("counts").pin(mapPin);
        }
        // The object, its fds and its link handle are closed: the pin alone keeps the program attached.
        assertTrue(BpfSystem.program(programId).isPresent(), "the pinned link holds the program");
        try (BpfMap counts = BpfMap.openPinned(mapPin)) {
            long before = counts.lookupLong(Fixtures.tgid(), 0);
            Fixtures.openat("/bpfj-pin-1");
            Fixtures.openat("/bpfj-pin-2");
            assertTrue(counts.lookupLong(Fixtures.tgid(), 0) >= before + 2, "the program still counts after close");

            try (BpfLink reopened = BpfLink.openPinned(linkPin)) {
                assertNull(reopened.program(), "a reopened link belongs to no object");
                assertTrue(reopened.fd() >= 0);
                // Tracepoint (perf event) links cannot be detached early: a clear error, the link stays.
                BpfException noDetach = assertThrows(BpfException.class, reopened::detach);
                assertTrue(noDetach.getMessage().startsWith("detach link pinned at " + linkPin + ": "), noDetach.getMessage());
                long still = counts.lookupLong(Fixtures.tgid(), 0);
                Fixtures.openat("/bpfj-pin-3");
                assertTrue(counts.lookupLong(Fixtures.tgid(), 0) > still, "still attached");
                reopened.unpin();
                assertFalse(Files.exists(linkPin));
            }
            // The last handle is gone and so is the pin: the program is detached.
            long detached = counts.lookupLong(Fixtures.tgid(), 0);
            Fixtures.openat("/bpfj-pin-4");
            assertEquals(detached, counts.lookupLong(Fixtures.tgid(), 0), "nothing counts once unpinned and closed");
        }
        Files.delete(mapPin);
        awaitGone(programId);

        BpfException nothing = assertThrows(BpfException.class, () -> BpfLink.openPinned(linkPin));
        assertTrue(nothing.getMessage().startsWith("open pinned link " + linkPin + ": "), nothing.getMessage());
        assertTrue(nothing.getMessage().contains("nothing is pinned"), nothing.getMessage());
    }

    @Test
    void pinnedProgramOutlivesItsObject() throws Exception {
        Path programPin = folder.resolve("program");
        int programId;
        try (BpfObject object = Fixtures.open("counter")) {
            object.load();
            BpfProgram program = object.program("count_openat");
            programId = program.info().id();
            program.pin(programPin);
            program.unpin(programPin);
            assertFalse(Files.exists(programPin));
            program.pin(programPin);
            BpfException twice = assertThrows(BpfException.class, () -> program.pin(programPin));
            assertTrue(twice.getMessage().startsWith("pin program count_openat at " + programPin), twice.getMessage());
        }
        assertTrue(BpfSystem.program(programId).isPresent(), "the pin keeps the program loaded");
        Files.delete(programPin);
        awaitGone(programId);
    }

    @Test
    void linksOfSeveralCpusCannotBePinned() {
        try (BpfObject object = Fixtures.open("perf_sample")) {
            object.load();
            BpfLink sampling = object.program("count_samples").attachPerfEvent(PerfEventSpec.softwareCpuClock(10));
            if (sampling.kernelLinks() > 1) {
                IllegalStateException several = assertThrows(IllegalStateException.class,
                        () -> sampling.pin(folder.resolve("perf")));
                assertTrue(several.getMessage().contains("one per CPU"), several.getMessage());
            }
        }
    }

    /** The kernel frees a program after an RCU grace period: wait for that, up to 10 s. */
    private static void awaitGone(int programId) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (BpfSystem.program(programId).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(BpfSystem.program(programId).isPresent(), "program " + programId + " is gone once unpinned");
    }
}
