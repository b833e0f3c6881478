package dev.bpfj.examples.opensnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.junit.BpfTest;
import dev.bpfj.junit.LoadBpf;
import dev.bpfj.junit.RingRecorder;
import dev.bpfj.runtime.BpfException;
import dev.bpfj.runtime.TestRunRequest;
import dev.bpfj.test.KernelTest;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * opensnoop.bpf.c under bpf-junit. Its programs are tracepoint programs, which the kernel cannot
 * test-run (it has no test_run for BPF_PROG_TYPE_TRACEPOINT), so the test checks that bpfj says so
 * and then drives the programs with a real openat from this JVM, reading the ring buffer records.
 */
@BpfTest
@KernelTest(needs = KernelTest.Facility.TRACEFS)
class OpensnoopBpfIT {

    /** Opened per test, loaded by the test after it set the .rodata filter. */
    @LoadBpf(load = false)
    OpensnoopBpf skel;

    @TempDir
    Path dir;

    @Test
    void tracepointsCannotBeTestRunSoARealOpenatDrivesThem() throws IOException {
        int pid = (int) ProcessHandle.current().pid();
        skel.rodata().targPid(pid);
        skel.load();

        BpfException notTestable = assertThrows(BpfException.class,
                () -> skel.progs().sysEnterOpenat().testRun(TestRunRequest.ofContext(new byte[64])));
        assertTrue(notTestable.getMessage().contains("the kernel cannot test-run TRACEPOINT programs"),
                notTestable.getMessage());

        Path file = dir.resolve("opensnoop-bpf-it-" + pid);
        try (RingRecorder records = RingRecorder.of(skel.maps().events().map())) {
            skel.attach();
            Files.writeString(file, "x");
            skel.detach();
            List<String> paths = new ArrayList<>();
            var event = new OpensnoopBpf.OpensnoopEvent();
            for (byte[] record : records.records()) {
                event.wrap(MemorySegment.ofArray(record));
                assertEquals(pid, event.pid(), "the targ_pid filter let another process through");
                paths.add(event.path());
            }
            assertTrue(paths.contains(file.toString()), "no event for " + file + " in " + paths);
        }
    }
}
