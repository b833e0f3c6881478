package dev.bpfj.toolchain.validate;

import dev.bpfj.toolchain.BpfFormatException;
import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.btf.BtfDatasec;
import dev.bpfj.toolchain.btf.BtfFunc;
import dev.bpfj.toolchain.btf.BtfType;
import dev.bpfj.toolchain.btf.BtfVar;
import dev.bpfj.toolchain.btf.BtfVarSecinfo;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import dev.bpfj.toolchain.object.MapSpec;
import dev.bpfj.toolchain.object.MapType;
import dev.bpfj.toolchain.object.ProgramRelocation;
import dev.bpfj.toolchain.object.ProgramSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds, in a compiled BPF object, what the kernel or libbpf would reject at load time, what the
 * application must set at run time before load, and likely mistakes. Pure Java over the ELF file
 * and its {@link BpfObjectSpec}; the same answer on every machine.
 *
 * <p>Every problem comes from one {@link Rule} (id, name, default severity); a build's
 * {@link ValidationSettings} can change a rule's severity and say which libbpf the application
 * targets at the least. Programs and maps that the application configures at run time (a map
 * sized with {@code maxEntries(n)}, a program whose attach target is set with
 * {@code attachTarget(...)}, a map-in-map given its inner map with {@code innerMap(...)}) are
 * legitimate: they are warnings that name the call the application must make.
 */
public final class BpfObjectValidator {

    /** The license strings the kernel treats as GPL-compatible (it compares them exactly). */
    public static final List<String> GPL_COMPATIBLE_LICENSES = List.of(
            "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL");

    private static final int EM_BPF = 247;
    private static final int ET_REL = 1;
    private static final int PAGE_SIZE = 4096;
    private static final long BPF_F_NO_PREALLOC = 1;

    private static final String LICENSE_FIX = "declare a license, e.g. char LICENSE[] SEC(\"license\") = \"Dual BSD/GPL\";"
            + " GPL-compatible strings are " + quoted(GPL_COMPATIBLE_LICENSES) + ".";

    private final String source;
    private final ValidationSettings settings;
    private final List<Problem> problems = new ArrayList<>();

    private BpfObjectValidator(String source, ValidationSettings settings) {
        this.source = source;
        this.settings = settings;
    }

    /**
     * Validates an object file.
     *
     * @param object     the {@code .bpf.o} file
     * @param sourceName the source it was compiled from, as problems name it
     * @return every problem found, errors and warnings, in a stable order
     * @throws IOException if the file cannot be read
     */
    public static List<Problem> validate(Path object, String sourceName) throws IOException {
        return validate(sourceName, Files.readAllBytes(object), ValidationSettings.defaults());
    }

    /**
     * Validates an object file with a build's settings.
     *
     * @param object     the {@code .bpf.o} file
     * @param sourceName the source it was compiled from, as problems name it
     * @param settings   the targeted libbpf and the build's rule levels
     * @return every problem the build reports, errors and warnings, in a stable order
     * @throws IOException if the file cannot be read
     */
    public static List<Problem> validate(Path object, String sourceName, ValidationSettings settings)
            throws IOException {
        return validate(sourceName, Files.readAllBytes(object), settings);
    }

    /**
     * Validates an object's bytes.
     *
     * @param sourceName the source it was compiled from, as problems name it
     * @param bytes      the ELF file
     * @return every problem found, errors and warnings, in a stable order
     */
    public static List<Problem> validate(String sourceName, byte[] bytes) {
        return validate(sourceName, bytes, ValidationSettings.defaults());
    }

    /**
     * Validates an object's bytes with a build's settings.
     *
     * @param sourceName the source it was compiled from, as problems name it
     * @param bytes      the ELF file
     * @param settings   the targeted libbpf and the build's rule levels
     * @return every problem the build reports, errors and warnings, in a stable order
     */
    public static List<Problem> validate(String sourceName, byte[] bytes, ValidationSettings settings) {
        BpfObjectValidator validator = new BpfObjectValidator(sourceName, settings);
        validator.run(bytes);
        return settings.apply(validator.problems);
    }

    private void run(byte[] bytes) {
        if (!checkElfHeader(bytes)) {
            return;
        }
        BpfObjectSpec spec;
        try {
            spec = BpfObjectSpec.parse(source, bytes);
        } catch (BpfFormatException | RuntimeException malformed) {
            report(Rule.OBJECT_MALFORMED, "object", "cannot be read as a BPF object: "
                            + malformed.getMessage() + ".",
                    "rebuild it; if clang produced this file from valid C, report it with the source attached.");
            return;
        }
        try {
            checkPrograms(spec);
            checkLicense(spec);
            checkBtf(spec);
            checkExterns(spec);
            checkMaps(spec);
            checkElfSections(spec);
            checkUnreachableGlobals(spec);
        } catch (RuntimeException bug) {
            // Hostile input must end in a clear build error, never a plugin crash.
            report(Rule.VALIDATOR_BUG, "object", "could not be checked: " + bug + ".",
                    "this is a bug in bpfj's validation; please report it with the source attached (lower "
                            + Rule.VALIDATOR_BUG.id() + " to a warning to build anyway).");
        }
    }

