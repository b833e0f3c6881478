package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Libbpf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An attachment of a program to a hook. Closing the link detaches the program (unless the link
 * was pinned, in which case the pin keeps it alive). Links are also owned by their object and
 * closed with it; closing one earlier is fine.
 */
public final class BpfLink implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();

    private final BpfProgram program;
    private final MemorySegment handle;
    private final State state;
    private final Cleaner.Cleanable cleanable;
    /** Keeps the link alive across native calls on it; see {@link UseGuard}. */
    private final UseGuard guard;
    private Path pinnedAt;
    /** The kernel link fd of an attachment libbpf does not manage, or -1. */
    private final int rawFd;

    BpfLink(BpfProgram program, MemorySegment handle) {
        this.program = program;
        this.handle = handle;
        this.guard = new UseGuard(() -> "the link of program " + program.name() + " is closed");
        this.rawFd = -1;
        this.state = new State(handle, null);
        this.cleanable = CLEANER.register(this, state);
    }

    /**
     * A link for an attachment made without a libbpf {@code struct bpf_link} (the networking
     * kinds): {@code fd} is the kernel link's fd, or -1 when the attachment is not a kernel link
     * (a netlink XDP program, a tc filter, a socket filter, a sockmap program); {@code detach}
     * undoes the attachment, once, on close, and must not throw.
     */
    BpfLink(BpfProgram program, int fd, Runnable detach) {
        this.program = program;
        this.handle = MemorySegment.NULL;
        this.rawFd = fd;
        this.guard = new UseGuard(() -> "the link of program " + program.name() + " is closed");
        this.state = new State(MemorySegment.NULL, detach);
        this.cleanable = CLEANER.register(this, state);
    }

    /** The program this link attached. */
    public BpfProgram program() {
        return program;
    }

    /**
     * The link's file descriptor (-1 for attachments that have none: old-style perf events, XDP
     * attached through netlink, clsact tc filters, socket filters and sockmap programs).
     */
    public int fd() {
        requireOpen("get the fd of");
        return handle.equals(MemorySegment.NULL) ? rawFd : guard.call(() -> Libbpf.bpf_link__fd(handle));
    }

    /** True once the link has been closed (by itself or by its object). */
    public boolean isClosed() {
        return state.closed.get();
    }

    /**
     * Pins the link on bpffs so that it outlives this process; the path must be on a mounted
     * bpffs (usually under {@code /sys/fs/bpf}).
     */
    public synchronized void pin(Path path) {
        requireOpen("pin");
        boolean raw = handle.equals(MemorySegment.NULL);
        if (raw && rawFd < 0) {
            throw new IllegalStateException("cannot pin the attachment of program " + program.name()
                    + ": it is not a kernel link (netlink XDP, tc filter, socket filter and sockmap attachments cannot be pinned)");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pathString = arena.allocateFrom(path.toString());
            int rc = raw ? guard.call(() -> Libbpf.bpf_obj_pin(rawFd, pathString))
                    : guard.call(() -> Libbpf.bpf_link__pin(handle, pathString));
            if (rc < 0) {
                throw new BpfException("pin link of program", program.name() + " at " + path, -rc,
                        BpfMap.pinHint(path, -rc));
            }
        }
        pinnedAt = path;
    }

    /** Removes the pin created by {@link #pin(Path)}. */
    public synchronized void unpin() {
        requireOpen("unpin");
        if (pinnedAt == null) {
            throw new IllegalStateException("link of program " + program.name() + " is not pinned");
        }
        int rc;
        if (handle.equals(MemorySegment.NULL)) {
            try {
                java.nio.file.Files.delete(pinnedAt);
                rc = 0;
            } catch (java.io.IOException e) {
                throw new BpfException("unpin link of program", program.name() + " at " + pinnedAt, 0, e.toString());
            }
        } else {
            rc = guard.call(() -> Libbpf.bpf_link__unpin(handle));
        }
        if (rc < 0) {
            throw new BpfException("unpin link of program", program.name(), -rc, Environment.hintFor(-rc));
        }
        pinnedAt = null;
    }

    /** Detaches the program; idempotent. */
    @Override
    public void close() {
        // A pin or fd call in flight finishes before libbpf frees the link.
        guard.close();
        cleanable.clean();
    }

    private void requireOpen(String operation) {
        if (state.closed.get()) {
            throw new IllegalStateException("cannot " + operation + " the link of program " + program.name()
                    + ": the link is closed");
        }
    }

    /** What the cleaner needs: no reference back to the link. */
    private static final class State implements Runnable {
        private final MemorySegment handle;
        private final Runnable detach;
        private final AtomicBoolean closed = new AtomicBoolean();

        State(MemorySegment handle, Runnable detach) {
            this.handle = handle;
            this.detach = detach;
        }

        @Override
        public void run() {
            if (closed.compareAndSet(false, true)) {
                if (detach != null) {
                    detach.run();
                } else {
                    Libbpf.bpf_link__destroy(handle);
                }
            }
        }
    }
}
