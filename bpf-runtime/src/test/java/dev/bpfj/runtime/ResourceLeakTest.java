package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpfj.test.KernelEnvironment;
import dev.bpfj.test.KernelTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 6: after 10,000 open/load/attach/close cycles in one JVM the process's fd count is back
 * where it started and introspection shows none of the programs.
 *
 * <p>The fixture (src/test/bpf/leak.bpf.c) is as small as a real object gets: a one-page ring
 * buffer and two tiny programs. Each cycle attaches the raw-tracepoint program; every
 * {@value #PERF_TRACEPOINT_EVERY}th cycle also loads and attaches the perf-event tracepoint
 * program, whose detach waits for an RCU grace period (tens of ms) and would otherwise make
 * 10,000 cycles take minutes.
 */
@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
class ResourceLeakTest {

    /** What issue 6 asks for; CI always runs all of them. */
    private static final int CI_CYCLES = 10_000;
    /** Off CI a developer's run stays short; the same leaks show up after a thousand cycles. */
    private static final int LOCAL_CYCLES = 1_000;
    private static final int PERF_TRACEPOINT_EVERY = 100;
    /** Generous: the kernel frees a closed program within a few RCU grace periods (milliseconds). */
    private static final long KERNEL_FREE_SECONDS = 10;

    @Test
    void openLoadAttachCloseCyclesLeakNothing() {
        byte[] elf = Fixtures.bytes("leak");
        int tgid = Fixtures.tgid();
        int cycles = KernelEnvironment.required() ? CI_CYCLES : LOCAL_CYCLES;
        // Warm up once so that lazily created, process-lifetime descriptors exist before counting.
        List<Integer> programIds = new ArrayList<>();
        cycle(elf, tgid, 0, programIds);
        long fdsBefore = Fixtures.openFds();
        programIds.clear();

        long start = System.nanoTime();
        for (int i = 0; i < cycles; i++) {
            cycle(elf, tgid, i, programIds);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("ResourceLeakTest: " + cycles + " open/load/attach/read/close cycles in " + millis + " ms ("
                + (millis * 1000 / cycles) + " us per cycle)");

        assertEquals(fdsBefore, Fixtures.openFds(), "file descriptors leaked after " + cycles + " cycles");
        int perfCycles = (cycles + PERF_TRACEPOINT_EVERY - 1) / PERF_TRACEPOINT_EVERY;
        Set<Integer> distinct = new HashSet<>(programIds);
        assertEquals(cycles + perfCycles, distinct.size(), "every load must have created new kernel programs");
        // None of ours may remain. The kernel drops a raw tracepoint link's hold on its program
        // only after an RCU grace period, so the last few programs may still be on their way out:
        // wait for those (a program that something still holds would never go).
        List<Integer> remaining = BpfSystem.programs().stream().map(ProgramInfo::id).filter(distinct::contains).toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(KERNEL_FREE_SECONDS);
        while (!remaining.isEmpty() && System.nanoTime() < deadline) {
            sleep(10);
            remaining = remaining.stream().filter(id -> BpfSystem.program(id).isPresent()).toList();
        }
        assertEquals(List.of(), remaining, "programs still loaded " + KERNEL_FREE_SECONDS
                + " s after their objects were closed");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the kernel to free programs", e);
        }
    }

    private static void cycle(byte[] elf, int tgid, int index, List<Integer> programIds) {
        boolean perfTracepoint = index % PERF_TRACEPOINT_EVERY == 0;
        try (BpfObject object = BpfObject.open(elf, OpenOptions.defaults().withObjectName("leak"))) {
            object.globalData(".rodata").setInt(0, tgid);
            object.program("exec_perf").autoload(perfTracepoint);
            object.load();
            List<BpfLink> links = object.attachAll();
            assertEquals(perfTracepoint ? 2 : 1, links.size(), "links attached in cycle " + index);
            RingBuffer.builder().add(object.map("ring"), record -> { }).build();
            for (BpfProgram program : object.programs()) {
                if (program.autoload()) {
                    programIds.add(program.info().id());
                }
            }
        }
    }
}
