package dev.bpfj.toolchain.vmlinux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.test.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A CO-RE program compiled against our header loads into the kernel and reads the right
 * task_struct fields: the task iterator reports, for this JVM (which reads the iterator), its own
 * pid and its parent's, read via BPF_CORE_READ(current, real_parent, tgid). bpftool loads the
 * object and pins the iterator link; reading the pinned file runs the program.
 */
@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.BPFTOOL, KernelTest.Facility.BPFFS})
class CoreProgramRunTest {

    @Test
    void coreReadsWorkWithTheFullHeader() throws Exception {
        runIterator("full", VmlinuxTestSupport.kernelHeader().text());
    }

    @Test
    void coreReadsWorkWithAFilteredHeader() throws Exception {
        runIterator("filtered", VmlinuxHeaderWriter.of(VmlinuxTestSupport.kernelBtf())
                .withRoots(KernelVmlinuxTest.ITER_ROOTS).write().text());
    }

    private static void runIterator(String name, String header) throws Exception {
        Path dir = VmlinuxTestSupport.withHeader("run-" + name, "core_iter.bpf.c", header);
        Path object = ClangFixtures.compile(dir.resolve("core_iter.bpf.c"), dir);
        Path pin = Path.of("/sys/fs/bpf/bpfj-vmlinux-test-" + ProcessHandle.current().pid() + "-" + name);
        Files.deleteIfExists(pin);
        try {
            VmlinuxTestSupport.Outcome load = VmlinuxTestSupport.run(dir,
                    List.of("bpftool", "iter", "pin", object.toString(), pin.toString()));
            assertTrue(load.ok(), "bpftool iter pin failed:\n" + load.output());
            List<String> lines = Files.readAllLines(pin);
            long me = ProcessHandle.current().pid();
            long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L);
            assertTrue(lines.size() > 2, lines.toString());
            String expected = "current " + me + " " + parent;
            assertTrue(lines.get(0).equals(expected), "expected '" + expected + "', iterator said: " + lines.get(0));
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("task " + me + " " + parent + " ")),
                    "no line for this JVM in " + lines.size() + " task lines");
            assertTrue(lines.stream().filter(l -> l.startsWith("task ")).count() > 2, lines.toString());
        } finally {
            Files.deleteIfExists(pin);
        }
    }
}
