package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.LibbpfLog;
import dev.bpfj.runtime.internal.libbpf.Libbpf;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One program of a {@link BpfObject}, named after its C function. Autoload may be switched
 * before load; after load the program can be attached, which returns a {@link BpfLink} that the
 * object also owns.
 */
public final class BpfProgram {

    private static final long UPROBE_OPTS_SIZE = 40;

    private final BpfObject object;
    private final MemorySegment handle;
    private final String name;
    private final String sectionName;

    BpfProgram(BpfObject object, MemorySegment handle) {
        this.object = object;
        this.handle = handle;
        this.name = Native.string(Libbpf.bpf_program__name(handle));
        this.sectionName = Native.string(Libbpf.bpf_program__section_name(handle));
    }

    /** The C function name. */
    public String name() {
        return name;
    }

    /** The ELF section, which libbpf reads the program type and hook from, like {@code tp/syscalls/sys_enter_openat}. */
    public String sectionName() {
        return sectionName;
    }

    /** The program type libbpf derived from the section. */
    public ProgramType type() {
        requireNotClosed("get the type of");
        return ProgramType.of(Libbpf.bpf_program__type(handle));
    }

    /** The object this program belongs to. */
    public BpfObject object() {
        return object;
    }

    /** Whether load() loads this program (true unless switched off). */
    public boolean autoload() {
        requireNotClosed("get autoload of");
        return Libbpf.bpf_program__autoload(handle);
    }

    /** Switches loading this program on or off; only between open and load. */
    public void autoload(boolean autoload) {
        synchronized (object) {
            object.requirePhase(BpfObject.Phase.OPENED, "set autoload of program " + name);
            int rc = Libbpf.bpf_program__set_autoload(handle, autoload);
            if (rc < 0) {
                throw new BpfException("set autoload of program", name, -rc, null);
            }
        }
    }

    /** The program's file descriptor; needs the object loaded and this program's autoload on. */
    public int fd() {
        object.requirePhase(BpfObject.Phase.LOADED, "get the fd of program " + name);
        int fd = Libbpf.bpf_program__fd(handle);
        if (fd < 0) {
            throw new IllegalStateException("program " + name + " of object " + object.name()
                    + " was not loaded (its autoload was off)");
        }
        return fd;
    }

    /** The kernel's information about the loaded program: id, tag, sizes, map ids and more. */
    public ProgramInfo info() {
        return BpfSystem.programInfo(fd(), name);
    }

    /**
     * Attaches the program where its section says, with libbpf's auto-attach
     * ({@code tp/<category>/<name>}, {@code raw_tp/<name>}, {@code kprobe/<function>},
     * {@code uprobe/<binary>:<function>}, {@code tp_btf/…}, {@code fentry/…}, …).
     *
     * @throws BpfException when the section names no hook libbpf can attach to, or the kernel refuses
     */
    public BpfLink attach() {
        BpfLink link = autoAttach(true);
        return Objects.requireNonNull(link);
    }

