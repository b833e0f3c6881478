package dev.bpfj.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Keeps a kernel object's file descriptor (or libbpf handle) alive for the length of a native
 * call that uses it, so that a racing {@code close()} can never release the fd mid-call and let
 * the call land on whatever object the kernel hands that fd number to next.
 *
 * <p>One {@code int} holds a closed bit (the sign bit) and the number of calls in flight. A call
 * {@link #enter}s (one atomic add; it throws {@link IllegalStateException} when the closed bit is
 * set), makes its native call, and {@link #exit}s (one atomic add). {@link #close} sets the
 * closed bit, so no new call can enter, then waits until the calls in flight have left; only
 * then may the owner release the fd. A call therefore either completes on the right object or
 * throws "... is closed". Two uncontended atomic adds cost a few nanoseconds against the
 * microsecond of a {@code bpf()} system call.
 *
 * <p>The pattern for every native call that takes an object's fd or handle:
 * <pre>{@code
 * int fd = map.enterFd();            // or program.enterHandle(), guard.enter()
 * try {
 *     rc = Libbpf.bpf_something(fd, ...);
 * } finally {
 *     map.exitFd();                   // guard.exit()
 * }
 * }</pre>
 * Hold the guard around the native call only, never around a callback into user code: a user
 * callback that closes the object would otherwise wait for itself.
 */
final class UseGuard {

    private static final int CLOSED = Integer.MIN_VALUE;
    private static final int USES = Integer.MAX_VALUE;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(UseGuard.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The message of the exception a call on the closed object throws, like {@code map counts is closed}. */
    private final Supplier<String> closedMessage;
    /** The closed bit and the number of calls in flight; accessed through {@link #STATE}. */
    @SuppressWarnings("unused")
    private volatile int state;

    /**
     * @param closedMessage the "... is closed" message; called only when a call comes too late
     */
    UseGuard(Supplier<String> closedMessage) {
        this.closedMessage = closedMessage;
    }

    /**
     * Registers a call in flight.
     *
     * @throws IllegalStateException when the object is closed or closing
     */
    void enter() {
        int before = (int) STATE.getAndAdd(this, 1);
        if (before < 0) {
            exit();
            throw closedException();
        }
    }

    /** Ends a call registered with {@link #enter}. */
    void exit() {
        STATE.getAndAdd(this, -1);
    }

    /** True once {@link #close} was called. */
    boolean isClosed() {
        return state < 0;
    }

    /** The exception a call on the closed object throws. */
    IllegalStateException closedException() {
        return new IllegalStateException(closedMessage.get());
    }

    /**
     * Runs {@code call} as one use: a convenience for calls off the hot path (attach, pin,
     * test runs), where a lambda costs nothing that matters.
     */
    <T> T call(Supplier<T> call) {
        enter();
        try {
            return call.get();
        } finally {
            exit();
        }
    }

    /**
     * Marks the object closed and waits for every call in flight to leave.
     *
     * @return true for the first close, which must then release the object; false when it was closed already
     */
    boolean close() {
        int before;
        do {
            before = state;
            if (before < 0) {
                awaitNoUses();
                return false;
            }
        } while (!STATE.compareAndSet(this, before, before | CLOSED));
        awaitNoUses();
        return true;
    }

    private void awaitNoUses() {
        // Native calls under the guard are single system calls: spin briefly, then back off.
        for (int round = 0; (state & USES) != 0; round++) {
            if (round < 100) {
                Thread.onSpinWait();
            } else if (round < 200) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
    }
}
