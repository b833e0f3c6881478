package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import org.junit.jupiter.api.Test;

/** The kernel's run-time counters in {@link ProgramInfo}: verified instructions and recursion misses. */
@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
class ProgramStatsTest {

    @Test
    void loadedProgramReportsVerifierWorkAndNoMissesYet() {
        try (BpfObject object = Fixtures.open("counter")) {
            object.load();
            ProgramInfo info = object.program("count_openat").info();
            assertTrue(info.verifiedInstructions() > 0, "verified instructions " + info.verifiedInstructions());
            assertEquals(0, info.recursionMisses(), "nothing ran yet, so nothing was skipped");
            // Counted only with kernel.bpf_stats_enabled=1, which a test must not switch for the whole machine.
            assertTrue(info.runTimeNanos() >= 0, "run time " + info.runTimeNanos());
            assertTrue(info.runCount() >= 0, "run count " + info.runCount());
        }
    }

    @Test
    void programSkippedByRecursionProtectionCountsMisses() {
        try (BpfObject object = Fixtures.open("recursion")) {
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            object.load();
            object.attachAll();
            BpfProgram echo = object.program("echo");
            long before = echo.info().recursionMisses();
            Fixtures.openat("/bpfj-recursion");
            // start's bpf_printk runs echo once; echo's own bpf_printk finds echo running and is skipped.
            assertEquals(before + 1, echo.info().recursionMisses(), "recursion misses of echo");
            assertEquals(0, object.program("start").info().recursionMisses(), "start never nests");
        }
    }
}
