package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpfj.test.KernelTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Calls racing {@code close()} either complete on the object they were made on or throw
 * {@link IllegalStateException}; they never reach a map created right after the close, which the
 * kernel gives the same fd number.
 */
@KernelTest(needs = KernelTest.Facility.CLANG)
class FdReuseRaceTest {

    private static final long MAGIC = 0x5eed_0000_0000_0001L;
    private static final int WORKERS = 2;
    private static final String NAME = "bpfj_race_" + ProcessHandle.current().pid() % 100000;

    @Test
    void standaloneMapCallsNeverLandInTheMapThatReusesTheFd() throws Exception {
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        int reused = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (int round = 0; round < 600 && System.nanoTime() < deadline; round++) {
            BpfMap victim = BpfMap.create(MapType.HASH, NAME, 4, 8, 4);
            int victimFd = victim.fd();
            List<Thread> workers = hammer(victim, unexpected);
            victim.close();
            try (BpfMap fresh = BpfMap.create(MapType.HASH, NAME, 4, 8, 4)) {
                reused += fresh.fd() == victimFd ? 1 : 0;
                join(workers);
                assertEquals(-1, fresh.lookupLong(1, -1), "round " + round + ": a write meant for the closed map landed in a new one");
            }
            check(unexpected);
        }
        assertTrue(reused > 0, "the kernel never reused the fd number, so the race was not exercised");
    }

    @Test
    void objectMapCallsNeverLandInTheMapThatReusesTheFd() throws Exception {
        byte[] elf = Fixtures.bytes("counter");
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (int round = 0; round < 30 && System.nanoTime() < deadline; round++) {
            BpfObject object = BpfObject.open(elf, OpenOptions.defaults().withObjectName("counter"));
            object.load();
            List<Thread> workers = hammer(object.map("counts"), unexpected);
            object.close();
            // Fresh maps of the same shape right away: the kernel hands out the lowest free numbers.
            List<BpfMap> fresh = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    fresh.add(BpfMap.create(MapType.HASH, NAME, 4, 8, 1024));
                }
                join(workers);
                for (BpfMap map : fresh) {
                    assertEquals(-1, map.lookupLong(1, -1), "round " + round + ": a write meant for the closed object landed in a new map");
                }
            } finally {
                fresh.forEach(BpfMap::close);
            }
            check(unexpected);
        }
    }

    @Test
    void perfBufferClosedAfterItsMapNeverClearsTheMapThatReusesTheFd() {
        int cpus = BpfSystem.possibleCpus();
        BpfMap events = BpfMap.create(MapType.PERF_EVENT_ARRAY, NAME, 4, 4, cpus);
        int eventsFd = events.fd();
        PerfBuffer buffer = PerfBuffer.builder(events).pageCount(1).onSample((cpu, data) -> { }).build();
        events.close();
        // libbpf clears the perf event array's slots (keys 0..CPUs-1) through its fd when the buffer is
        // freed: with the map's own fd, that would now be this hash map's keys.
        try (BpfMap fresh = BpfMap.create(MapType.HASH, NAME, 4, 8, cpus)) {
            assertEquals(eventsFd, fresh.fd(), "the kernel did not reuse the fd number, so nothing was tested");
            for (int cpu = 0; cpu < cpus; cpu++) {
                fresh.updateLong(cpu, MAGIC);
            }
            buffer.close();
            assertEquals(cpus, fresh.count(), "closing the perf buffer deleted keys of the map that reused fd " + eventsFd);
        } finally {
            buffer.close();
        }
    }

    @Test
    @KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
    void attachRacingCloseEitherThrowsOrLeavesALinkTheCloseDetached() throws Exception {
        byte[] elf = Fixtures.bytes("counter");
        int attachedRounds = 0;
        for (int round = 0; round < 20; round++) {
            BpfObject object = BpfObject.open(elf, OpenOptions.defaults().withObjectName("counter"));
            object.load();
            BpfProgram program = object.program("count_openat");
            AtomicReference<BpfLink> link = new AtomicReference<>();
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            Thread attacher = Thread.ofPlatform().daemon().start(() -> {
                try {
                    go.await();
                    link.set(program.attachTracepoint("syscalls", "sys_enter_openat"));
                } catch (IllegalStateException closed) {
                    // Too late: the object is closed (or closed during the attach, which undid it).
                } catch (Throwable t) {
                    unexpected.add(t);
                }
            });
            go.countDown();
            // Close at varying points of the attach, which takes a few system calls.
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(0, 400_000));
            object.close();
            attacher.join(TimeUnit.SECONDS.toMillis(30));
            check(unexpected);
            if (link.get() != null) {
                attachedRounds++;
                assertTrue(link.get().isClosed(), "round " + round + ": a link made while the object closed is still attached");
            }
        }
        assertTrue(attachedRounds < 20, "every attach finished before close; the race was not exercised");
    }

    /** Starts threads that write to {@code map} until it is closed; returns once each has written. */
    private static List<Thread> hammer(BpfMap map, ConcurrentLinkedQueue<Throwable> unexpected) throws InterruptedException {
        CountDownLatch writing = new CountDownLatch(WORKERS);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            workers.add(Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (int call = 0; call < 1_000_000; call++) {
                        map.updateLong(1, MAGIC);
                        writing.countDown();
                    }
                    unexpected.add(new AssertionError("the map was never closed"));
                } catch (IllegalStateException closed) {
                    // The right answer for a call that came too late.
                } catch (Throwable t) {
                    // Such as EBADF: the fd was released while the call still used it.
                    unexpected.add(t);
                } finally {
                    writing.countDown();
                }
            }));
        }
        writing.await(10, TimeUnit.SECONDS);
        return workers;
    }

    private static void join(List<Thread> workers) throws InterruptedException {
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private static void check(ConcurrentLinkedQueue<Throwable> unexpected) {
        if (!unexpected.isEmpty()) {
            fail("a call racing close failed other than with IllegalStateException: " + unexpected.peek(), unexpected.peek());
        }
    }
}