    private void report(Rule rule, String subject, String message, String fix) {
        problems.add(new Problem(rule.defaultSeverity(), source, subject, message, fix, rule));
    }

    // ---- ELF header ---------------------------------------------------------------------------

    private boolean checkElfHeader(byte[] bytes) {
        if (bytes.length < 64 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
            report(Rule.ELF_HEADER, "object", "is not an ELF file.", "make sure the file is what clang -c -target bpf wrote.");
            return false;
        }
        if (bytes[4] != 2) {
            report(Rule.ELF_HEADER, "object", "is a 32-bit ELF file (ELFCLASS32); BPF objects are 64-bit.",
                    "compile with -target bpf and remove -m32 or another -target from <cflags>.");
            return false;
        }
        if (bytes[5] != 1 && bytes[5] != 2) {
            report(Rule.ELF_HEADER, "object", "has an unknown ELF byte order (EI_DATA " + bytes[5] + ").",
                    "compile with -target bpf, bpfel or bpfeb.");
            return false;
        }
        ByteBuffer header = ByteBuffer.wrap(bytes).order(bytes[5] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int type = header.getShort(16) & 0xffff;
        int machine = header.getShort(18) & 0xffff;
        boolean ok = true;
        if (machine != EM_BPF) {
            report(Rule.ELF_HEADER, "object", "is machine code for " + machineName(machine) + " (ELF machine " + machine
                    + "), not BPF (ELF machine " + EM_BPF + "); the kernel cannot load it.",
                    "compile with -target bpf: remove the -target/-march option from <cflags> (bpf.cflags) and "
                            + "use <target> (bpf.target) to choose bpfel or bpfeb.");
            ok = false;
        }
        if (type != ET_REL) {
            report(Rule.ELF_HEADER, "object", "is an ELF " + typeName(type) + ", but libbpf loads relocatable objects (ET_REL) only.",
                    "compile with -c and do not link the object (remove linker options from <cflags>).");
            ok = false;
        }
        return ok;
    }

    private static String machineName(int machine) {
        return switch (machine) {
            case 3 -> "x86 (i386)";
            case 62 -> "x86-64";
            case 183 -> "AArch64";
            case 40 -> "ARM";
            case 243 -> "RISC-V";
            case 22 -> "s390";
            case 21 -> "PowerPC 64";
            case 8 -> "MIPS";
            case 258 -> "LoongArch";
            default -> "another architecture";
        };
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0 -> "file of no type (ET_NONE)";
            case 2 -> "executable (ET_EXEC)";
            case 3 -> "shared object (ET_DYN)";
            case 4 -> "core dump (ET_CORE)";
            default -> "file of type " + type;
        };
    }

    // ---- program sections ---------------------------------------------------------------------

    private void checkPrograms(BpfObjectSpec spec) {
        for (ProgramSpec program : spec.programs()) {
            checkSection(program);
        }
    }

    private void checkSection(ProgramSpec program) {
        String subject = "program " + program.name();
        String written = program.sectionName();
        String section = SectionDefinitions.withoutAutoloadMarker(written);
        Optional<SectionDefinitions.Definition> match = SectionDefinitions.match(section);
        if (match.isEmpty()) {
            Optional<String[]> legacy = SectionDefinitions.legacyPrefix(section);
            if (legacy.isPresent()) {
                report(Rule.SECTION_LEGACY_PREFIX, subject, "is in SEC(\"" + written + "\"), which libbpf before 1.0 "
                                + "took for a " + legacy.get()[1] + " program by its start, \"" + legacy.get()[0]
                                + "\"; libbpf 1.0 and later do not. bpfj's runtime gives it that type when it opens "
                                + "the object; other libbpf loaders (bpftool, a C skeleton) fail at load with "
                                + "\"missing BPF prog type\" unless they set the type themselves, as libxdp does.",
                        "to load it with those too, name the section SEC(\"" + (written.startsWith("?") ? "?" : "")
                                + legacy.get()[0] + "\").");
                return;
            }
            Optional<String> suggestion = SectionDefinitions.suggest(section);
            report(Rule.SECTION_UNKNOWN, subject, "is in SEC(\"" + written + "\"), which is not a program type libbpf "
                            + "recognises; libbpf cannot load it (it has no program type).",
                    suggestion.map(s -> "did you mean SEC(\"" + (written.startsWith("?") ? "?" : "") + s + "\")?")
                            .orElse("use one of libbpf's section names, e.g. SEC(\"tracepoint/<category>/<name>\"), "
                                    + "SEC(\"raw_tp/<name>\"), SEC(\"kprobe/<function>\"), SEC(\"uprobe\"), "
                                    + "SEC(\"xdp\"), SEC(\"tc\"), SEC(\"fentry/<function>\")."));
            return;
        }
        Optional<LibbpfFeatures.Entry> newer = LibbpfFeatures.section(section);
        if (newer.isPresent() && settings.minLibbpf().isOlderThan(newer.get().since())) {
            LibbpfVersion since = newer.get().since();
            if (written.startsWith("?")) {
                // Not loaded unless the application switches it on: the usual way to carry a program for new
                // libbpf next to a fallback. The runtime checks again at load, against the libbpf it finds.
                problems.add(new Problem(Problem.Severity.WARNING, source, subject, "is in SEC(\"" + written
                        + "\"), which needs libbpf \u2265 " + since + " (configured minimum " + settings.minLibbpf()
                        + "); its autoload is off, so it loads only where the application switches it on.",
                        "switch its autoload on only where libbpf " + since + " or newer is loaded (the runtime's "
                                + "load() refuses it, naming both versions, otherwise).", Rule.LIBBPF_VERSION));
            } else {
                report(Rule.LIBBPF_VERSION, subject, "is in SEC(\"" + written + "\"), which needs libbpf \u2265 "
                                + since + " (configured minimum " + settings.minLibbpf() + "): older libbpf does not "
                                + "recognise the section and cannot load the program.",
                        "if the application requires libbpf " + since + " or newer, say so with <minLibbpf>" + since
                                + "</minLibbpf> (-Dbpf.minLibbpf=" + since + ")" + olderAlternative(newer.get())
                                + "; or mark it SEC(\"?" + section + "\") and switch its autoload on only where "
                                + "libbpf is new enough.");
            }
        }
        SectionDefinitions.Definition definition = match.get();
        String rest = section.length() > definition.name().length()
                ? section.substring(definition.name().length() + 1) : null;
        switch (definition.target()) {
            case TRACEPOINT -> checkTracepoint(subject, written, definition.name(), rest);
            case RAW_TRACEPOINT -> checkRawTracepoint(subject, written, definition.name(), rest);
            case BTF_TARGET -> {
                if (rest == null || rest.isEmpty()) {
                    checkRuntimeTarget(subject, written, definition.name(), program.name());
                }
            }
            case OPTIONAL -> {
                // Anything (or nothing) may follow; a bare section is attached by hand.
            }
        }
    }

