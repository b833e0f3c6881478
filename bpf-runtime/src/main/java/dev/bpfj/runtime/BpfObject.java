package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.LibbpfLog;
import dev.bpfj.runtime.internal.libbpf.LibbpfVersions;
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
import java.util.Optional;
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
    /** libbpf's words for an extern it cannot resolve: at open (no BTF for it) or at load (not in the kernel). */
    private static final Pattern UNRESOLVED_EXTERN = Pattern.compile(
            "failed to find BTF for extern '([^']+)'|extern \\([^)]*\\) '([^']+)': not found|extern '([^']+)' \\(strong\\): not resolved");
    /** libbpf's words for a BTF-attached program (fentry, tp_btf, lsm...) whose target the kernel's BTF lacks. */
    private static final Pattern MISSING_BTF_TARGET = Pattern.compile(
            "prog '([^']+)': failed to find kernel BTF type ID of '([^']+)'");
    /** The verifier statistics line of a program it never started on. */
    private static final String NOTHING_VERIFIED = "processed 0 insns";
    private static final Pattern GLOBAL_SECTION = Pattern.compile("\\.((rodata|data|bss)(\\..*)?|kconfig)");

    private final MemorySegment handle;
    /** Scope of every view into native memory the object hands out; closed before libbpf frees it. */
    private final Arena arena;
    private final String name;
    private final List<BpfProgram> programs;
    private final List<BpfMap> maps;
    /** Event maps libbpf will create without BTF once the kernel refuses their record type. */
    private final List<String> retriedWithoutBtf = new ArrayList<>();
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
    /** Keeps libbpf's object (program handles, BTF) alive across native calls; see {@link UseGuard}. */
    private final UseGuard guard;

    private BpfObject(MemorySegment handle, Arena storage, int coreRelocations, Path btfCustomPath) {
        this.handle = handle;
        this.coreRelocations = coreRelocations;
        this.btfCustomPath = btfCustomPath;
        this.arena = Arena.ofShared();
        this.state = new State(handle, arena, storage);
        this.cleanable = CLEANER.register(this, state);
        this.name = Native.string(Libbpf.bpf_object__name(handle));
        this.guard = new UseGuard(() -> "object " + this.name + " is closed");
        List<BpfProgram> programList = new ArrayList<>();
        for (MemorySegment p = Libbpf.bpf_object__next_program(handle, MemorySegment.NULL);
                !p.equals(MemorySegment.NULL); p = Libbpf.bpf_object__next_program(handle, p)) {
            BpfProgram program = new BpfProgram(this, p);
            programList.add(program);
            LegacySections.assignType(program);
        }
        List<BpfMap> mapList = new ArrayList<>();
        Map<String, GlobalData> globalMap = new LinkedHashMap<>();
        for (MemorySegment m = Libbpf.bpf_object__next_map(handle, MemorySegment.NULL);
                !m.equals(MemorySegment.NULL); m = Libbpf.bpf_object__next_map(handle, m)) {
            BpfMap map = new BpfMap(this, m);
            mapList.add(map);
            if (map.fitEventMapSizes()) {
                retriedWithoutBtf.add(map.name());
            }
            if (Libbpf.bpf_map__is_internal(m)) {
                String section = globalSection(map.name());
                if (section != null) {
                    // Each section's pre-load image gets a scope of its own, which load() closes
                    // when the image cannot become the live map memory (see GlobalData.loaded).
                    Arena image = state.newImageScope();
                    globalMap.put(section, new GlobalData(this, map, section, initialImage(m, image), image));
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
        checkIntact(elf, label);
        checkCustomBtf(options, label);
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
                if (Native.isErrorPointer(handle)) {
                    throw openFailure(label, Native.pointerErrno(handle, capture), log, elf);
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
        // Read once: checked here, read again by libbpf (whoever can rewrite the file in between
        // could also have written a damaged object; this guards against damage, not an attacker).
        byte[] bytes = bytesOrEmpty(file);
        checkIntact(bytes, file.toString());
        checkCustomBtf(options, file.toString());
        Arena arena = Arena.ofShared();
        try {
            MemorySegment opts = openOptions(arena, options);
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment handle;
            try (LibbpfLog.Capture log = LibbpfLog.capture()) {
                handle = Libbpf.bpf_object__open_file(capture, arena.allocateFrom(file.toString()), opts);
                if (Native.isErrorPointer(handle)) {
                    throw openFailure(file.toString(), Native.pointerErrno(handle, capture), log, bytes);
                }
                log.log();
            }
            return new BpfObject(handle, arena, CoReRelocations.needingKernelBtf(bytes), options.btfCustomPath());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Refuses an object whose section table or BTF would make libbpf read outside its own tables
     * (see {@link ObjectCheck}): a damaged file must be an error, not a crashed JVM.
     */
    private static void checkIntact(byte[] elf, String label) {
        String damage = ObjectCheck.problem(elf);
        if (damage != null) {
            throw new BpfException("open object", label, 0, "the object is damaged: " + damage
                    + "; rebuild it (clang -g -O2 -target bpf, or mvn bpf:compile, which also validates it)");
        }
    }

    /** The same for the kernel BTF file given in the options, which libbpf parses as it opens the object. */
    private static void checkCustomBtf(OpenOptions options, String label) {
        Path btf = options.btfCustomPath();
        if (btf == null || !Files.isRegularFile(btf)) {
            return;
        }
        String damage = ObjectCheck.btfFileProblem(bytesOrEmpty(btf));
        if (damage != null) {
            throw new BpfException("open object", label, 0, "the kernel BTF file " + btf + " (btfCustomPath) is"
                    + " damaged: " + damage + "; make it again, e.g. with bpftool btf dump or pahole");
        }
    }

    /**
     * Why libbpf refused to open an object: an unresolved extern (libbpf fails with ENOENT, which
     * would otherwise read like a missing or foreign file), parts the loaded libbpf is too old for,
     * or not BPF.
     */
    private static BpfException openFailure(String label, int errno, LibbpfLog.Capture log, byte[] elf) {
        String hint = externHint(log.text());
        return new BpfException("open object", label, errno, hint != null ? hint : openHint(elf), log.lastWarnings(5));
    }

    /** A hint naming the extern libbpf could not resolve, from its log, or null when the log names none. */
    static String externHint(String log) {
        Matcher matcher = UNRESOLVED_EXTERN.matcher(log);
        if (!matcher.find()) {
            return null;
        }
        if (matcher.group(3) != null) {
            // A __kconfig or typeless __ksym extern that the running kernel does not have.
            return "the C code uses extern '" + matcher.group(3) + "', which libbpf could not resolve in the running kernel: "
                    + "a __kconfig extern needs that option in the kernel's configuration (/proc/config.gz), a typeless "
                    + "__ksym (extern const void " + matcher.group(3) + " __ksym) that symbol in /proc/kallsyms; if the "
                    + "kernel may lack it, mark it __weak and test it in the program (bpf_ksym_exists() for a __ksym)";
        }
        String extern = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
        boolean ksym = matcher.group(2) != null;
        return "the C code uses extern '" + extern + "', which libbpf cannot resolve: "
                + (ksym ? "the running kernel (and its modules) has no such __ksym symbol or kfunc; check the name, or "
                        + "mark it __weak and test bpf_ksym_exists() in the program"
                        : "an extern must be a __kconfig variable, a __ksym kernel symbol, or defined in another BPF "
                        + "object linked in with bpftool gen object; declare it so, or define it in this program");
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
        String tooNew = untypedPrograms();
        if (tooNew != null) {
            // libbpf 1.x opens such an object and fails only at load, with a bare "missing BPF prog type".
            throw new BpfException("load object", name, Errno.EOPNOTSUPP, tooNew);
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
            // libbpf warns that it retried these maps without BTF; the retry is expected (see
            // BpfMap.fitEventMapSizes), the warning only noise.
            for (String map : retriedWithoutBtf) {
                log.lowerToDebug("bpf_create_map_xattr(" + map + ")", "Retrying without BTF");
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
     * Why programs that will load cannot, when libbpf left them without a type: a section the
     * version table says a newer libbpf knows, or one no libbpf knows (and no old rule typed, see
     * {@code LegacySections}); null when every program to load has a type.
     */
    private String untypedPrograms() {
        List<String> reasons = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (BpfProgram program : programs) {
            if (program.autoload() && program.type() == ProgramType.UNSPEC) {
                if (program.sectionName().equals(".text")) {
                    // libbpf before 1.5 takes an object's only function for a program when it is in .text,
                    // and fails at load with "missing BPF prog type, check ELF section name '.text'".
                    reasons.add("function " + program.name() + " is the object's only function and has no SEC() "
                            + "annotation: libbpf " + Native.libbpfVersion() + " takes it for a program without a type "
                            + "(libbpf 1.5 and newer ignore it); give it a SEC(\"...\") if it is meant to be a program");
                    continue;
                }
                Optional<String> tooNew = LibbpfVersions.sectionTooNew(program.name(), program.sectionName());
                if (tooNew.isPresent()) {
                    reasons.add(tooNew.get());
                } else {
                    unknown.add("program " + program.name() + " is in SEC(\"" + program.sectionName() + "\"), which "
                            + "libbpf does not know, so it has no program type: use one of libbpf's section names "
                            + "(SEC(\"xdp\"), SEC(\"tc\"), SEC(\"tracepoint/<category>/<name>\"), ...), or give it a type "
                            + "before load: program(\"" + program.name() + "\").type(ProgramType.XDP, AttachType.XDP) and "
                            + "the like");
                }
            }
        }
        if (!reasons.isEmpty()) {
            unknown.add(String.join("; ", reasons) + " (install a newer libbpf.so.1, or switch these programs' autoload "
                    + "off before load: SEC(\"?...\") does that by default)");
        }
        return unknown.isEmpty() ? null : String.join("; ", unknown);
    }

    /** The hint for an object libbpf could not open: parts that need a newer libbpf, if any. */
    private static String openHint(byte[] elf) {
        List<String> tooNew = LibbpfVersions.tooNewParts(elf);
        return tooNew.isEmpty() ? "is it a BPF ELF object (clang -target bpf)?" : String.join("; ", tooNew);
    }

    private static byte[] bytesOrEmpty(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            return new byte[0];
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
        Matcher matcher = FAILED_PROGRAM.matcher(log);
        String program = matcher.find() ? matcher.group(1) : null;
        int begin = log.indexOf(LOG_BEGIN);
        String verifierLog = "";
        if (begin >= 0) {
            int end = log.indexOf(LOG_END, begin);
            verifierLog = log.substring(begin + LOG_BEGIN.length(), end < 0 ? log.length() : end).strip();
            // A privileged EPERM is the kernel refusing the program's kind, not the verifier its code.
            String refusedKind = LoadHints.refusedKind(this, errno, log, true);
            if (refusedKind != null) {
                return new BpfException("load program", (program != null ? program + sectionOf(program) + " of object "
                        : "object ") + name, errno, refusedKind, joinLines(verifierLog, lastWarnings));
            }
            if (!refusedBeforeVerifying(verifierLog)) {
                return new VerifierException(name, program, errno, verifierLog);
            }
        }
        if (program != null) {
            // The kernel turned the program down before the verifier looked at an instruction:
            // an unsupported program type or attach target, or a policy; not a verifier verdict.
            return new BpfException("load program", program + sectionOf(program) + " of object " + name, errno,
                    refusedHint(program, errno, log), joinLines(verifierLog, lastWarnings));
        }
        Matcher target = MISSING_BTF_TARGET.matcher(log);
        if (target.find()) {
            return new BpfException("load program", target.group(1) + sectionOf(target.group(1)) + " of object " + name,
                    errno, missingTargetHint(target.group(1), target.group(2)), lastWarnings);
        }
        String externs = externHint(log);
        if (externs != null) {
            return new BpfException("load object", name, errno, externs, lastWarnings);
        }
        String pinned = LoadHints.pinnedMapMismatch(log);
        if (pinned != null) {
            return new BpfException("load object", name, errno, pinned, lastWarnings);
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
     * What to do about a BTF-attached program whose attach target is not in the kernel's BTF: libbpf
     * fails before the kernel sees the program, with a bare ESRCH.
     */
    private String missingTargetHint(String program, String target) {
        String section = sectionOf(program);
        String kind = section.startsWith(" (tp_btf") ? "tracepoint" : "function";
        return "the kernel's BTF has no " + kind + " " + target + ", the program's attach target (this kernel does not "
                + "have it, or it is in a module that is not loaded): give the program a target this kernel has with "
                + "BpfProgram.attachTarget(...) (in a skeleton: progs()." + javaName(program) + "().attachTarget(...)) "
                + "before load, or turn its autoload off";
    }

    /** A C name in the skeletons' camel case ({@code file_read_fentry} is {@code fileReadFentry}). */
    private static String javaName(String cName) {
        StringBuilder name = new StringBuilder();
        boolean upper = false;
        for (char c : cName.toCharArray()) {
            if (c == '_') {
                upper = name.length() > 0;
            } else {
                name.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return name.toString();
    }

    /** True for a verifier log that shows the verifier never ran: empty, or nothing processed. */
    static boolean refusedBeforeVerifying(String verifierLog) {
        return verifierLog.isBlank() || verifierLog.contains(NOTHING_VERIFIED);
    }

    private String sectionOf(String program) {
        for (BpfProgram candidate : programs) {
            if (candidate.name().equals(program)) {
                return " (" + candidate.sectionName() + ")";
            }
        }
        return "";
    }

    /** What a refusal before verification means, for the program's kind. */
    private String refusedHint(String program, int errno, String log) {
        String section = sectionOf(program);
        boolean trampoline = section.matches(" \\((fentry|fexit|fmod_ret|freplace|lsm|struct_ops)(\\.s)?[/)].*");
        StringBuilder hint = new StringBuilder("the kernel refused the program before verifying it (the verifier "
                + "processed no instruction), so this is not a verifier rejection: ");
        // The program's kind (LoadHints) says which program and what to do; without it, the general cause.
        String kind = trampoline ? LoadHints.refusedKind(this, errno, log, false) : null;
        if (kind != null) {
            hint.append(kind);
        } else if (trampoline) {
            hint.append("fentry, fexit, fmod_ret, freplace, lsm and struct_ops programs need BPF trampolines, which this "
                    + "kernel does not provide (they need CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS on x86-64 or arm64; lsm also "
                    + "CONFIG_BPF_LSM with bpf in the lsm= boot list)");
        } else {
            hint.append("this kernel does not support the program type or its attach target, or a security policy "
                    + "(lockdown, an LSM, kernel.unprivileged_bpf_disabled) forbids it");
        }
        if (errno == Errno.EPERM && log.contains("ulimit -l") && !Environment.memlockAccounted()) {
            hint.append("; libbpf's 'ulimit -l' guess does not apply: this kernel does not charge BPF memory to RLIMIT_MEMLOCK");
        }
        String environment = Environment.hintFor(errno);
        if (environment != null) {
            hint.append("; ").append(environment);
        }
        return hint.toString();
    }

    private static String joinLines(String first, String second) {
        if (first == null || first.isBlank()) {
            return second;
        }
        return second == null || second.isBlank() ? first : first + "\n" + second;
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
        // Calls in flight on maps and programs finish on this object before any fd or handle is
        // released (outside the monitor: such a call may need it to register a link).
        for (BpfMap map : maps) {
            map.closeGuard();
        }
        guard.close();
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
        if (phase == Phase.CLOSED) {
            // The attach raced close(): the link would outlive the object, attached, with no owner.
            link.close();
            throw new IllegalStateException("cannot attach program " + link.program().name() + ": object " + name
                    + " was closed during the attach; the new link was detached");
        }
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

    /** Closes the scope of a global section's pre-load image (see {@link GlobalData}). */
    void closeImageScope(Arena image) {
        state.closeImageScope(image);
    }

    /** The guard every native call on the object's libbpf handles (programs, BTF) holds; see {@link UseGuard}. */
    UseGuard guard() {
        return guard;
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
        /** The scopes of the global sections' pre-load images that are still open. */
        private final List<Arena> images = new ArrayList<>();
        private final AtomicBoolean closed = new AtomicBoolean();

        /** A scope for a global section's pre-load image, closed with the object at the latest. */
        Arena newImageScope() {
            Arena image = Arena.ofShared();
            synchronized (images) {
                images.add(image);
            }
            return image;
        }

        /** Closes a pre-load image scope early (at load); its segments throw from then on. */
        void closeImageScope(Arena image) {
            boolean open;
            synchronized (images) {
                open = images.remove(image);
            }
            if (open) {
                image.close();
            }
        }

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
                List<Arena> open;
                synchronized (images) {
                    open = List.copyOf(images);
                    images.clear();
                }
                open.forEach(Arena::close);
                Libbpf.bpf_object__close(handle);
                // The ELF image and option strings libbpf may read until the very end.
                storage.close();
            }
        }
    }
}
