package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.LibbpfLog;
import dev.bpfj.runtime.internal.libbpf.Libbpf;
import dev.bpfj.runtime.internal.libbpf.LibbpfAttach;
import dev.bpfj.runtime.internal.libbpf.LibbpfNet;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
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
        NetfilterAttachment.prepare(handle, sectionName); // SEC("netfilter") on libbpf < 1.3
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
        return ProgramType.of(object.guard().call(() -> Libbpf.bpf_program__type(handle)));
    }

    /** The object this program belongs to. */
    public BpfObject object() {
        return object;
    }

    /** Whether load() loads this program (true unless switched off). */
    public boolean autoload() {
        requireNotClosed("get autoload of");
        return object.guard().call(() -> Libbpf.bpf_program__autoload(handle));
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

    /**
     * Sets the program type (and the attach type the kernel expects at load, {@code null} for
     * none) between open and load, whatever the section says: for a section libbpf does not know,
     * or to load a function as another type, as libxdp's loaders do. An old-style section that
     * libbpf 1.0 stopped recognising ({@code SEC("xdp_router")}, {@code SEC("classifier")} and the
     * like) gets its type at open without this call.
     *
     * @throws IllegalStateException once the object is loaded or closed
     */
    public void type(ProgramType type, AttachType expectedAttachType) {
        Objects.requireNonNull(type, "type");
        if (type == ProgramType.UNKNOWN) {
            throw new IllegalArgumentException("program " + name + ": UNKNOWN is not a program type the kernel loads");
        }
        synchronized (object) {
            object.requirePhase(BpfObject.Phase.OPENED, "set the type of program " + name);
            int rc = LibbpfNet.bpf_program__set_type(handle, type.value());
            if (rc == 0 && expectedAttachType != null) {
                rc = LibbpfNet.bpf_program__set_expected_attach_type(handle, expectedAttachType.value());
            }
            if (rc < 0) {
                throw new BpfException("set the type of program", name, -rc, null);
            }
        }
    }

    /** The program's file descriptor; needs the object loaded and this program's autoload on. */
    public int fd() {
        int fd = enterFd();
        exitFd();
        return fd;
    }

    /**
     * Enters the object's {@link UseGuard} and returns the program's fd, which stays this
     * program's until {@link #exitFd()}: native calls that take the fd go between the two.
     *
     * @throws IllegalStateException when the object is closed, not loaded, or the program was not loaded
     */
    int enterFd() {
        object.guard().enter();
        try {
            object.requirePhase(BpfObject.Phase.LOADED, "get the fd of program " + name);
            int fd = Libbpf.bpf_program__fd(handle);
            if (fd < 0) {
                throw new IllegalStateException("program " + name + " of object " + object.name()
                        + " was not loaded (its autoload was off)");
            }
            return fd;
        } catch (RuntimeException e) {
            object.guard().exit();
            throw e;
        }
    }

    /** Leaves the guard entered by {@link #enterFd()}. */
    void exitFd() {
        object.guard().exit();
    }

    /** The kernel's information about the loaded program: id, tag, sizes, map ids and more. */
    public ProgramInfo info() {
        int fd = enterFd();
        try {
            return BpfSystem.programInfo(fd, name);
        } finally {
            exitFd();
        }
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
                        + "attachRawTracepoint, attachKprobe or attachUprobe" : errno == Errno.ENOENT ? missingHookHint() : null);
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
                throw attachFailure("attach program", errno, log, errno == Errno.ENOENT ? kprobeHint(function) : null);
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
        // The guard keeps libbpf's program (and its fd) alive until the attach returns.
        UseGuard guard = object.guard();
        guard.enter();
        try {
            object.requirePhase(BpfObject.Phase.LOADED, operation + " " + name);
            if (Libbpf.bpf_program__fd(handle) < 0) {
                throw new IllegalStateException("cannot attach program " + name + " of object " + object.name()
                        + ": it was not loaded (its autoload was off)");
            }
            MemorySegment link = call.get();
            return link.equals(MemorySegment.NULL) ? null : link;
        } finally {
            guard.exit();
        }
    }

    /**
     * Runs an attach that works on the program's fd itself (the networking kinds) inside the
     * object's guard, so that a racing {@link BpfObject#close()} cannot release the fd, and let
     * another program take its number, between reading it and handing it to the kernel.
     */
    private <T> T holdingObject(Supplier<T> attach) {
        UseGuard guard = object.guard();
        guard.enter();
        try {
            return attach.get();
        } finally {
            guard.exit();
        }
    }

    /** Why the hook an auto-attached section names does not exist (ENOENT), for the kinds where that is clear. */
    private String missingHookHint() {
        String section = sectionName;
        int slash = section.indexOf('/');
        String kind = slash < 0 ? section : section.substring(0, slash);
        String target = slash < 0 ? "" : section.substring(slash + 1);
        return switch (kind) {
            case "kprobe", "kretprobe", "ksyscall", "kretsyscall" -> kprobeHint(target.isEmpty() ? "(none named)" : target);
            case "tp", "tracepoint" -> "this kernel has no tracepoint " + target + " (tracefs lists the ones it has under "
                    + "events/; it may be named differently on this kernel or architecture, or belong to a module that"
                    + " is not loaded)";
            default -> null;
        };
    }

    /** Why a kprobe on {@code function} cannot be made: no kprobes at all, or no such function. */
    static String kprobeHint(String function) {
        boolean kprobes = java.nio.file.Files.exists(java.nio.file.Path.of("/sys/kernel/tracing/kprobe_events"))
                || java.nio.file.Files.exists(java.nio.file.Path.of("/sys/kernel/debug/tracing/kprobe_events"));
        return kprobes ? "no kernel function " + function + " can be probed (not in /proc/kallsyms, inlined, renamed, "
                + "or in a module that is not loaded)"
                : "this kernel cannot attach kprobes: tracefs has no kprobe_events (a kernel built without "
                + "CONFIG_KPROBES, or tracefs not mounted at /sys/kernel/tracing); tracepoints, or fentry/fexit where the "
                + "kernel allows BPF trampolines, can often observe the same event";
    }

    private BpfException attachFailure(String operation, int errno, LibbpfLog.Capture log, String hint) {
        String environmentHint = Environment.hintFor(errno);
        String reason = log.lastWarnings(4);
        if (environmentHint == null && hint == null && errno == Errno.EINVAL) {
            // A bare EINVAL says nothing by itself; the program's type and libbpf's words say what did not fit.
            hint = "the kernel refused to attach this " + type() + " program here (a program's type, set by its section, "
                    + "must match the kind of hook it is attached to)"
                    + (reason.isBlank() ? "; libbpf logged no reason" : "; libbpf's reason follows");
        }
        return new BpfException(operation, name + " (" + sectionName + ")", errno,
                environmentHint != null ? environmentHint : hint, reason);
    }

    private BpfLink register(MemorySegment handleOfLink) {
        BpfLink link = new BpfLink(this, handleOfLink);
        object.register(link);
        return link;
    }

    private void requireTracefs() {
        if (Environment.tracefs() == null) {
            throw Environment.tracefsFailure("attach program", name + " (" + sectionName + ")");
        }
    }

    private void requireNotClosed(String action) {
        if (object.phase() == BpfObject.Phase.CLOSED) {
            throw new IllegalStateException("cannot " + action + " program " + name + ": object "
                    + object.name() + " is closed");
        }
    }

    // ---- attach kinds beyond tracing (perf events, iterators, USDT, multi probes, BTF targets, pinning) ----

    /**
     * Samples with a perf event on every online CPU and runs this {@code SEC("perf_event")}
     * program on each sample ({@code perf_event_open} per CPU, then
     * {@code bpf_program__attach_perf_event}). The returned link closes the per-CPU links and
     * their perf events together.
     *
     * @throws BpfException naming the CPU when a perf event cannot be opened (for hardware events
     *                      on machines without a PMU, use {@link PerfEventSpec#softwareCpuClock(long)})
     *                      or the kernel refuses the attach; links made before the failure are closed
     */
    public BpfLink attachPerfEvent(PerfEventSpec spec) {
        Objects.requireNonNull(spec, "spec");
        requireLoadedForAttach("attach program");
        List<MemorySegment> links = spec.openAndAttach(this);
        BpfLink link = new BpfLink(this, links, null);
        object.register(link);
        return link;
    }

    /**
     * Creates the iterator link of this {@code SEC("iter/…")} program with no parameters and
     * returns it as a {@link BpfIterator}, whose {@link BpfIterator#readString()} runs the
     * iterator once and returns its output.
     */
    public BpfIterator iterate() {
        return iterate(IteratorOptions.none());
    }

    /**
     * Creates the iterator link of this {@code SEC("iter/…")} program with parameters (the map
     * of a {@code bpf_map_elem} iterator, the cgroup and walk order of a {@code cgroup}
     * iterator, the task of a {@code task}/{@code task_file}/{@code task_vma} iterator).
     */
    public BpfIterator iterate(IteratorOptions options) {
        Objects.requireNonNull(options, "options");
        return options.attach(this);
    }

    /**
     * Attaches a uprobe (or uretprobe, by the options) to {@code binary}, an executable or shared
     * library: at a function (libbpf resolves the symbol from the ELF, plus the offset), or at a raw
     * offset when no function is given.
     */
    public BpfLink attachUprobe(Path binary, UprobeOptions options) {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(options, "options");
        requireBinary(binary);
        return options.attach(this, binary);
    }

    /**
     * Attaches this {@code SEC("usdt")} program to the USDT probe {@code provider:name} of
     * {@code binary} ({@code bpf_program__attach_usdt}); the program reads the probe's arguments with
     * {@code bpf_usdt_arg()} from {@code <bpf/usdt.bpf.h>}.
     *
     * @param pid the process to probe, or -1 for every process running the binary
     * @throws BpfException when the binary has no such probe (ENOENT) or the kernel refuses
     */
    public BpfLink attachUsdt(int pid, Path binary, String provider, String name) {
        return attachUsdt(pid, binary, provider, name, 0);
    }

    /**
     * Like {@link #attachUsdt(int, Path, String, String)} with a cookie the program reads with
     * {@code bpf_usdt_cookie()}.
     */
    public BpfLink attachUsdt(int pid, Path binary, String provider, String name, long cookie) {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(name, "name");
        requireBinary(binary);
        String target = "USDT " + provider + ":" + name + " in " + binary + (pid >= 0 ? " (pid " + pid + ")" : "");
        return attachCall(target, (arena, capture, program) -> {
            MemorySegment opts = arena.allocate(16, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 16);
            opts.set(ValueLayout.JAVA_LONG, 8, cookie);
            return LibbpfAttach.bpf_program__attach_usdt(capture, program, pid, arena.allocateFrom(binary.toString()),
                    arena.allocateFrom(provider), arena.allocateFrom(name), opts);
        }, errno -> errno == Errno.ENOENT ? "no USDT probe " + provider + ":" + name + " in " + binary
                + " (list them with: readelf -n " + binary + " | grep -A3 stapsdt)" : null);
    }

    /**
     * Attaches this {@code SEC("kprobe.multi")} program to every kernel function matching the glob
     * {@code pattern} (like {@code "vfs_*"}) with one BPF link ({@code bpf_program__attach_kprobe_multi_opts};
     * kernel 5.18+ with {@code CONFIG_FPROBE}).
     */
    public BpfLink attachKprobeMulti(boolean retprobe, String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        return kprobeMulti(retprobe, pattern, null);
    }

    /** Attaches this {@code SEC("kprobe.multi")} program to each of the named kernel functions with one BPF link. */
    public BpfLink attachKprobeMulti(boolean retprobe, List<String> functions) {
        if (functions.isEmpty()) {
            throw new IllegalArgumentException("attach program " + name + ": kprobe.multi needs at least one function");
        }
        return kprobeMulti(retprobe, null, List.copyOf(functions));
    }

    private BpfLink kprobeMulti(boolean retprobe, String pattern, List<String> functions) {
        String target = "kprobe.multi " + (pattern != null ? pattern : String.join(",", functions));
        return attachCall(target, (arena, capture, program) -> {
            MemorySegment opts = arena.allocate(48, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 48);
            if (functions != null) {
                MemorySegment syms = arena.allocate(ValueLayout.ADDRESS, functions.size());
                for (int i = 0; i < functions.size(); i++) {
                    syms.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(functions.get(i)));
                }
                opts.set(ValueLayout.ADDRESS, 8, syms);
                opts.set(ValueLayout.JAVA_LONG, 32, functions.size());
            }
            opts.set(ValueLayout.JAVA_BOOLEAN, 40, retprobe);
            return LibbpfAttach.bpf_program__attach_kprobe_multi_opts(capture, program,
                    pattern == null ? MemorySegment.NULL : arena.allocateFrom(pattern), opts);
        }, errno -> errno == Errno.ENOENT ? "no kernel function matches; see /sys/kernel/tracing/available_filter_functions"
                : errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP || errno == Errno.EINVAL || errno == Errno.ESRCH
                ? "this kernel cannot attach kprobe.multi links (needs Linux 5.18+ built with CONFIG_FPROBE and CONFIG_KPROBES)" : null);
    }

    /**
     * Attaches this {@code SEC("uprobe.multi")} program to every function of {@code binary}
     * matching the glob {@code functionPattern}, with one BPF link
     * ({@code bpf_program__attach_uprobe_multi}: needs libbpf 1.2+ and Linux 6.6+).
     *
     * @param pid the process to probe, or -1 for every process running the binary
     * @throws BpfException saying "needs libbpf &gt;= 1.2" with an older libbpf
     */
    public BpfLink attachUprobeMulti(boolean retprobe, int pid, Path binary, String functionPattern) {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(functionPattern, "functionPattern");
        requireLoadedForAttach("attach program");
        requireBinary(binary);
        String target = "uprobe.multi " + binary + ":" + functionPattern;
        if (!LibbpfAttach.has("bpf_program__attach_uprobe_multi")) {
            throw new BpfException("attach program", name + " (" + sectionName + ") to " + target, 0,
                    "uprobe.multi needs libbpf >= 1.2, but this machine has libbpf " + Native.libbpfVersion()
                    + "; install a newer libbpf, or attach one uprobe per function with attachUprobe");
        }
        return attachCall(target, (arena, capture, program) -> {
            MemorySegment opts = arena.allocate(56, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 56);
            opts.set(ValueLayout.JAVA_BOOLEAN, 48, retprobe);
            return LibbpfAttach.bpf_program__attach_uprobe_multi(capture, program, pid,
                    arena.allocateFrom(binary.toString()), arena.allocateFrom(functionPattern), opts);
        }, errno -> errno == Errno.ENOENT ? "no function of " + binary + " matches " + functionPattern
                : errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP || errno == Errno.EINVAL
                ? "this kernel cannot attach uprobe.multi links (needs Linux 6.6+)" : null);
    }

    /**
     * Sets the kernel function (or BTF tracepoint, or LSM hook) this {@code fentry}/{@code fexit}/
     * {@code fmod_ret}/{@code lsm}/{@code tp_btf} program attaches to, overriding its section's
     * target; only between open and load, because the kernel verifies the program against the
     * target's BTF.
     *
     * @throws IllegalStateException after load
     * @throws BpfException when libbpf refuses (the program type takes no BTF target, or no such
     *                      function in the kernel's BTF)
     */
    public void attachTarget(String function) {
        Objects.requireNonNull(function, "function");
        setAttachTarget(0, function, "kernel function " + function);
    }

    /**
     * Sets the function of another loaded BPF program that this {@code freplace} (or
     * {@code fentry}/{@code fexit}) program attaches to; only between open and load.
     *
     * @param target   a loaded program (of another object), whose BTF holds {@code function}
     * @param function a global function of {@code target}
     */
    public void attachTarget(BpfProgram target, String function) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(function, "function");
        setAttachTarget(target.fd(), function, "function " + function + " of program " + target.name());
    }

    private void setAttachTarget(int targetFd, String function, String what) {
        synchronized (object) {
            object.requirePhase(BpfObject.Phase.OPENED, "set the attach target of program " + name);
            try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
                int rc = LibbpfAttach.bpf_program__set_attach_target(handle, targetFd, arena.allocateFrom(function));
                if (rc < 0) {
                    int errno = -rc;
                    throw new BpfException("set attach target of program", name + " (" + sectionName + ") to " + what, errno,
                            errno == Errno.EINVAL ? "only fentry/fexit/fmod_ret/freplace/lsm/tp_btf programs take a BTF target"
                                    : errno == Errno.ENOENT || errno == Errno.ESRCH ? "no " + what + " in the kernel's BTF"
                                    : Environment.hintFor(errno), log.lastWarnings(3));
                }
                log.log();
            }
        }
    }

    /**
     * Pins the loaded program on bpffs ({@code bpf_program__pin}): it stays in the kernel after this
     * process exits, until {@link #unpin(Path)} (or removing the file) and its last link are gone.
     */
    public void pin(Path path) {
        Objects.requireNonNull(path, "path");
        fd();
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            int rc = LibbpfAttach.bpf_program__pin(handle, arena.allocateFrom(path.toString()));
            if (rc < 0) {
                throw new BpfException("pin program", name + " at " + path, -rc, BpfMap.pinHint(path, -rc), log.lastWarnings(3));
            }
            log.log();
        }
    }

    /** Removes the pin {@link #pin(Path)} made at {@code path}. */
    public void unpin(Path path) {
        Objects.requireNonNull(path, "path");
        fd();
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            int rc = LibbpfAttach.bpf_program__unpin(handle, arena.allocateFrom(path.toString()));
            if (rc < 0) {
                throw new BpfException("unpin program", name + " at " + path, -rc,
                        -rc == Errno.ENOENT ? "nothing is pinned at " + path : Environment.hintFor(-rc), log.lastWarnings(3));
            }
            log.log();
        }
    }

    /** libbpf's {@code struct bpf_program *}; valid until the object closes. */
    MemorySegment handle() {
        return handle;
    }

    // ---- networking and cgroup attach kinds (issue 15); each delegates to its kind's own class ----

    /**
     * Attaches an {@code SEC("xdp")} program to the interface {@code interfaceName}, in the mode the
     * kernel picks, as a BPF link (kernel 5.9+; netlink on older kernels). The table in docs/networking.md lists the sections and minimum versions.
     *
     * @throws BpfException when there is no such interface, it already has an XDP program, or the kernel refuses
     */
    public BpfLink attachXdp(String interfaceName) {
        return attachXdp(interfaceName, XdpMode.DEFAULT);
    }

    /** Attaches an {@code SEC("xdp")} program to the interface {@code interfaceName} in {@code mode}. */
    public BpfLink attachXdp(String interfaceName, XdpMode mode) {
        return attachXdp(NetAttach.ifindex(this, "XDP", interfaceName), mode, false);
    }

    /** Attaches an {@code SEC("xdp")} program to the interface with index {@code ifindex} in {@code mode}, as a BPF link. */
    public BpfLink attachXdp(int ifindex, XdpMode mode) {
        return attachXdp(ifindex, mode, false);
    }

    /**
     * Attaches an {@code SEC("xdp")} program to the interface with index {@code ifindex} in
     * {@code mode}. With {@code replace} the program goes on through netlink and replaces one
     * attached that way (closing the link then detaches ours only if it is still there); without,
     * it becomes a BPF link, which the kernel refuses on an interface that has an XDP program.
     */
    public BpfLink attachXdp(int ifindex, XdpMode mode, boolean replace) {
        return holdingObject(() -> XdpAttachment.attach(this, ifindex, Objects.requireNonNull(mode, "mode"), replace));
    }

    /**
     * Attaches a classifier program ({@code SEC("tc")}) to the tcx hook of {@code interfaceName}
     * in {@code direction}, as a BPF link without a qdisc (kernel 6.6+; any libbpf 1.x). The
     * table in docs/networking.md lists the sections and minimum versions.
     */
    public BpfLink attachTcx(String interfaceName, TcDirection direction) {
        Objects.requireNonNull(direction, "direction");
        return holdingObject(() -> TcxAttachment.attach(this, NetAttach.ifindex(this, "tcx " + direction.label(), interfaceName), direction));
    }

    /**
     * Attaches a classifier program ({@code SEC("tc")}) as a direct-action filter on the clsact
     * qdisc of {@code interfaceName} in {@code direction}, creating the qdisc when there is none
     * (classic tc, for kernels without tcx). The table in docs/networking.md lists the sections and minimum versions.
     */
    public BpfLink attachTc(String interfaceName, TcDirection direction) {
        Objects.requireNonNull(direction, "direction");
        return holdingObject(() -> TcAttachment.attach(this, NetAttach.ifindex(this, "tc " + direction.label(), interfaceName), direction));
    }

    /** Attaches a classifier program to one side of the netkit device {@code interfaceName} (kernel 6.7+). The table in docs/networking.md lists the sections and minimum versions. */
    public BpfLink attachNetkit(String interfaceName, NetkitSide side) {
        Objects.requireNonNull(side, "side");
        return holdingObject(() -> NetkitAttachment.attach(this, NetAttach.ifindex(this, "netkit", interfaceName), side));
    }

    /**
     * Attaches a cgroup program (cgroup_skb, cgroup/sock_create, cgroup/connect4 and the other
     * sock_addr hooks, sockopt, sysctl, device, sockops) to the cgroup v2 directory
     * {@code cgroupDirectory}, as a BPF link (kernel 5.7+). The table in docs/networking.md lists the sections and minimum versions.
     */
    public BpfLink attachCgroup(Path cgroupDirectory) {
        return holdingObject(() -> CgroupAttachment.attach(this, Objects.requireNonNull(cgroupDirectory, "cgroupDirectory")));
    }

    /** Attaches a cgroup program to the cgroup v2 directory open as {@code cgroupFd}; the fd stays the caller's. */
    public BpfLink attachCgroup(int cgroupFd) {
        return holdingObject(() -> CgroupAttachment.attach(this, cgroupFd));
    }

    /**
     * Attaches an {@code SEC("socket")} filter to the socket {@code socketFd}
     * ({@code SO_ATTACH_BPF}); closing the link detaches it. The table in docs/networking.md lists the sections and minimum versions.
     */
    public BpfLink attachSocket(int socketFd) {
        return holdingObject(() -> SocketFilterAttachment.attach(this, socketFd));
    }

    /**
     * Attaches an {@code SEC("sk_lookup")} or {@code SEC("flow_dissector")} program to the network
     * namespace whose file is {@code netnsFile} (like {@code /proc/self/ns/net}). The table in docs/networking.md lists the sections and minimum versions.
     */
    public BpfLink attachNetns(Path netnsFile) {
        return holdingObject(() -> NetnsAttachment.attach(this, Objects.requireNonNull(netnsFile, "netnsFile")));
    }

    /**
     * Attaches an {@code SEC("sk_msg")} or {@code SEC("sk_skb/...")} program to a sockmap or
     * sockhash; closing the link detaches it. The table in docs/networking.md lists the sections and minimum versions.
     */
    public BpfLink attachSockMap(BpfMap sockmap) {
        return holdingObject(() -> SockMapAttachment.attach(this, Objects.requireNonNull(sockmap, "sockmap")));
    }

    /**
     * Attaches an {@code SEC("netfilter")} program at {@code hook} for IPv4 ({@code INET}) or IPv6
     * ({@code INET6}) packets with {@code priority} (lower runs first; iptables' filter table is at
     * 0), as a BPF link (kernel 6.4+). The table in docs/networking.md lists the sections and minimum versions.
     */
    public BpfLink attachNetfilter(java.net.StandardProtocolFamily family, NetfilterHook hook, int priority) {
        return holdingObject(() -> NetfilterAttachment.attach(this, Objects.requireNonNull(family, "family"),
                Objects.requireNonNull(hook, "hook"), priority));
    }

    /** One libbpf call that returns a {@code struct bpf_link *}, NULL with errno on failure. */
    interface NativeAttach {
        MemorySegment attach(Arena arena, MemorySegment capture, MemorySegment program);
    }

    /**
     * Runs {@code call} on this loaded program and registers the link with the object; on failure
     * throws a {@link BpfException} naming the program, {@code target}, the errno and the hint
     * {@code hints} gives for it (an environment hint, like missing privileges, comes first).
     */
    BpfLink attachCall(String target, NativeAttach call, IntFunction<String> hints) {
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment link = attachWith(capture, "attach program", () -> call.attach(arena, capture, handle));
            if (link == null) {
                int errno = Native.errno(capture);
                String environmentHint = Environment.hintFor(errno);
                throw new BpfException("attach program", name + " (" + sectionName + ") to " + target, errno,
                        environmentHint != null ? environmentHint : hints.apply(errno), log.lastWarnings(4));
            }
            log.log();
            return register(link);
        }
    }

    /** Throws unless the object is loaded and this program with it. */
    void requireLoadedForAttach(String operation) {
        object.requirePhase(BpfObject.Phase.LOADED, operation + " " + name);
        if (Libbpf.bpf_program__fd(handle) < 0) {
            throw new IllegalStateException("cannot attach program " + name + " of object " + object.name()
                    + ": it was not loaded (its autoload was off)");
        }
    }

    private void requireBinary(Path binary) {
        if (!Files.isRegularFile(binary)) {
            throw new BpfException("attach program", name + " (" + sectionName + ") to " + binary, Errno.ENOENT,
                    "no such executable or shared library (give its full path, e.g. from /proc/<pid>/maps)");
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
        int fd = enterFd(); // the fd stays this program's until the run returns
        try {
            return TestRuns.run(this, fd, type(), request);
        } finally {
            exitFd();
        }
    }

    @Override
    public String toString() {
        return "BpfProgram[" + name + " (" + sectionName + ") of " + object.name() + "]";
    }
}
