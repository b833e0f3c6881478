package dev.bpfj.it.taskinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Runs the CO-RE program, compiled against the vmlinux.h that bpf:compile generated, and checks
 * that each struct task_struct field it read equals what /proc reports for the same task.
 */
class TaskinfoBpfKernelTest {

    private static final int SELF = (int) ProcessHandle.current().pid();

    /** USER_HZ, the unit of /proc/PID/stat's start time, is 100 on every Linux architecture. */
    private static final long NANOS_PER_CLOCK_TICK = 10_000_000L;

    /** What /proc says about the calling thread, read by that thread. */
    private record ThreadFacts(int tid, String comm) {
        static ThreadFacts ofCurrentThread() throws IOException {
            // /proc/thread-self links to "<tgid>/task/<tid>": the only way to learn one's own tid in Java.
            Path link = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            assertEquals(String.valueOf(SELF), link.getName(0).toString(), link.toString());
            int tid = Integer.parseInt(link.getFileName().toString());
            return new ThreadFacts(tid, Files.readString(Path.of("/proc/thread-self/comm")).strip());
        }
    }

    /** Each Thread.yield() of a platform thread is one sched_yield(2) by that thread. */
    private static void yieldSomeTimes() {
        for (int i = 0; i < 10; i++) {
            Thread.yield();
        }
    }

    private static int realUid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                // Uid: real effective saved filesystem
                return Integer.parseInt(line.substring(4).strip().split("\\s+")[0]);
            }
        }
        throw new AssertionError("/proc/self/status has no Uid: line");
    }

    private static long processStartTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        // The command name in parentheses may contain spaces: fields are counted after its ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
        // Field 22 (starttime) is the 20th after "pid (comm)".
        return Long.parseLong(fields[19]);
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.TRACEFS)
    void readsTheCallingTaskThroughCoRe() throws IOException {
        ThreadFacts me = ThreadFacts.ofCurrentThread();
        try (TaskinfoBpf skel = TaskinfoBpf.open()) {
            skel.rodata().targPid(SELF).targTid(me.tid());
            skel.load();
            skel.attach();
            yieldSomeTimes();
            skel.detach();

            assertTrue(skel.bss().hits() >= 1, "the program never saw this thread's sched_yield");
            assertEquals(SELF, skel.bss().taskTgid(), "task->tgid");
            assertEquals(me.tid(), skel.bss().taskTid(), "task->pid");
            long parent = ProcessHandle.current().parent().orElseThrow().pid();
            assertEquals(parent, skel.bss().parentTgidUnsigned(), "task->real_parent->tgid");
            assertEquals(realUid(), skel.bss().realUid(), "task->real_cred->uid.val");
            assertEquals(me.comm(), skel.bss().threadComm(), "task->comm");
            assertEquals(Files.readString(Path.of("/proc/self/comm")).strip(), skel.bss().leaderComm(),
                    "task->group_leader->comm");
            assertEquals(processStartTicks(), skel.bss().leaderStartBoottime() / NANOS_PER_CLOCK_TICK,
                    "task->group_leader->start_boottime");
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.TRACEFS)
    void recordsOnlyTheChosenThread() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch attached = new CountDownLatch(1);
        AtomicReference<ThreadFacts> worker = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                worker.set(ThreadFacts.ofCurrentThread());
                started.countDown();
                attached.await();
                yieldSomeTimes();
            } catch (Throwable t) {
                failure.set(t);
                started.countDown();
            }
        }, "taskinfo-worker");
        thread.start();
        try (TaskinfoBpf skel = TaskinfoBpf.open()) {
            started.await();
            if (failure.get() != null) {
                throw new AssertionError("the worker thread failed", failure.get());
            }
            ThreadFacts facts = worker.get();
            skel.rodata().targPid(SELF).targTid(facts.tid());
            skel.load();
            skel.attach();
            // This thread yields too, and must not be recorded.
            yieldSomeTimes();
            assertEquals(0L, skel.bss().hits(), "a sched_yield of another thread passed the targ_tid filter");
            attached.countDown();
            thread.join();
            if (failure.get() != null) {
                throw new AssertionError("the worker thread failed", failure.get());
            }
            assertTrue(skel.bss().hits() >= 1, "the program never saw the worker's sched_yield");
            assertEquals(facts.tid(), skel.bss().taskTid(), "task->pid is the worker's tid");
            assertEquals(facts.comm(), skel.bss().threadComm(), "task->comm is the worker's name");
            assertEquals(SELF, skel.bss().taskTgid(), "task->tgid");
        } finally {
            attached.countDown();
            thread.join();
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.TRACEFS)
    void aProcessThatDoesNotExistIsNeverRecorded() {
        try (TaskinfoBpf skel = TaskinfoBpf.open()) {
            skel.rodata().targPid(Integer.MAX_VALUE);
            skel.load();
            skel.attach();
            yieldSomeTimes();
            assertEquals(0L, skel.bss().hits(), "targ_pid set before load must filter every call");
            assertEquals(0, skel.bss().taskTgid());
        }
    }
}