    /** What to write instead of a section that needs a newer libbpf, where libbpf 1.0 has an equivalent. */
    private static String olderAlternative(LibbpfFeatures.Entry entry) {
        String name = entry.displayName();
        String instead;
        if (name.startsWith("tcx/") || name.startsWith("tc/")) {
            instead = "SEC(\"tc\") (classic tc, attached with attachTc(...))";
        } else if (name.startsWith("uprobe.multi") || name.startsWith("uretprobe.multi")) {
            instead = "one SEC(\"uprobe\")/SEC(\"uretprobe\") program per function";
        } else if (name.startsWith("kprobe.session")) {
            instead = "a SEC(\"kprobe\") and a SEC(\"kretprobe\") program";
        } else if (name.startsWith("usdt.s")) {
            instead = "SEC(\"usdt\")";
        } else {
            return "";
        }
        return ", or use " + instead + ", which libbpf 1.0 knows";
    }

    /** A BTF-attached program without a target: legitimate when the application sets it before load. */
    private void checkRuntimeTarget(String subject, String written, String prefix, String programName) {
        String example = prefix.startsWith("iter") ? "task"
                : prefix.startsWith("tp_btf") ? "sched_switch"
                : prefix.startsWith("lsm") ? "file_open" : "do_unlinkat";
        boolean freplace = prefix.equals("freplace");
        String call = freplace ? "attachTarget(targetProgram, \"<function>\")" : "attachTarget(\"" + example + "\")";
        report(Rule.ATTACH_TARGET_RUNTIME, subject, "is in SEC(\"" + written + "\") without a target: libbpf resolves a "
                        + prefix + " target through " + (freplace ? "the target program's" : "the kernel's")
                        + " BTF at load, so the application must set it before load() (load fails with \"no "
                        + "BTF-based attach target is specified\" otherwise).",
                "call " + call + " on program " + programName + " between open and load (in the skeleton: progs()."
                        + "<program>AttachTarget(...)), or name the target in the section, e.g. SEC(\"" + prefix + "/"
                        + example + "\").");
    }

    private void checkTracepoint(String subject, String written, String prefix, String rest) {
        if (rest == null) {
            report(Rule.TRACEPOINT_MANUAL_ATTACH, subject, "is in SEC(\"" + written + "\") without <category>/<name>: it "
                            + "loads, but libbpf cannot attach it by itself (attachAll() and the skeleton's attach() "
                            + "skip it).",
                    "attach it by hand with attachTracepoint(\"<category>\", \"<name>\") after load, or write SEC(\""
                            + prefix + "/<category>/<name>\"), e.g. SEC(\"" + prefix + "/syscalls/sys_enter_openat\").");
            return;
        }
        int slash = rest.indexOf('/');
        if (slash < 0 && !rest.isEmpty()) {
            // SEC("tracepoint/<name>"): the category is chosen when the application attaches it.
            String category = rest.startsWith("sys_enter_") || rest.startsWith("sys_exit_") ? "syscalls" : "<category>";
            report(Rule.TRACEPOINT_MANUAL_ATTACH, subject, "is in SEC(\"" + written + "\"), a tracepoint name without "
                            + "its category: it loads, but libbpf's automatic attach fails on it (EINVAL), so "
                            + "attachAll() and the skeleton's attach() stop with an error at it.",
                    "attach it by hand after load with attachTracepoint(\"" + category + "\", \"" + rest
                            + "\") (and the other programs one by one), or write SEC(\"" + prefix + "/" + category
                            + "/" + rest + "\").");
            return;
        }
        if (slash <= 0 || slash == rest.length() - 1) {
            report(Rule.TRACEPOINT_MALFORMED, subject, "is in SEC(\"" + written + "\"), but a tracepoint section needs "
                            + "both a category and a name (" + prefix + "/<category>/<name>, as under "
                            + "/sys/kernel/tracing/events); attaching would fail.",
                    "write SEC(\"" + prefix + "/syscalls/sys_enter_openat\") with your category and name.");
            return;
        }
        String category = rest.substring(0, slash);
        Optional<String> nearMiss = TracepointCategories.nearMiss(category);
        if (nearMiss.isPresent()) {
            report(Rule.TRACEPOINT_CATEGORY, subject, "is in SEC(\"" + written + "\"), but the kernel has no tracepoint "
                            + "category '" + category + "'; attaching would fail.",
                    "did you mean SEC(\"" + (written.startsWith("?") ? "?" : "") + prefix + "/" + nearMiss.get()
                            + rest.substring(slash) + "\")? (If '" + category + "' does exist on your kernels, lower "
                            + Rule.TRACEPOINT_CATEGORY.id() + " to a warning.)");
        }
    }

