package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.EpollWaiter;
import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.Libc;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads {@code bpf_printk} output from the kernel's {@code trace_pipe} as {@link TraceRecord}s.
 * Reading consumes: each line goes to exactly one reader of the pipe, so tests should look for a
 * marker of their own. {@link #close()} may be called from any thread and wakes a blocked
 * {@link #next}.
 */
public final class TracePipe implements AutoCloseable {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final Path path;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(BUFFER_SIZE);
    private final MemorySegment capture = Native.captureSegment(arena);
    private final EpollWaiter waiter;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final ReentrantLock readLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean released;

    private TracePipe(Path path, int fd) {
        this.path = path;
        this.fd = fd;
        EpollWaiter created = new EpollWaiter();
        try {
            created.add(fd, 0);
        } catch (RuntimeException e) {
            // A file epoll cannot wait on (a regular file, not a pipe): release what was made.
            created.close();
            arena.close();
            throw e;
        }
        this.waiter = created;
    }

    /**
     * Opens {@code trace_pipe} of the mounted tracefs.
     *
     * @throws BpfException when tracefs is not mounted (with the mount command) or not readable
     */
    public static TracePipe open() {
        Path root = Environment.tracefs();
        if (root == null) {
            // Not mounted, or mounted but closed to this process: the two need different fixes.
            throw Environment.tracefsFailure("open trace_pipe", "/sys/kernel/tracing/trace_pipe");
        }
        return open(root.resolve("trace_pipe"));
    }

    /** Opens a specific trace pipe file (for instance of a tracefs instance). */
    public static TracePipe open(Path tracePipe) {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment localCapture = Native.captureSegment(local);
            // Opened without checking first: a file this process may not see looks just like a
            // missing one to Files.exists, and only open's errno tells the two apart.
            int fd = Libc.open(localCapture, local.allocateFrom(tracePipe.toString()), Libc.O_RDONLY_NONBLOCK_CLOEXEC);
            if (fd < 0) {
                int errno = Native.errno(localCapture);
                String hint = errno == Errno.ENOENT ? "no such file; " + Environment.TRACEFS_HINT
                        : errno == Errno.EACCES || errno == Errno.EPERM
                        ? "permission denied: reading trace_pipe needs root or CAP_SYS_ADMIN (CAP_DAC_OVERRIDE), or a tracefs "
                        + "mounted with a mode and group that grant access (mount -o remount,mode=0750,gid=<group>)"
                        : Environment.hintFor(errno);
                throw new BpfException("open trace_pipe", tracePipe.toString(), errno, hint);
            }
            try {
                return new TracePipe(tracePipe, fd);
            } catch (RuntimeException e) {
                Libc.close(localCapture, fd);
                throw e;
            }
        }
    }

    /**
     * The next record, waiting up to {@code timeout} for one.
     *
     * @return the record, or null on timeout or when the pipe is (or got) closed
     */
    public TraceRecord next(Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, Math.min(timeout.toNanos(), Long.MAX_VALUE / 4));
        readLock.lock();
        try {
            while (!closed.get()) {
                String line = takeLine();
                if (line != null) {
                    TraceRecord record = TraceRecord.parse(line);
                    if (record != null) {
                        return record;
                    }
                    continue;
                }
                if (readAvailable() > 0) {
                    continue;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return null;
                }
                waiter.await(EpollWaiter.millis(Duration.ofNanos(remaining)));
            }
            return null;
        } finally {
            releaseIfClosed();
            readLock.unlock();
        }
    }

    private String takeLine() {
        byte[] bytes = pending.toByteArray();
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                pending.reset();
                pending.write(bytes, i + 1, bytes.length - i - 1);
                return new String(bytes, 0, i, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private int readAvailable() {
        long n = Libc.read(capture, fd, buffer, BUFFER_SIZE);
        if (n < 0) {
            int errno = Native.errno(capture);
            if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
                return 0;
            }
            throw new BpfException("read", path.toString(), errno, null);
        }
        pending.write(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), 0, (int) n);
        return (int) n;
    }

    /** Closes the pipe; wakes a blocked {@link #next}; idempotent and safe from any thread. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        waiter.wake();
        if (readLock.isHeldByCurrentThread()) {
            return;
        }
        readLock.lock();
        try {
            releaseIfClosed();
        } finally {
            readLock.unlock();
        }
    }

    private void releaseIfClosed() {
        if (closed.get() && !released && readLock.getHoldCount() == 1) {
            released = true;
            waiter.close();
            Libc.close(capture, fd);
            arena.close();
        }
    }
}
