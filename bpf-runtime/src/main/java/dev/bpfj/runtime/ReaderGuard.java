package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.EpollWaiter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The threading rules {@link RingBuffer} and {@link PerfBuffer} share: one poll or consume at a
 * time, {@link #close} from any thread (also from inside a handler, mid-pass), and the reader's
 * native memory released exactly once, by the thread that leaves the lock last, so that no pass
 * ever reads unmapped memory.
 */
final class ReaderGuard {

    /** One pass over a reader's buffers, run under the lock. */
    @FunctionalInterface
    interface Pass {
        /** Handles what is available now and returns how many records or samples that was. */
        int run();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final EpollWaiter waiter;
    private final Runnable release;
    /** Guarded by {@link #lock}. */
    private boolean released;

    /**
     * @param waiter  what a poll waits on; the guard wakes it on close and closes it on release
     * @param release frees the reader's own native resources, once, after the waiter is closed
     */
    ReaderGuard(EpollWaiter waiter, Runnable release) {
        this.waiter = waiter;
        this.release = release;
    }

    /** Runs {@code pass}; when it finds nothing, waits up to {@code timeout} and runs it once more. -1 when closed. */
    int poll(Duration timeout, Pass pass) {
        int millis = EpollWaiter.millis(timeout);
        lock.lock();
        try {
            if (closed.get()) {
                return -1;
            }
            int handled = pass.run();
            if (handled > 0) {
                return handled;
            }
            if (closed.get()) {
                return -1;
            }
            waiter.await(millis);
            return closed.get() ? -1 : pass.run();
        } finally {
            releaseIfClosed();
            lock.unlock();
        }
    }

    /** Runs {@code pass} without waiting; -1 when closed. */
    int consume(Pass pass) {
        lock.lock();
        try {
            return closed.get() ? -1 : pass.run();
        } finally {
            releaseIfClosed();
            lock.unlock();
        }
    }

    /** True once {@link #close} was called; a pass checks it between records to stop early. */
    boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes once: wakes a blocked poll, runs {@code onFirstClose} (unregistering from owners), then
     * waits for a pass in progress and releases. Called from inside a handler it returns at once
     * and the surrounding poll releases when it leaves.
     */
    void close(Runnable onFirstClose) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        waiter.wake();
        onFirstClose.run();
        if (lock.isHeldByCurrentThread()) {
            return;
        }
        lock.lock();
        try {
            releaseIfClosed();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: frees everything if closed and this is the outermost holder. */
    private void releaseIfClosed() {
        if (closed.get() && !released && lock.getHoldCount() == 1) {
            released = true;
            waiter.close();
            release.run();
        }
    }
}