    private void checkRawTracepoint(String subject, String written, String prefix, String rest) {
        if (rest == null) {
            report(Rule.TRACEPOINT_MANUAL_ATTACH, subject, "is in SEC(\"" + written + "\") without a tracepoint name: "
                            + "it loads, but libbpf cannot attach it by itself (attachAll() and the skeleton's "
                            + "attach() skip it).",
                    "attach it by hand with attachRawTracepoint(\"<name>\") after load, or write SEC(\"" + prefix
                            + "/<name>\"), e.g. SEC(\"" + prefix + "/sched_switch\").");
        } else if (rest.isEmpty()) {
            report(Rule.TRACEPOINT_MALFORMED, subject, "is in SEC(\"" + written + "\") with an empty tracepoint name; "
                            + "attaching would fail.",
                    "write SEC(\"" + prefix + "/<name>\"), e.g. SEC(\"" + prefix + "/sched_switch\").");
        } else if (rest.contains("/")) {
            report(Rule.TRACEPOINT_MALFORMED, subject, "is in SEC(\"" + written + "\"), but raw tracepoints are named "
                            + "without a category; attaching to '" + rest + "' would fail.",
                    "write SEC(\"" + prefix + "/" + rest.substring(rest.lastIndexOf('/') + 1) + "\").");
        }
    }

    // ---- license and GPL-only helpers -----------------------------------------------------------

    private void checkLicense(BpfObjectSpec spec) {
        Optional<String> license = spec.license();
        if (license.isPresent() && GPL_COMPATIBLE_LICENSES.contains(license.get())) {
            return;
        }
        String licenseText = license.isEmpty() ? "there is no license section (the kernel then treats the programs "
                + "as not GPL-compatible)" : "the license is \"" + license.get() + "\", which is not GPL-compatible";
        Set<String> ksymFunctions = ksymFunctions(spec);
        boolean gplCallFound = false;
        List<ProgramSpec> all = new ArrayList<>(spec.programs());
        all.addAll(spec.subprograms());
        for (ProgramSpec program : all) {
            String subject = (program.isSubprogram() ? "function " : "program ") + program.name();
            for (int helper : program.helperIds()) {
                Optional<String> name = GplOnlyHelpers.name(helper);
                if (name.isPresent()) {
                    gplCallFound = true;
                    report(Rule.GPL_ONLY_HELPER, subject, "calls the GPL-only helper " + name.get() + " (#" + helper
                                    + "), but " + licenseText + "; the kernel refuses to load it (\"cannot call "
                                    + "GPL-restricted function from non-GPL compatible program\").",
                            "use a GPL-compatible license in SEC(\"license\"): one of " + quoted(GPL_COMPATIBLE_LICENSES)
                                    + " (e.g. \"Dual BSD/GPL\"), or stop calling " + name.get() + ".");
                }
            }
            for (String kfunc : new LinkedHashSet<>(program.kfuncCalls())) {
                if (ksymFunctions.contains(kfunc)) {
                    gplCallFound = true;
                    report(Rule.GPL_ONLY_HELPER, subject, "calls the kernel function (kfunc) " + kfunc + ", but "
                                    + licenseText + "; the kernel lets only GPL-compatible programs call kfuncs "
                                    + "(\"cannot call kernel function from non-GPL compatible program\").",
                            "use a GPL-compatible license in SEC(\"license\"): one of " + quoted(GPL_COMPATIBLE_LICENSES)
                                    + " (e.g. \"Dual BSD/GPL\"), or stop calling " + kfunc + ".");
                }
            }
        }
        if (license.isEmpty() && !gplCallFound) {
            report(Rule.LICENSE_MISSING, "object", "has no license section. It calls no GPL-only helper, so it loads; "
                            + "but the kernel treats it as not GPL-compatible, and the first GPL-only helper "
                            + "(bpf_printk, bpf_probe_read_kernel, bpf_get_current_task, ...) or kfunc it calls "
                            + "will make the kernel refuse it.",
                    LICENSE_FIX);
        }
    }

