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

    BpfLink(BpfProgram program, MemorySegment handle) {
        this.program = program;
        this.handle = handle;
        this.guard = new UseGuard(() -> "the link of program " + program.name() + " is closed");
        this.state = new State(handle);
        this.cleanable = CLEANER.register(this, state);
    }

    /** The program this link attached. */
    public BpfProgram program() {
        return program;
    }

    /** The link's file descriptor (-1 for attachments that have none, such as old-style perf events). */
    public int fd() {
        requireOpen("get the fd of");
        return guard.call(() -> Libbpf.bpf_link__fd(handle));
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
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pathString = arena.allocateFrom(path.toString());
            int rc = guard.call(() -> Libbpf.bpf_link__pin(handle, pathString));
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
        int rc = guard.call(() -> Libbpf.bpf_link__unpin(handle));
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
        private final AtomicBoolean closed = new AtomicBoolean();

        State(MemorySegment handle) {
            this.handle = handle;
        }

        @Override
        public void run() {
            if (closed.compareAndSet(false, true)) {
                Libbpf.bpf_link__destroy(handle);
            }
        }
    }
}