    /** Auto-attach; returns null for sections libbpf cannot auto-attach when {@code strict} is off. */
    BpfLink autoAttach(boolean strict) {
        if (sectionName.startsWith("tp/") || sectionName.startsWith("tracepoint/")) {
            requireTracefs();
        }
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment link = attachWith(capture, "attach program", () -> Libbpf.bpf_program__attach(capture, handle));
            if (link == null) {
                int errno = Native.errno(capture);
                if (!strict && (errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP)) {
                    return null;
                }
                throw attachFailure("attach program", errno, log, errno == Errno.EOPNOTSUPP
                        ? "libbpf cannot attach section " + sectionName + " by itself; use attachTracepoint, "
                        + "attachRawTracepoint, attachKprobe or attachUprobe" : null);
            }
            log.log();
            return register(link);
        }
    }

    /** Attaches to the tracepoint {@code category:name}, like {@code syscalls:sys_enter_openat}. */
    public BpfLink attachTracepoint(String category, String tracepoint) {
        requireTracefs();
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment link = attachWith(capture, "attach program", () -> Libbpf.bpf_program__attach_tracepoint(
                    capture, handle, arena.allocateFrom(category), arena.allocateFrom(tracepoint)));
            if (link == null) {
                int errno = Native.errno(capture);
                throw attachFailure("attach program", errno, log, errno == Errno.ENOENT
                        ? "no tracepoint " + category + ":" + tracepoint + " (see " + Environment.tracefs()
                        + "/events/" + category + ")" : null);
            }
            log.log();
            return register(link);
        }
    }

    /** Attaches to the raw tracepoint {@code name}, like {@code sys_enter}. */
    public BpfLink attachRawTracepoint(String tracepoint) {
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment link = attachWith(capture, "attach program", () -> Libbpf.bpf_program__attach_raw_tracepoint(
                    capture, handle, arena.allocateFrom(tracepoint)));
            if (link == null) {
                throw attachFailure("attach program", Native.errno(capture), log, null);
            }
            log.log();
            return register(link);
        }
    }

    /** Attaches a kprobe (or kretprobe) to the kernel function {@code function}. */
    public BpfLink attachKprobe(boolean retprobe, String function) {
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment link = attachWith(capture, "attach program", () -> Libbpf.bpf_program__attach_kprobe(
                    capture, handle, retprobe, arena.allocateFrom(function)));
            if (link == null) {
                int errno = Native.errno(capture);
                throw attachFailure("attach program", errno, log, errno == Errno.ENOENT
                        ? "no kernel function " + function + " can be probed (see /proc/kallsyms)" : null);
            }
            log.log();
            return register(link);
        }
    }

    /**
     * Attaches a uprobe (or uretprobe) at {@code offset} in {@code binary}.
     *
     * @param pid the process to probe, or -1 for every process running the binary
     */
    public BpfLink attachUprobe(boolean retprobe, int pid, Path binary, long offset) {
        return uprobe(retprobe, pid, binary, offset, null);
    }

    /**
     * Attaches a uprobe (or uretprobe) at the function {@code function} of {@code binary} (an
     * executable or shared library); libbpf resolves the symbol.
     *
     * @param pid the process to probe, or -1 for every process running the binary
     */
    public BpfLink attachUprobe(boolean retprobe, int pid, Path binary, String function) {
        return uprobe(retprobe, pid, binary, 0, Objects.requireNonNull(function, "function"));
    }

    private BpfLink uprobe(boolean retprobe, int pid, Path binary, long offset, String function) {
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            MemorySegment opts = arena.allocate(UPROBE_OPTS_SIZE, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, UPROBE_OPTS_SIZE);
            opts.set(ValueLayout.JAVA_BOOLEAN, 24, retprobe);
            if (function != null) {
                opts.set(ValueLayout.ADDRESS, 32, arena.allocateFrom(function));
            }
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment link = attachWith(capture, "attach program", () -> Libbpf.bpf_program__attach_uprobe_opts(
                    capture, handle, pid, arena.allocateFrom(binary.toString()), offset, opts));
            if (link == null) {
                int errno = Native.errno(capture);
                throw attachFailure("attach program", errno, log, errno == Errno.ENOENT
                        ? "no " + binary + (function == null ? "" : " or no symbol " + function + " in it") : null);
            }
            log.log();
            return register(link);
        }
    }

    private MemorySegment attachWith(MemorySegment capture, String operation, Supplier<MemorySegment> call) {
        object.requirePhase(BpfObject.Phase.LOADED, operation + " " + name);
        if (Libbpf.bpf_program__fd(handle) < 0) {
            throw new IllegalStateException("cannot attach program " + name + " of object " + object.name()
                    + ": it was not loaded (its autoload was off)");
        }
        MemorySegment link = call.get();
        return link.equals(MemorySegment.NULL) ? null : link;
    }

    private BpfException attachFailure(String operation, int errno, LibbpfLog.Capture log, String hint) {
        String environmentHint = Environment.hintFor(errno);
        return new BpfException(operation, name + " (" + sectionName + ")", errno,
                environmentHint != null ? environmentHint : hint, log.lastWarnings(4));
    }

    private BpfLink register(MemorySegment handleOfLink) {
        BpfLink link = new BpfLink(this, handleOfLink);
        object.register(link);
        return link;
    }

    private void requireTracefs() {
        if (Environment.tracefs() == null) {
            throw new BpfException("attach program", name + " (" + sectionName + ")", 0, Environment.TRACEFS_HINT);
        }
    }

    private void requireNotClosed(String action) {
        if (object.phase() == BpfObject.Phase.CLOSED) {
            throw new IllegalStateException("cannot " + action + " program " + name + ": object "
                    + object.name() + " is closed");
        }
    }

    /**
     * Runs the loaded program once (or {@link TestRunRequest#repeat()} times) in the kernel on the
     * request's data and context, without attaching it ({@code BPF_PROG_TEST_RUN}), and returns
     * its return value, the data and context as the program left them, and the time per run. Maps
     * see the run like any other: counters it bumps and ring buffer records it emits are there
     * afterwards.
     *
     * @throws IllegalArgumentException when the request does not fit the program's type (for example
     *                                  data for a raw_tp program)
     * @throws BpfException             when the kernel refuses: types it cannot test-run (tracepoint,
     *                                  kprobe, perf_event, …) name the types it can; too small output
     *                                  buffers name the size needed
     */
    public TestRunResult testRun(TestRunRequest request) {
        Objects.requireNonNull(request, "request");
        return TestRuns.run(this, fd(), type(), request);
    }

    @Override
    public String toString() {
        return "BpfProgram[" + name + " (" + sectionName + ") of " + object.name() + "]";
    }
}