    /** The functions declared {@code extern ... __ksym} (the {@code .ksyms} DATASEC): kfuncs. */
    private static Set<String> ksymFunctions(BpfObjectSpec spec) {
        return externNames(spec, ".ksyms", true);
    }

    private static Set<String> externNames(BpfObjectSpec spec, String datasecName, boolean functions) {
        Set<String> names = new HashSet<>();
        if (spec.btf().isEmpty()) {
            return names;
        }
        Btf btf = spec.btf().get();
        Optional<BtfDatasec> datasec = btf.datasec(datasecName);
        if (datasec.isEmpty()) {
            return names;
        }
        for (BtfVarSecinfo info : datasec.get().vars()) {
            BtfType type = btf.type(info.typeId());
            if (functions && type instanceof BtfFunc func) {
                names.add(func.name());
            } else if (!functions && type instanceof BtfVar var) {
                names.add(var.name());
            }
        }
        return names;
    }

    // ---- externs --------------------------------------------------------------------------------

    private static final Map<String, String> BUILTINS = Map.of(
            "memcmp", "__builtin_memcmp", "memcpy", "__builtin_memcpy", "memset", "__builtin_memset",
            "memmove", "__builtin_memmove", "strlen", "__builtin_strlen", "strcmp", "__builtin_strcmp",
            "strncmp", "__builtin_strncmp", "bcmp", "__builtin_memcmp");

    /**
     * Calls of functions that are not in the object and not kfuncs, and extern variables that are
     * neither {@code __ksym} nor {@code __kconfig}: libbpf refuses the whole object at open
     * ("failed to find BTF for extern").
     */
    private void checkExterns(BpfObjectSpec spec) {
        Set<String> ksymFunctions = ksymFunctions(spec);
        Set<String> externVariables = externNames(spec, ".ksyms", false);
        externVariables.addAll(externNames(spec, ".kconfig", false));
        Set<String> reported = new HashSet<>();
        List<ProgramSpec> all = new ArrayList<>(spec.programs());
        all.addAll(spec.subprograms());
        for (ProgramSpec program : all) {
            String subject = (program.isSubprogram() ? "function " : "program ") + program.name();
            for (ProgramRelocation relocation : program.relocations()) {
                String name = relocation.symbolName();
                if (relocation.kind() == ProgramRelocation.Kind.KFUNC && !ksymFunctions.contains(name)
                        && reported.add(name)) {
                    String builtin = BUILTINS.get(name);
                    report(Rule.EXTERN_UNDEFINED, subject, "calls " + name + "(), which is defined nowhere in the "
                                    + "object and is not declared as a kernel function (__ksym): libbpf refuses the "
                                    + "object at open (\"failed to find BTF for extern '" + name + "'\")"
                                    + (builtin != null ? "; clang emitted this call for a " + name + " it could not "
                                    + "inline (a size not known at compile time, or no declaration in scope)" : "") + ".",
                            (builtin != null ? "use " + builtin + "(...) with a constant size (clang inlines it) or "
                                    + "write the loop yourself"
                                    : "declare it before use (an implicitly declared function is an undefined "
                                    + "extern), define it in this source (static __always_inline or a global "
                                    + "function), or, if it is a kernel function (kfunc), declare it "
                                    + "extern ... " + name + "(...) __ksym;")
                                    + "; a function defined in another source needs the sources linked into one "
                                    + "object.");
                } else if (relocation.kind() == ProgramRelocation.Kind.EXTERN && !externVariables.contains(name)
                        && !ksymFunctions.contains(name) && reported.add(name)) {
                    report(Rule.EXTERN_UNDEFINED, subject, "uses the extern " + name + ", which is neither a kernel "
                                    + "symbol (__ksym) nor a kernel config value (__kconfig) and is defined nowhere "
                                    + "in the object: libbpf refuses the object at open (\"failed to find BTF for "
                                    + "extern '" + name + "'\").",
                            "declare it extern ... " + name + " __ksym; (a kernel variable) or __kconfig (a "
                                    + "CONFIG_ value), or define it in this source.");
                }
            }
        }
    }

    // ---- BTF and maps ---------------------------------------------------------------------------

    private void checkBtf(BpfObjectSpec spec) {
        if (spec.btf().isEmpty()) {
            report(Rule.BTF_MISSING, "object", "has no .BTF section; BTF-defined maps, CO-RE relocations, global variables and the "
                            + "generated Java skeleton all need it.",
                    "compile with -g (the plugin adds it: remove -g0 or other debug-info options from <cflags>).");
        }
    }

    private void checkMaps(BpfObjectSpec spec) {
        if (spec.hasLegacyMapsSection()) {
            report(Rule.LEGACY_MAPS, "section \"maps\"", "defines maps the legacy way (struct bpf_map_def in SEC(\"maps\")), which "
                            + "libbpf 1.0 and later refuse.",
                    "declare each map as a BTF-defined map in SEC(\".maps\"): struct { __uint(type, "
                            + "BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, __u32); __type(value, "
                            + "__u64); } my_map SEC(\".maps\");");
        }
        Set<String> referenced = referencedMaps(spec);
        for (MapSpec map : spec.maps()) {
            checkMapDefinition(map);
            if (!referenced.contains(map.name())) {
                report(Rule.MAP_UNUSED, "map " + map.name(), "is not used: no instruction of any program refers to it.",
                        "remove it, or use it from a program (e.g. bpf_map_lookup_elem(&" + map.name() + ", &key)).");
            }
        }
    }

