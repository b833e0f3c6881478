package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.Libbpf;
import dev.bpfj.runtime.internal.libbpf.LibbpfAttach;
import dev.bpfj.runtime.internal.libbpf.LibbpfLog;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An attachment of a program to a hook. Closing the link detaches the program (unless the link
 * was pinned, in which case the pin keeps it alive). Links are also owned by their object and
 * closed with it; closing one earlier is fine.
 *
 * <p>One {@code BpfLink} may stand for several kernel links made by one call, such as
 * {@link BpfProgram#attachPerfEvent(PerfEventSpec)}'s link per CPU: they are closed together, and
 * {@link #kernelLinks()} says how many there are. A link pinned on bpffs can be opened again, by this
 * or another process, with {@link #openPinned(Path)}.
 */
public final class BpfLink implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();

    private volatile BpfProgram program;
    private final MemorySegment handle;
    private final List<MemorySegment> handles;
    /** What error messages call this link: the program's name, or the pin it was opened from. */
    private final String label;
    private final State state;
    private final Cleaner.Cleanable cleanable;
    /** Keeps the link alive across native calls on it; see {@link UseGuard}. */
    private final UseGuard guard;
    private Path pinnedAt;
    /** The kernel link fd of an attachment libbpf does not manage, or -1. */
    private final int rawFd;

    BpfLink(BpfProgram program, MemorySegment handle) {
        this(program, List.of(handle), null);
    }

    /** A link over several kernel links (for example one per CPU), closed together; {@code handles} is not empty. */
    BpfLink(BpfProgram program, List<MemorySegment> handles, Path pinnedAt) {
        this(program, handles, pinnedAt, program != null ? program.name() : "pinned at " + pinnedAt);
    }

    /** A link with its own label for messages, for links of no program (a struct_ops registration). */
    BpfLink(BpfProgram program, List<MemorySegment> handles, Path pinnedAt, String label) {
        this.program = program;
        this.handles = List.copyOf(handles);
        this.handle = this.handles.getFirst();
        this.pinnedAt = pinnedAt;
        this.label = label;
        this.guard = new UseGuard(() -> "the link of " + label + " is closed");
        this.rawFd = -1;
        this.state = new State(this.handles, null);
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
        this.handles = List.of();
        this.label = program.name();
        this.rawFd = fd;
        this.guard = new UseGuard(() -> "the link of program " + program.name() + " is closed");
        this.state = new State(List.of(), detach);
        this.cleanable = CLEANER.register(this, state);
    }

    /**
     * Opens a link pinned on bpffs (by {@link #pin(Path)} here or in another process, or by
     * {@code bpftool link pin}). The returned link belongs to the caller, not to any object; closing
     * it closes this process's handle only: the pin keeps the attachment alive until
     * {@link #unpin()} (or removing the file) and the last handle are gone.
     *
     * @throws BpfException when nothing is pinned there or it is not a link
     */
    public static BpfLink openPinned(Path path) {
        Objects.requireNonNull(path, "path");
        Native.ensureLibbpf();
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment link = LibbpfAttach.bpf_link__open(capture, arena.allocateFrom(path.toString()));
            if (link.equals(MemorySegment.NULL)) {
                int errno = Native.errno(capture);
                String hint = errno == Errno.ENOENT ? "nothing is pinned at " + path
                        : errno == Errno.EINVAL ? "the pinned object at " + path + " is not a BPF link (a map or program?)"
                        : BpfMap.pinHint(path, errno);
                throw new BpfException("open pinned link", path.toString(), errno, hint, log.lastWarnings(3));
            }
            log.log();
            return new BpfLink(null, List.of(link), path);
        }
    }

    /**
     * The program this link attached; null for a link opened with {@link #openPinned(Path)} (whose
     * program belongs to no object here) until {@link #updateProgram(BpfProgram)} sets one, and for
     * a struct_ops registration ({@link BpfMap#attachStructOps()}).
     */
    public BpfProgram program() {
        return program;
    }

    /**
     * The link's file descriptor (-1 for attachments that have none: old-style perf events, XDP
     * attached through netlink, clsact tc filters, socket filters and sockmap programs); for a
     * link over several kernel links, the first one's.
     */
    public int fd() {
        requireOpen("get the fd of");
        return handle.equals(MemorySegment.NULL) ? rawFd : guard.call(() -> Libbpf.bpf_link__fd(handle));
    }

    /** How many kernel links this link closes together: 1, or one per CPU for perf event sampling. */
    public int kernelLinks() {
        return handles.size();
    }

    /** Where this link is pinned, or null when it is not (as far as this handle knows). */
    public synchronized Path pinnedAt() {
        return pinnedAt;
    }

    /**
     * Replaces the program of this link atomically ({@code bpf_link__update_program}): the hook
     * runs {@code replacement} from now on, without a moment with no program attached. The
     * replacement must be loaded and of the same type and attach type.
     *
     * @throws BpfException when the kernel refuses (EINVAL: another program type or attach type;
     *                      EOPNOTSUPP: this kind of link cannot be updated, like a perf event or tracepoint link)
     */
    public synchronized void updateProgram(BpfProgram replacement) {
        Objects.requireNonNull(replacement, "replacement");
        requireOpen("update the program of");
        requireSingle("update the program of");
        requireLibbpfLink("update the program of");
        replacement.fd(); // checks it is loaded
        int rc = guard.call(() -> LibbpfAttach.bpf_link__update_program(handle, replacement.handle()));
        if (rc < 0) {
            int errno = -rc;
            String hint = errno == Errno.EINVAL ? "the replacement " + replacement.name()
                    + " must have the same program type and attach type as the linked program"
                    : errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP
                    ? "this kind of link cannot change its program (perf event, tracepoint and kprobe links cannot); close it and attach the replacement"
                    : Environment.hintFor(errno);
            throw new BpfException("update program of link", label + " to " + replacement.name(), errno, hint);
        }
        program = replacement;
    }

    /**
     * Detaches the program from its hook while keeping this handle (and any pin) open: the
     * kernel link becomes defunct ({@code bpf_link__detach}). This is how a pinned link is
     * detached for every process at once. Closing the link is still needed.
     *
     * @throws BpfException when the kernel refuses (EOPNOTSUPP for link kinds that cannot detach
     *                      early, like perf event links on older kernels)
     */
    public synchronized void detach() {
        requireOpen("detach");
        requireLibbpfLink("detach");
        for (MemorySegment each : handles) {
            int rc = guard.call(() -> LibbpfAttach.bpf_link__detach(each));
            if (rc < 0) {
                int errno = -rc;
                throw new BpfException("detach link", label, errno, errno == Errno.EOPNOTSUPP || errno == Errno.EINVAL
                        ? "this link kind cannot be detached while open; close it instead" : Environment.hintFor(errno));
            }
        }
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
        Objects.requireNonNull(path, "path");
        requireOpen("pin");
        requireSingle("pin");
        boolean raw = handle.equals(MemorySegment.NULL);
        if (raw && rawFd < 0) {
            throw new IllegalStateException("cannot pin the attachment of program " + label
                    + ": it is not a kernel link (netlink XDP, tc filter, socket filter and sockmap attachments cannot be pinned)");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pathString = arena.allocateFrom(path.toString());
            int rc = raw ? guard.call(() -> Libbpf.bpf_obj_pin(rawFd, pathString))
                    : guard.call(() -> Libbpf.bpf_link__pin(handle, pathString));
            if (rc < 0) {
                throw new BpfException("pin link of program", label + " at " + path, -rc,
                        BpfMap.pinHint(path, -rc));
            }
        }
        pinnedAt = path;
    }

    /**
     * Removes the pin created by {@link #pin(Path)} (or the one {@link #openPinned(Path)} opened):
     * the attachment then lives only as long as its open handles.
     */
    public synchronized void unpin() {
        requireOpen("unpin");
        if (pinnedAt == null) {
            throw new IllegalStateException("link of program " + label + " is not pinned");
        }
        // An attachment libbpf does not manage has no libbpf pin path: its pin is just a file on bpffs.
        int rc = handle.equals(MemorySegment.NULL) ? -Errno.EINVAL : guard.call(() -> Libbpf.bpf_link__unpin(handle));
        if (rc < 0) {
            int errno = -rc;
            if (errno == Errno.EINVAL) {
                // libbpf keeps no pin path for some opened links: the pin is just a file on bpffs.
                try {
                    Files.delete(pinnedAt);
                } catch (java.io.IOException e) {
                    throw new BpfException("unpin link", label + " at " + pinnedAt, errno, "could not remove the file: " + e.getMessage());
                }
            } else {
                throw new BpfException("unpin link of program", label, errno, Environment.hintFor(errno));
            }
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
            throw new IllegalStateException("cannot " + operation + " the link of program " + label
                    + ": the link is closed");
        }
    }

    private void requireLibbpfLink(String operation) {
        if (handle.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("cannot " + operation + " the attachment of program " + label
                    + ": it was made without a libbpf link (networking kinds); close it and attach again");
        }
    }

    private void requireSingle(String operation) {
        if (handles.size() > 1) {
            throw new IllegalStateException("cannot " + operation + " the link of program " + label + ": it stands for "
                    + handles.size() + " kernel links (one per CPU); pin or update programs of single links only");
        }
    }

    /** What the cleaner needs: no reference back to the link. */
    private static final class State implements Runnable {
        private final List<MemorySegment> handles;
        private final Runnable detach;
        private final AtomicBoolean closed = new AtomicBoolean();

        State(List<MemorySegment> handles, Runnable detach) {
            this.handles = handles;
            this.detach = detach;
        }

        @Override
        public void run() {
            if (closed.compareAndSet(false, true)) {
                if (detach != null) {
                    detach.run();
                }
                // libbpf closes a perf event link's perf event fd with the link.
                for (MemorySegment handle : handles) {
                    Libbpf.bpf_link__destroy(handle);
                }
            }
        }
    }
}
