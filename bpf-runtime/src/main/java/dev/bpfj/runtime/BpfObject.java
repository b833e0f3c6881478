package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.LibbpfLog;
import dev.bpfj.runtime.internal.libbpf.Libbpf;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A BPF object file opened through libbpf. Its lifecycle is open -> (set globals, autoload) ->
 * {@link #load()} -> attach -> {@link #close()}; a call in the wrong phase throws
 * {@link IllegalStateException} saying which phase it needs.
 *
 * <p>The object owns everything made from it: programs, maps, global-data views, the links its
 * programs' attach methods return and the ring/perf buffers built on its maps. {@link #close()}
 * closes them in that order (readers, links, views, then the libbpf object with its fds).
 * Methods are thread-safe; a {@link java.lang.ref.Cleaner} closes a forgotten object as a last
 * resort only.
 */
public final class BpfObject implements AutoCloseable {

    /** Where an object is in its lifecycle. */
    public enum Phase {
        /** Opened: globals and autoload may be changed; nothing is in the kernel yet. */
        OPENED,
        /** Loaded into the kernel: programs can be attached, maps read and written. */
        LOADED,
        /** Closed: nothing may be used any more. */
        CLOSED
    }

    private static final Cleaner CLEANER = Cleaner.create();
    private static final long OPEN_OPTS_SIZE = 80;
    private static final Pattern FAILED_PROGRAM = Pattern.compile("prog '([^']+)': (?:BPF program load failed|-- BEGIN PROG LOAD LOG --)");
    private static final String LOG_BEGIN = "-- BEGIN PROG LOAD LOG --";
    private static final String LOG_END = "-- END PROG LOAD LOG --";
    // .kconfig holds the __kconfig externs: libbpf makes it an internal, mmapable map like .rodata.
    private static final Pattern GLOBAL_SECTION = Pattern.compile("\\.((rodata|data|bss)(\\..*)?|kconfig)");

    private final MemorySegment handle;
    /** Scope of every view into native memory the object hands out; closed before libbpf frees it. */
    private final Arena arena;
    private final String name;
    private final List<BpfProgram> programs;
    private final List<BpfMap> maps;
    private final Map<String, GlobalData> globals;
    private final List<AutoCloseable> readers = new ArrayList<>();
    private final List<BpfLink> links = new ArrayList<>();
    private final State state;
    private final Cleaner.Cleanable cleanable;
    private volatile Phase phase = Phase.OPENED;
    private boolean loadFailed;
    /** CO-RE relocations that need kernel BTF, counted from the ELF at open. */
    private final int coreRelocations;
    private final Path btfCustomPath;

    private BpfObject(MemorySegment handle, Arena storage, int coreRelocations, Path btfCustomPath) {
        this.handle = handle;
        this.coreRelocations = coreRelocations;
        this.btfCustomPath = btfCustomPath;
        this.arena = Arena.ofShared();
        this.state = new State(handle, arena, storage);
        this.cleanable = CLEANER.register(this, state);
        this.name = Native.string(Libbpf.bpf_object__name(handle));
        List<BpfProgram> programList = new ArrayList<>();
        for (MemorySegment p = Libbpf.bpf_object__next_program(handle, MemorySegment.NULL);
                !p.equals(MemorySegment.NULL); p = Libbpf.bpf_object__next_program(handle, p)) {
            programList.add(new BpfProgram(this, p));
        }
        List<BpfMap> mapList = new ArrayList<>();
        Map<String, GlobalData> globalMap = new LinkedHashMap<>();
        for (MemorySegment m = Libbpf.bpf_object__next_map(handle, MemorySegment.NULL);
                !m.equals(MemorySegment.NULL); m = Libbpf.bpf_object__next_map(handle, m)) {
            BpfMap map = new BpfMap(this, m);
            mapList.add(map);
            if (Libbpf.bpf_map__is_internal(m)) {
                String section = globalSection(map.name());
                if (section != null) {
                    globalMap.put(section, new GlobalData(this, map, section, initialImage(m, arena)));
                }
            }
        }
        this.programs = Collections.unmodifiableList(programList);
        this.maps = Collections.unmodifiableList(mapList);
        this.globals = Collections.unmodifiableMap(globalMap);
    }

    /** Opens an object from its ELF bytes (no temporary file) with default options. */
    public static BpfObject open(byte[] elf) {
        return open(elf, OpenOptions.defaults());
    }

    /**
     * Opens an object from its ELF bytes with {@code bpf_object__open_mem}; nothing is loaded into
     * the kernel yet.
     *
     * @throws BpfException when libbpf cannot parse the object
     */
    public static BpfObject open(byte[] elf, OpenOptions options) {
        Objects.requireNonNull(elf, "elf");
        Objects.requireNonNull(options, "options");
        Native.ensureLibbpf();
        String label = options.objectName() != null ? options.objectName() : "(" + elf.length + " bytes)";
        Arena arena = Arena.ofShared();
        try {
            // libbpf parses the image in place until load, so it lives as long as the object.
            MemorySegment image = arena.allocate(Math.max(1, elf.length), 8);
            MemorySegment.copy(elf, 0, image, ValueLayout.JAVA_BYTE, 0, elf.length);
            MemorySegment opts = openOptions(arena, options);
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment handle;
            try (LibbpfLog.Capture log = LibbpfLog.capture()) {
                handle = Libbpf.bpf_object__open_mem(capture, image, elf.length, opts);
                if (handle.equals(MemorySegment.NULL)) {
                    int errno = Native.errno(capture);
                    throw new BpfException("open object", label, errno,
                            "is it a BPF ELF object (clang -target bpf)?", log.lastWarnings(5));
                }
                log.log();
            }
            return new BpfObject(handle, arena, CoReRelocations.needingKernelBtf(elf), options.btfCustomPath());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Opens an object file with default options. */
    public static BpfObject open(Path file) {
        return open(file, OpenOptions.defaults());
    }

    /**
     * Opens an object file with {@code bpf_object__open_file}; nothing is loaded yet.
     *
     * @throws BpfException when the file is missing or not a BPF object
     */
    public static BpfObject open(Path file, OpenOptions options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        if (!Files.isRegularFile(file)) {
            throw new BpfException("open object", file.toString(), Errno.ENOENT,
                    "the file does not exist or is not a regular file");
        }
        Native.ensureLibbpf();
        Arena arena = Arena.ofShared();
        try {
            MemorySegment opts = openOptions(arena, options);
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment handle;
            try (LibbpfLog.Capture log = LibbpfLog.capture()) {
                handle = Libbpf.bpf_object__open_file(capture, arena.allocateFrom(file.toString()), opts);
                if (handle.equals(MemorySegment.NULL)) {
                    throw new BpfException("open object", file.toString(), Native.errno(capture),
                            "is it a BPF ELF object (clang -target bpf)?", log.lastWarnings(5));
                }
                log.log();
            }
            return new BpfObject(handle, arena, coreRelocations(file), options.btfCustomPath());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static int coreRelocations(Path file) {
        try {
            return CoReRelocations.needingKernelBtf(Files.readAllBytes(file));
        } catch (java.io.IOException e) {
            // libbpf could read it a moment ago; without the bytes the early check just does not apply.
            return 0;
        }
    }

    private static MemorySegment openOptions(Arena arena, OpenOptions options) {
        MemorySegment opts = arena.allocate(OPEN_OPTS_SIZE, 8);
        opts.set(ValueLayout.JAVA_LONG, 0, OPEN_OPTS_SIZE);
        if (options.objectName() != null) {
            opts.set(ValueLayout.ADDRESS, 8, arena.allocateFrom(options.objectName()));
        }
        if (options.pinRoot() != null) {
            opts.set(ValueLayout.ADDRESS, 24, arena.allocateFrom(options.pinRoot().toString()));
        }
        if (options.btfCustomPath() != null) {
            opts.set(ValueLayout.ADDRESS, 48, arena.allocateFrom(options.btfCustomPath().toString()));
        }
        return opts;
    }

    /** The object's name: {@link OpenOptions#objectName()}, else libbpf's (file name up to its first dot). */
    public String name() {
        return name;
    }

    /** The current lifecycle phase. */
    public Phase phase() {
        return phase;
    }

    /** The program defined by the C function {@code programName}. */
    public BpfProgram program(String programName) {
        for (BpfProgram program : programs) {
            if (program.name().equals(programName)) {
                return program;
            }
        }
        throw new IllegalArgumentException("object " + name + " has no program named '" + programName
                + "'; its programs are " + names(programs.stream().map(BpfProgram::name).toList()));
    }

    /** All programs, in the order of the ELF file. */
    public List<BpfProgram> programs() {
        return programs;
    }

    /** The map named {@code mapName} (the C variable name; global sections are named like {@code obj.rodata}). */
    public BpfMap map(String mapName) {
        for (BpfMap map : maps) {
            if (map.name().equals(mapName)) {
                return map;
            }
        }
        throw new IllegalArgumentException("object " + name + " has no map named '" + mapName
                + "'; its maps are " + names(maps.stream().map(BpfMap::name).toList()));
    }

    /** All maps, including the internal ones behind global sections. */
    public List<BpfMap> maps() {
        return maps;
    }

    /**
     * The global-data section {@code section}, like {@code .rodata} or {@code .bss}; also
     * {@code .kconfig} when the C code declares {@code __kconfig} externs (read-only: libbpf fills
     * it in at load).
     */
    public GlobalData globalData(String section) {
        GlobalData data = globals.get(section);
        if (data == null && section.length() > 15) {
            // libbpf names custom sections' maps after the section, cut to the kernel's 15 characters.
            data = globals.get(section.substring(0, 15));
        }
        if (data == null) {
            throw new IllegalArgumentException("object " + name + " has no global section '" + section
                    + "'; its global sections are " + names(List.copyOf(globals.keySet()))
                    + " (a section exists only when the C code defines a global variable in it)");
        }
        return data;
    }

    /** The names of the object's global-data sections. */
    public List<String> globalSections() {
        return List.copyOf(globals.keySet());
    }

    /**
     * Loads every program with autoload on, and creates the maps, in the kernel.
     *
     * @throws VerifierException when the verifier rejects a program
     * @throws BpfException      when the kernel or libbpf refuses otherwise
     */
    public synchronized void load() {
        requirePhase(Phase.OPENED, "load object " + name);
        if (loadFailed) {
            throw new IllegalStateException("cannot load object " + name
                    + " again: its previous load failed; close it and open a new one");
        }
        if (!Environment.privileged()) {
            throw new BpfException("load object", name, Errno.EPERM, Environment.PRIVILEGE_HINT);
        }
        String btfProblem = coreProblem(coreRelocations, Environment.kernelBtf(), btfCustomPath);
        if (btfProblem != null) {
            // libbpf would fail deep inside relocation with a message that does not say what to do.
            throw new BpfException("load object", name, Errno.ENOENT, btfProblem);
        }
        try (LibbpfLog.Capture log = LibbpfLog.capture()) {
            int rc = Libbpf.bpf_object__load(handle);
            if (rc < 0) {
                loadFailed = true;
                throw loadFailure(-rc, log.text(), log.lastWarnings(6));
            }
            log.log();
        }
        for (BpfMap map : maps) {
            map.loaded();
        }
        phase = Phase.LOADED;
        for (GlobalData data : globals.values()) {
            data.loaded(arena);
        }
    }

    /**
     * Why an object with {@code relocations} CO-RE relocations cannot load here, or null when it
     * can: CO-RE resolves field offsets against the kernel's BTF, from /sys/kernel/btf/vmlinux or
     * from the file given as {@link OpenOptions#btfCustomPath()}.
     */
    static String coreProblem(int relocations, boolean kernelBtf, Path btfCustomPath) {
        if (relocations == 0) {
            return null;
        }
        if (btfCustomPath != null) {
            return Files.isReadable(btfCustomPath) ? null
                    : "the object has " + relocations + " CO-RE relocations and OpenOptions.btfCustomPath " + btfCustomPath
                    + " is not a readable file; point it at the BTF of the running kernel";
        }
        return kernelBtf ? null
                : "the object has " + relocations + " CO-RE relocations, which need the kernel's BTF, but "
                + "/sys/kernel/btf/vmlinux does not exist (kernel built without CONFIG_DEBUG_INFO_BTF=y); pass "
                + "OpenOptions.withBtfCustomPath(...) with a BTF file for this kernel, or compile the program without CO-RE";
    }

    private BpfException loadFailure(int errno, String log, String lastWarnings) {
        int begin = log.indexOf(LOG_BEGIN);
        if (begin >= 0) {
            int end = log.indexOf(LOG_END, begin);
            String verifierLog = log.substring(begin + LOG_BEGIN.length(), end < 0 ? log.length() : end).strip();
            Matcher matcher = FAILED_PROGRAM.matcher(log);
            String program = matcher.find() ? matcher.group(1) : null;
            // A privileged EPERM is the kernel refusing the program's kind, not the verifier its code.
            String refusedKind = LoadHints.refusedKind(this, errno, log, true);
            if (refusedKind != null) {
                return new BpfException("load object", name, errno, refusedKind, lastWarnings);
            }
            return new VerifierException(name, program, errno, verifierLog);
        }
        String hint = Environment.hintFor(errno);
        if (hint == null) {
            hint = LoadHints.refusedKind(this, errno, log, false);
        }
        if (hint == null && !Environment.kernelBtf() && log.contains("BTF")) {
            hint = Environment.BTF_HINT;
        }
        return new BpfException("load object", name, errno, hint, lastWarnings);
    }

    /**
     * Attaches every loaded program whose section names its hook ({@code SEC("tp/syscalls/…")},
     * {@code SEC("raw_tp/…")}, …) through libbpf's auto-attach; programs whose sections libbpf cannot
     * auto-attach (like a bare {@code SEC("tracepoint")}) are skipped. The links belong to this
     * object. When one attach fails, the links made by this call are closed and the error thrown.
     */
    public synchronized List<BpfLink> attachAll() {
        requirePhase(Phase.LOADED, "attach the programs of object " + name);
        List<BpfLink> attached = new ArrayList<>();
        try {
            for (BpfProgram program : programs) {
                if (program.autoload()) {
                    BpfLink link = program.autoAttach(false);
                    if (link != null) {
                        attached.add(link);
                    }
                }
            }
        } catch (RuntimeException e) {
            attached.forEach(BpfLink::close);
            throw e;
        }
        return List.copyOf(attached);
    }

    /** Closes every link made by this object's programs; the object stays loaded. */
    public synchronized void detachAll() {
        for (BpfLink link : links) {
            link.close();
        }
        links.clear();
    }

    /**
     * Closes readers, links, global-data views and the object with all its program and map fds,
     * in that order; idempotent.
     */
    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            if (phase == Phase.CLOSED) {
                return;
            }
            phase = Phase.CLOSED;
            toClose = new ArrayList<>(readers);
            readers.clear();
        }
        // Readers may be polling on other threads; their close() waits for the poll to leave.
        RuntimeException failure = null;
        for (AutoCloseable reader : toClose) {
            try {
                reader.close();
            } catch (Exception e) {
                failure = failure == null ? new IllegalStateException("closing a reader of object " + name, e) : failure;
            }
        }
        synchronized (this) {
            for (BpfLink link : links) {
                link.close();
            }
            links.clear();
            for (BpfMap map : maps) {
                map.closed();
            }
            cleanable.clean();
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ---- package-private plumbing for programs, maps, readers ----

    synchronized void register(BpfLink link) {
        links.add(link);
    }

    synchronized void register(AutoCloseable reader) {
        requirePhase(Phase.LOADED, "read events from object " + name);
        readers.add(reader);
    }

    synchronized void unregister(AutoCloseable reader) {
        readers.remove(reader);
    }

    void requirePhase(Phase wanted, String action) {
        Phase now = phase;
        if (now == wanted) {
            return;
        }
        String why = switch (now) {
            case CLOSED -> "the object is closed";
            case OPENED -> "the object is not loaded yet (call load() first)";
            case LOADED -> wanted == Phase.OPENED ? "the object is already loaded (do this between open and load)"
                    : "the object is loaded";
        };
        throw new IllegalStateException("cannot " + action + ": " + why);
    }

    Arena arena() {
        return arena;
    }

    /** libbpf's {@code struct bpf_object *}; valid until close. */
    MemorySegment handle() {
        return handle;
    }

    @SuppressWarnings("restricted")
    private static MemorySegment initialImage(MemorySegment map, Arena views) {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment size = local.allocate(ValueLayout.JAVA_LONG);
            MemorySegment image = Libbpf.bpf_map__initial_value(map, size);
            if (image.equals(MemorySegment.NULL)) {
                return null;
            }
            return image.reinterpret(size.get(ValueLayout.JAVA_LONG, 0), views, null);
        }
    }

    /** The section behind an internal map name like {@code opensnoo.rodata} or {@code .data.foo}. */
    static String globalSection(String mapName) {
        for (int dot = mapName.indexOf('.'); dot >= 0; dot = mapName.indexOf('.', dot + 1)) {
            String candidate = mapName.substring(dot);
            if (GLOBAL_SECTION.matcher(candidate).matches()) {
                return candidate;
            }
        }
        return null;
    }

    private static String names(List<String> names) {
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }

    /** What the cleaner needs to release a forgotten object. */
    private static final class State implements Runnable {
        private final MemorySegment handle;
        private final Arena views;
        private final Arena storage;
        private final AtomicBoolean closed = new AtomicBoolean();

        State(MemorySegment handle, Arena views, Arena storage) {
            this.handle = handle;
            this.views = views;
            this.storage = storage;
        }

        @Override
        public void run() {
            if (closed.compareAndSet(false, true)) {
                // Views into libbpf's memory become invalid before libbpf unmaps it.
                views.close();
                Libbpf.bpf_object__close(handle);
                // The ELF image and option strings libbpf may read until the very end.
                storage.close();
            }
        }
    }
}