    private static Set<String> referencedMaps(BpfObjectSpec spec) {
        Set<String> names = new HashSet<>();
        List<ProgramSpec> all = new ArrayList<>(spec.programs());
        all.addAll(spec.subprograms());
        for (ProgramSpec program : all) {
            for (ProgramRelocation relocation : program.relocations()) {
                if (relocation.kind() == ProgramRelocation.Kind.MAP) {
                    names.add(relocation.symbolName());
                }
            }
        }
        // A map placed in another map's initial values (prog arrays, map-in-map) is used through it.
        for (MapSpec map : spec.maps()) {
            names.addAll(map.initialValues().values());
        }
        return names;
    }

    private void checkMapDefinition(MapSpec map) {
        String subject = "map " + map.name();
        if (!map.has(MapSpec.Field.TYPE)) {
            report(Rule.MAP_TYPE, subject, "has no type.", "add __uint(type, BPF_MAP_TYPE_...) to its definition.");
            return;
        }
        Optional<MapType> type = map.mapType();
        if (type.isEmpty() || type.get() == MapType.UNSPEC) {
            report(Rule.MAP_TYPE, subject, "has map type " + map.type() + ", which is not a known BPF map type.",
                    "use one of the BPF_MAP_TYPE_* constants from <linux/bpf.h>.");
            return;
        }
        String kind = "BPF_MAP_TYPE_" + type.get().name();
        switch (type.get()) {
            case RINGBUF, USER_RINGBUF -> {
                if (map.keySize() != 0 || map.valueSize() != 0) {
                    report(Rule.EVENT_MAP_SIZES, subject, "is a " + kind + " with a key or value (key size "
                                    + map.keySize() + ", value size " + map.valueSize() + "), which the kernel refuses "
                                    + "for a ring buffer. bpfj creates it without them and keeps the type for the "
                                    + "skeleton, as cilium/ebpf does for bpf2go; other libbpf loaders (bpftool, a C "
                                    + "skeleton) pass them on and the map fails to create with EINVAL.",
                            "to load it with those too, remove __type(key, ...)/__type(value, ...) and "
                                    + "key_size/value_size: a ring buffer only has max_entries, its size in bytes.");
                }
                long size = map.maxEntries();
                if (size == 0) {
                    runtimeSized(map, kind, " (its size in bytes)");
                } else if (size < 0 || size % PAGE_SIZE != 0 || Long.bitCount(size) != 1) {
                    report(Rule.RINGBUF_SIZE, subject, "is a " + kind + " of " + size + " bytes, which is not a power "
                                    + "of two times the page size; libbpf rounds it up at load, to " + ringSize(size)
                                    + " bytes with " + PAGE_SIZE + "-byte pages (the kernel only creates sizes like "
                                    + "that).",
                            "set __uint(max_entries, " + ringSize(size) + ") (e.g. 256 * 1024) to say what the "
                                    + "kernel will really create.");
                }
                checkLibbpfVersion(subject, kind, type.get());
            }
            case PERF_EVENT_ARRAY -> {
                // Left out (0), both are filled in at open by bpfj (cilium/ebpf does the same).
                if (map.keySize() != 0 && map.keySize() != 4 || map.valueSize() != 0 && map.valueSize() != 4) {
                    report(Rule.EVENT_MAP_SIZES, subject, "is a " + kind + " with key size " + map.keySize()
                                    + " and value size " + map.valueSize() + "; the kernel requires 4 for both (a CPU "
                                    + "index and a perf event fd). bpfj creates it so and keeps the value type for the "
                                    + "skeleton, as cilium/ebpf does for bpf2go; other libbpf loaders (bpftool, a C "
                                    + "skeleton) pass the sizes on and the map fails to create with EINVAL.",
                            "to load it with those too, use __uint(key_size, sizeof(int)) and "
                                    + "__uint(value_size, sizeof(int)).");
                }
            }
            case CGROUP_STORAGE, PERCPU_CGROUP_STORAGE -> {
                // The kernel sizes these itself; max_entries must be 0.
            }
            case SK_STORAGE, INODE_STORAGE, TASK_STORAGE, CGRP_STORAGE -> {
                if (map.maxEntries() != 0) {
                    report(Rule.MAP_DEFINITION, subject, "is a " + kind + " with max_entries " + map.maxEntries()
                                    + "; local storage maps must have max_entries 0.",
                            "remove __uint(max_entries, ...) from its definition.");
                }
                if ((map.flags() & BPF_F_NO_PREALLOC) == 0) {
                    report(Rule.MAP_DEFINITION, subject, "is a " + kind + " without BPF_F_NO_PREALLOC; the kernel refuses to create it.",
                            "add __uint(map_flags, BPF_F_NO_PREALLOC).");
                }
                checkKeySize(subject, kind, map, 4, "an int (fd)");
            }
            case STRUCT_OPS -> {
                // libbpf sizes struct_ops maps from the struct type.
            }
            default -> {
                if (map.maxEntries() == 0) {
                    runtimeSized(map, kind, "");
                }
                if ((type.get() == MapType.ARRAY_OF_MAPS || type.get() == MapType.HASH_OF_MAPS)
                        && map.innerMap().isEmpty()) {
                    report(Rule.INNER_MAP_RUNTIME, subject, "is a " + kind + " without an inner map definition "
                                    + "(__array(values, ...)): libbpf cannot create it unless the application gives it "
                                    + "a template map before load.",
                            "call innerMap(templateMap) on map " + map.name() + " between open and load (in the "
                                    + "skeleton: maps().<map>().innerMap(...)), or declare the inner map: "
                                    + "__array(values, struct { __uint(type, BPF_MAP_TYPE_...); ... });");
                }
                checkKeyAndValue(subject, kind, type.get(), map);
                checkLibbpfVersion(subject, kind, type.get());
            }
        }
    }

