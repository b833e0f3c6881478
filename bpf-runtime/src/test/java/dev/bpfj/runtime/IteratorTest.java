package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** BPF iterators: task iterator output read as text, parameters, and swapping the link's program. */
@KernelTest(needs = KernelTest.Facility.CLANG)
class IteratorTest {

    @Test
    void taskIteratorListsThisProcess() throws Exception {
        long fdsBefore = Fixtures.openFds();
        try (BpfObject object = Fixtures.open("iter_task")) {
            object.load();
            try (BpfIterator tasks = object.program("list_tasks").iterate()) {
                String output = tasks.readString();
                assertTrue(output.lines().anyMatch(line -> line.startsWith("task " + Fixtures.tgid() + " " + Fixtures.tgid() + " ")),
                        "the iterator lists this JVM's main task:\n" + head(output));
                // Every open() is a new pass.
                try (InputStream again = tasks.open()) {
                    assertTrue(new String(again.readAllBytes()).contains("task " + Fixtures.tgid() + " "));
                }
                // The link's program can be swapped in place: the same link now prints tgids.
                tasks.link().updateProgram(object.program("list_tgids"));
                assertEquals("list_tgids", tasks.link().program().name());
                String swapped = tasks.readString();
                assertTrue(swapped.lines().anyMatch(("tgid " + Fixtures.tgid())::equals), head(swapped));
                assertFalse(swapped.contains("task "), head(swapped));
                tasks.close();
                IllegalStateException closed = assertThrows(IllegalStateException.class, tasks::open);
                assertTrue(closed.getMessage().contains("its link is closed"), closed.getMessage());
            }
        }
        assertEquals(fdsBefore, Fixtures.openFds(), "iterator and link fds closed");
    }

    @Test
    void processParameterLimitsTheWalkToOneProcess() {
        try (BpfObject object = Fixtures.open("iter_task")) {
            object.load();
            try (BpfIterator tasks = object.program("list_tasks").iterate(IteratorOptions.process(Fixtures.tgid()))) {
                String output = tasks.readString();
                Set<String> tgids = output.lines().map(line -> line.split(" ")[1]).collect(Collectors.toSet());
                assertEquals(Set.of(Integer.toString(Fixtures.tgid())), tgids, head(output));
                assertTrue(output.lines().count() > 1, "a JVM has several threads:\n" + head(output));
            }
            // The kernel accepts a process that does not exist and walks nothing.
            try (BpfIterator none = object.program("list_tasks").iterate(IteratorOptions.process(Integer.MAX_VALUE - 7))) {
                assertEquals("", none.readString());
            }
            assertThrows(IllegalArgumentException.class, () -> IteratorOptions.thread(0));
        }
    }

    @Test
    void threadParameterVisitsOneThread() throws Exception {
        // /proc/thread-self links to "<tgid>/task/<tid>" of the calling thread.
        String self = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/thread-self")).toString();
        int tid = Integer.parseInt(self.substring(self.lastIndexOf('/') + 1));
        try (BpfObject object = Fixtures.open("iter_task")) {
            object.load();
            try (BpfIterator tasks = object.program("list_tasks").iterate(IteratorOptions.thread(tid))) {
                String output = tasks.readString();
                assertEquals(1, output.lines().count(), output);
                assertTrue(output.startsWith("task " + Fixtures.tgid() + " " + tid + " "), output);
            }
        }
    }

    @Test
    void mapElementIteratorWalksTheMapItIsGivenOrSaysWhyNot() {
        try (BpfObject object = Fixtures.open("iter_map");
             BpfMap map = BpfMap.create(MapType.HASH, "bpfj_iter_map", 4, 8, 8)) {
            try {
                object.load();
            } catch (BpfException refused) {
                // This kernel refuses bpf_map_elem iterator programs (EPERM even as root): the error says so.
                assertEquals("EPERM", refused.errnoName(), refused.getMessage());
                assertTrue(refused.getMessage().contains("program list_elements (iter/bpf_map_elem) is an iterator program"),
                        refused.getMessage());
                return;
            }
            map.updateLong(3, 30);
            map.updateLong(4, 40);
            try (BpfIterator elements = object.program("list_elements").iterate(IteratorOptions.map(map))) {
                assertEquals(Set.of("elem 3 30", "elem 4 40"), elements.readString().lines().collect(Collectors.toSet()));
            }
            BpfException noMap = assertThrows(BpfException.class, () -> object.program("list_elements").iterate());
            assertTrue(noMap.getMessage().startsWith("attach program list_elements (iter/bpf_map_elem) to iterator: "),
                    noMap.getMessage());
        }
    }

    @Test
    void cgroupIteratorVisitsTheCgroupItIsGiven() throws Exception {
        java.nio.file.Path cgroup = java.nio.file.Path.of("/sys/fs/cgroup/unified", "bpfj-kinds-iter-" + Fixtures.tgid());
        java.nio.file.Files.createDirectory(cgroup);
        try (BpfObject object = Fixtures.open("iter_params")) {
            object.load();
            long inode = (long) java.nio.file.Files.getAttribute(cgroup, "unix:ino");
            try (BpfIterator cgroups = object.program("list_cgroups")
                    .iterate(IteratorOptions.cgroup(cgroup, IteratorOptions.CgroupOrder.SELF_ONLY))) {
                assertEquals("cgroup " + inode + "\n", cgroups.readString());
            }
            BpfException notDirectory = assertThrows(BpfException.class, () -> object.program("list_cgroups")
                    .iterate(IteratorOptions.cgroup(cgroup.resolve("absent"), IteratorOptions.CgroupOrder.SELF_ONLY)));
            assertTrue(notDirectory.getMessage().contains("give a cgroup v2 directory"), notDirectory.getMessage());
        } finally {
            java.nio.file.Files.deleteIfExists(cgroup);
        }
    }

    @Test
    void iteratingAProgramOfAnotherKindFailsClearly() {
        try (BpfObject object = Fixtures.open("counter")) {
            object.load();
            BpfException wrong = assertThrows(BpfException.class, () -> object.program("count_openat").iterate());
            assertTrue(wrong.getMessage().startsWith("attach program count_openat (tp/syscalls/sys_enter_openat) to iterator"),
                    wrong.getMessage());
        }
    }

    private static String head(String text) {
        return Arrays.stream(text.split("\n")).limit(10).collect(Collectors.joining("\n"));
    }
}
