package dev.bpfj.runtime.internal.libbpf;

import dev.bpfj.runtime.BpfException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An epoll set plus an eventfd, so that a thread blocked waiting for events can be woken by
 * another thread closing the reader. Not thread-safe by itself: readers serialise {@link #await}
 * and {@link #close} with their poll lock; {@link #wake} may be called from any thread.
 */
public final class EpollWaiter implements AutoCloseable {

    /** The epoll data value that marks the wake-up eventfd. */
    public static final long WAKE = -1L;

    private static final int MAX_EVENTS = 64;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment events = arena.allocate(Libc.EPOLL_EVENT_SIZE * MAX_EVENTS, 8);
    private final MemorySegment capture = Native.captureSegment(arena);
    private final int epollFd;
    private final int eventFd;
    private boolean closed;

    /** Creates the epoll set with the wake-up eventfd already in it. */
    public EpollWaiter() {
        epollFd = Libc.epoll_create1(capture, Libc.EPOLL_CLOEXEC);
        if (epollFd < 0) {
            int errno = Native.errno(capture);
            arena.close();
            throw new BpfException("create epoll set", null, errno, null);
        }
        eventFd = Libc.eventfd(capture, 0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (eventFd < 0) {
            int errno = Native.errno(capture);
            Libc.close(capture, epollFd);
            arena.close();
            throw new BpfException("create eventfd", null, errno, null);
        }
        add(eventFd, WAKE);
    }

    /** Adds {@code fd} for readability; {@code data} comes back from {@link #readyData}. */
    public void add(int fd, long data) {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment event = local.allocate(Libc.EPOLL_EVENT_SIZE, 8);
            event.set(ValueLayout.JAVA_INT, 0, Libc.EPOLLIN);
            event.set(ValueLayout.JAVA_LONG_UNALIGNED, Libc.EPOLL_EVENT_DATA, data);
            MemorySegment localCapture = Native.captureSegment(local);
            if (Libc.epoll_ctl(localCapture, epollFd, Libc.EPOLL_CTL_ADD, fd, event) < 0) {
                throw new BpfException("add fd " + fd + " to epoll set", null, Native.errno(localCapture), null);
            }
        }
    }

    /**
     * Waits until a descriptor is readable, {@link #wake} is called or the timeout passes.
     *
     * @param timeoutMillis -1 to wait indefinitely
     * @return the number of ready entries (0 on timeout or interruption by a signal)
     */
    public int await(int timeoutMillis) {
        int ready = Libc.epoll_wait(capture, epollFd, events, MAX_EVENTS, timeoutMillis);
        if (ready < 0) {
            int errno = Native.errno(capture);
            if (errno == Libc.EINTR) {
                return 0;
            }
            throw new BpfException("wait for events (epoll_wait)", null, errno, null);
        }
        return ready;
    }

    /** The data value of the {@code index}-th ready entry of the last {@link #await}. */
    public long readyData(int index) {
        return events.get(ValueLayout.JAVA_LONG_UNALIGNED, index * Libc.EPOLL_EVENT_SIZE + Libc.EPOLL_EVENT_DATA);
    }

    /** Wakes a thread blocked in {@link #await}; safe from any thread, also after wake-ups. */
    public void wake() {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment one = local.allocateFrom(ValueLayout.JAVA_LONG, 1L);
            Libc.write(Native.captureSegment(local), eventFd, one, 8);
        }
    }

    /** Closes the epoll set and the eventfd; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(capture, eventFd);
            Libc.close(capture, epollFd);
            arena.close();
        }
    }

    /** Converts a poll timeout to epoll's milliseconds: negative means forever, rounded up otherwise. */
    public static int millis(java.time.Duration timeout) {
        if (timeout.isNegative()) {
            return -1;
        }
        if (timeout.getSeconds() >= Integer.MAX_VALUE / 1000) {
            return Integer.MAX_VALUE;
        }
        long nanos = timeout.toNanos();
        long millis = (nanos + 999_999) / 1_000_000;
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }
}