    /** A map whose max_entries is 0: the application must size it before load. */
    private void runtimeSized(MapSpec map, String kind, String unit) {
        report(Rule.MAP_MAX_ENTRIES, "map " + map.name(), "is a " + kind + " with max_entries 0: the application must "
                        + "size it before load" + unit + ", or the kernel refuses to create it.",
                "call maxEntries(n) on map " + map.name() + " between open and load (in the skeleton: maps()."
                        + "<map>().maxEntries(n); its load() refuses to go on without it), or give a default with "
                        + "__uint(max_entries, N).");
    }

    private void checkLibbpfVersion(String subject, String kind, MapType type) {
        Optional<LibbpfFeatures.Entry> newer = LibbpfFeatures.mapType(type.name());
        if (newer.isPresent() && settings.minLibbpf().isOlderThan(newer.get().since())) {
            report(Rule.LIBBPF_VERSION, subject, "is a " + kind + ", which needs libbpf \u2265 " + newer.get().since()
                            + " (configured minimum " + settings.minLibbpf() + ").",
                    "if the application requires libbpf " + newer.get().since() + " or newer, say so with <minLibbpf>"
                            + newer.get().since() + "</minLibbpf> (-Dbpf.minLibbpf=" + newer.get().since() + ").");
        }
    }

    /** ELF sections older libbpf skips without a word (a struct_ops map that never gets created). */
    private void checkElfSections(BpfObjectSpec spec) {
        for (var section : spec.elf().sections()) {
            Optional<LibbpfFeatures.Entry> newer = LibbpfFeatures.elfSection(section.name());
            if (newer.isPresent() && settings.minLibbpf().isOlderThan(newer.get().since())) {
                report(Rule.LIBBPF_VERSION, "section \"" + section.name() + "\"", "needs libbpf \u2265 "
                                + newer.get().since() + " (configured minimum " + settings.minLibbpf() + "): older "
                                + "libbpf skips the section, so what it defines never reaches the kernel.",
                        "if the application requires libbpf " + newer.get().since() + " or newer, say so with "
                                + "<minLibbpf>" + newer.get().since() + "</minLibbpf> (-Dbpf.minLibbpf="
                                + newer.get().since() + ")" + (section.name().equals(".struct_ops.link")
                                ? ", or use SEC(\".struct_ops\")" : "") + ".");
            }
        }
    }

    private void checkKeyAndValue(String subject, String kind, MapType type, MapSpec map) {
        switch (type) {
            case ARRAY, PERCPU_ARRAY, PROG_ARRAY, CGROUP_ARRAY, ARRAY_OF_MAPS, DEVMAP, CPUMAP, XSKMAP, SOCKMAP,
                    REUSEPORT_SOCKARRAY -> checkKeySize(subject, kind, map, 4, "__u32 (an index)");
            case STACK_TRACE -> checkKeySize(subject, kind, map, 4, "__u32 (a stack id)");
            case QUEUE, STACK, BLOOM_FILTER -> {
                if (map.keySize() != 0) {
                    report(Rule.MAP_DEFINITION, subject, "is a " + kind + " with key size " + map.keySize() + "; this map type has no "
                                    + "keys and the kernel refuses to create it.",
                            "remove __type(key, ...)/key_size from its definition.");
                }
            }
            case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH, LPM_TRIE, HASH_OF_MAPS, SOCKHASH, DEVMAP_HASH -> {
                if (map.keySize() == 0) {
                    report(Rule.MAP_SIZE_RUNTIME, subject, "is a " + kind + " without a key (key size 0): the "
                                    + "application must set the key size before load, or the kernel refuses to create it.",
                            "call keySize(n) on map " + map.name() + " between open and load (in the skeleton: maps()."
                                    + "<map>().map().keySize(n); its load() checks it), or add __type(key, <type>) (or "
                                    + "__uint(key_size, N)) to its definition.");
                }
            }
            default -> {
            }
        }
        boolean valueFilledIn = type == MapType.ARRAY_OF_MAPS || type == MapType.HASH_OF_MAPS
                || type == MapType.PROG_ARRAY || type == MapType.CGROUP_ARRAY || type == MapType.ARENA;
        boolean hasValue = type != MapType.STRUCT_OPS && type != MapType.ARENA;
        if (hasValue && !valueFilledIn && map.valueSize() == 0) {
            report(Rule.MAP_SIZE_RUNTIME, subject, "is a " + kind + " without a value (value size 0): the application "
                            + "must set the value size before load, or the kernel refuses to create it.",
                    "call valueSize(n) on map " + map.name() + " between open and load (in the skeleton: maps()."
                            + "<map>().map().valueSize(n); its load() checks it), or add __type(value, <type>) (or "
                            + "__uint(value_size, N)) to its definition.");
        }
        if (type == MapType.STACK_TRACE && map.valueSize() % 8 != 0) {
            report(Rule.MAP_DEFINITION, subject, "is a " + kind + " with value size " + map.valueSize() + "; stack trace values are "
                            + "arrays of 8-byte addresses.",
                    "use __uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(__u64)).");
        }
        if (type == MapType.LPM_TRIE && (map.flags() & BPF_F_NO_PREALLOC) == 0) {
            report(Rule.MAP_DEFINITION, subject, "is a " + kind + " without BPF_F_NO_PREALLOC; the kernel refuses to create it.",
                    "add __uint(map_flags, BPF_F_NO_PREALLOC).");
        }
    }

