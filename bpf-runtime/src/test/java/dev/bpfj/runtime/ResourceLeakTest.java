package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
class ResourceLeakTest {

    private static final int MAX_CYCLES = 10_000;
    /** The cycles stop early after this long, so that the suite stays fast on slow machines. */
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(30);

    @Test
    void openLoadAttachCloseCyclesLeakNothing() {
        byte[] elf = Fixtures.bytes("events");
        // Warm up once so that lazily created, process-lifetime descriptors exist before counting.
        cycle(elf, new HashSet<>());
        long fdsBefore = Fixtures.openFds();
        Set<Integer> programIds = new HashSet<>();
        long start = System.nanoTime();
        int cycles = 0;
        while (cycles < MAX_CYCLES && System.nanoTime() - start < BUDGET_NANOS) {
            cycle(elf, programIds);
            cycles++;
        }
        System.out.println("ResourceLeakTest: " + cycles + " open/load/attach/read/close cycles in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        assertTrue(cycles >= 100, "only " + cycles + " cycles ran");
        assertEquals(fdsBefore, Fixtures.openFds(), "file descriptors leaked after " + cycles + " cycles");
        assertEquals(cycles, programIds.size());
        // The kernel frees a program when its last fd closes; none of ours may remain.
        for (ProgramInfo program : BpfSystem.programs()) {
            assertTrue(!programIds.contains(program.id()), "program " + program.id() + " still loaded");
        }
    }

    private static void cycle(byte[] elf, Set<Integer> programIds) {
        try (BpfObject object = BpfObject.open(elf, OpenOptions.defaults().withObjectName("leak"))) {
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            object.load();
            object.attachAll();
            RingBuffer.builder().add(object.map("ring"), record -> { }).build();
            programIds.add(object.program("emit_openat").info().id());
        }
    }
}
