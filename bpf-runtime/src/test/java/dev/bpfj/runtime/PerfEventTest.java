package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import org.junit.jupiter.api.Test;

/** perf_event programs sampling the software CPU clock on every CPU. */
@KernelTest(needs = KernelTest.Facility.CLANG)
class PerfEventTest {

    private static final long WANTED_SAMPLES = 5;

    @Test
    void cpuClockSamplingCountsSamplesOfABusyThread() throws Exception {
        long fdsBefore = Fixtures.openFds();
        try (BpfObject object = Fixtures.open("perf_sample")) {
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            object.load();
            GlobalData bss = object.globalData(".bss");
            BpfLink link = object.program("count_samples").attachPerfEvent(PerfEventSpec.softwareCpuClock(1000));
            assertEquals(BpfSystem.onlineCpus(BpfSystem.possibleCpus()).length, link.kernelLinks(), "one link per online CPU");
            // Spin until this process has been sampled a few times (or give up after 20 s of CPU).
            long deadline = System.nanoTime() + 20_000_000_000L;
            long spins = 0;
            while (bss.getLong(0) < WANTED_SAMPLES && System.nanoTime() < deadline) {
                spins += busyWork(spins);
            }
            long samples = bss.getLong(0);
            assertTrue(samples >= WANTED_SAMPLES, "samples of this process: " + samples + " (all: " + bss.getLong(8) + ")");
            link.close();
            long total = bss.getLong(8);
            Thread.sleep(50);
            assertEquals(total, bss.getLong(8), "no sample after the link closed");
        }
        assertEquals(fdsBefore, Fixtures.openFds(), "perf event fds are closed with their links");
    }

    @Test
    void badSpecsAndWrongProgramsFailClearly() {
        assertThrows(IllegalArgumentException.class, () -> PerfEventSpec.softwareCpuClock(0));
        Fixtures.object("counter"); // compiled first: the compile opens /dev/urandom once for temp names
        long fdsBefore = Fixtures.openFds();
        try (BpfObject object = Fixtures.open("counter")) {
            object.load();
            BpfException wrong = assertThrows(BpfException.class,
                    () -> object.program("count_openat").attachPerfEvent(PerfEventSpec.softwareCpuClock(99)));
            assertTrue(wrong.getMessage().startsWith("attach program count_openat (tp/syscalls/sys_enter_openat) to software cpu-clock at 99 Hz on CPU "),
                    wrong.getMessage());
        }
        assertEquals(fdsBefore, Fixtures.openFds(), "a failed attach closes the perf event it opened");
        try (BpfObject object = Fixtures.open("perf_sample")) {
            object.load();
            // Hardware counters exist on bare metal and are missing in most VMs: either way the result is clear.
            try (BpfLink link = object.program("count_samples").attachPerfEvent(PerfEventSpec.hardwareCpuCycles(99))) {
                assertTrue(link.kernelLinks() > 0);
            } catch (BpfException noPmu) {
                assertTrue(noPmu.getMessage().startsWith("open perf event for program count_samples (perf_event): hardware cpu-cycles"),
                        noPmu.getMessage());
                assertTrue(noPmu.getMessage().contains("softwareCpuClock"), noPmu.getMessage());
            }
        }
    }

    private static long busyWork(long seed) {
        long x = seed;
        for (int i = 0; i < 100_000; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return (x & 1) + 1;
    }
}