    private void checkKeySize(String subject, String kind, MapSpec map, int required, String what) {
        if (map.has(MapSpec.Field.KEY) || map.has(MapSpec.Field.KEY_SIZE)) {
            if (map.keySize() != required) {
                report(Rule.MAP_DEFINITION, subject, "is a " + kind + " with key size " + map.keySize() + "; its key must be " + what
                                + ", " + required + " bytes, or the kernel refuses to create it.",
                        "use __type(key, __u32) (or __uint(key_size, " + required + ")).");
            }
        }
    }

    private static long ringSize(long size) {
        long rounded = PAGE_SIZE;
        while (rounded < size && rounded < (1L << 40)) {
            rounded <<= 1;
        }
        return rounded;
    }

    // ---- unreachable global functions -----------------------------------------------------------

    /** The first libbpf that treats every function in .text as a subprogram, even an object's only one. */
    private static final LibbpfVersion SOLE_TEXT_FUNCTION_IS_SUBPROGRAM = new LibbpfVersion(1, 5);

    private void checkUnreachableGlobals(BpfObjectSpec spec) {
        Set<String> called = new LinkedHashSet<>();
        List<ProgramSpec> all = new ArrayList<>(spec.programs());
        all.addAll(spec.subprograms());
        for (ProgramSpec program : all) {
            called.addAll(program.calledFunctions());
            for (ProgramRelocation relocation : program.relocations()) {
                if (relocation.kind() == ProgramRelocation.Kind.FUNCTION_ADDRESS) {
                    called.add(relocation.symbolName());
                }
            }
        }
        Set<String> weak = new HashSet<>();
        for (var symbol : spec.elf().symbols()) {
            if (symbol.isWeak()) {
                weak.add(symbol.name());
            }
        }
        if (spec.programs().isEmpty() && spec.subprograms().size() == 1
                && settings.minLibbpf().isOlderThan(SOLE_TEXT_FUNCTION_IS_SUBPROGRAM)) {
            // libbpf before 1.5 takes the only function of an object for an entry program when it is
            // in .text ("obj->nr_programs > 1" in prog_is_subprog): one without a program type, so
            // bpf_object__load fails with "missing BPF prog type, check ELF section name '.text'".
            ProgramSpec function = spec.subprograms().get(0);
            report(Rule.LIBBPF_VERSION, "function " + function.name(), "is the object's only function and has no SEC() "
                            + "annotation: libbpf before " + SOLE_TEXT_FUNCTION_IS_SUBPROGRAM + " (configured minimum "
                            + settings.minLibbpf() + ") takes it for a program without a type and refuses to load the "
                            + "object (\"missing BPF prog type, check ELF section name '.text'\"); libbpf "
                            + SOLE_TEXT_FUNCTION_IS_SUBPROGRAM + " and newer ignore it, so the object loads no program.",
                    "add SEC(\"...\") before it if it is meant to be a program; otherwise remove it, or say that the "
                            + "application requires libbpf " + SOLE_TEXT_FUNCTION_IS_SUBPROGRAM + " with <minLibbpf>"
                            + SOLE_TEXT_FUNCTION_IS_SUBPROGRAM + "</minLibbpf>.");
            return;
        }
        for (ProgramSpec function : spec.subprograms()) {
            // A __weak function is a library's offer (libbpf's usdt.bpf.h defines several), not a forgotten SEC().
            if (function.isGlobal() && !weak.contains(function.name()) && !called.contains(function.name())) {
                report(Rule.GLOBAL_FUNCTION_UNUSED, "function " + function.name(), "is a global function in .text without a SEC() annotation, "
                                + "so it is not a program: libbpf never loads or attaches it, and no program calls it.",
                        "add SEC(\"...\") before it if it is meant to be a program, or make it static (or remove it) "
                                + "if it is a helper.");
            }
        }
    }

    private static String quoted(List<String> values) {
        StringBuilder text = new StringBuilder();
        for (String value : values) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append('"').append(value).append('"');
        }
        return text.toString();
    }

}
