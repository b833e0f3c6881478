package dev.bpfj.toolchain.validate;

import dev.bpfj.toolchain.BpfFormatException;
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
import java.util.Optional;
import java.util.Set;

/**
 * Finds, in a compiled BPF object, what the kernel or libbpf would reject at load time, and
 * likely mistakes. Pure Java over the ELF file and its {@link BpfObjectSpec}; the same answer on
 * every machine.
 *
 * <p>Errors: wrong ELF class/type/machine; a program section libbpf does not recognise (with a
 * "did you mean"); a tracepoint or raw tracepoint section without the parts it needs; a
 * BTF-attached program (fentry, lsm, iter, ...) without its target; no {@code license}
 * section; a GPL-only helper called under a license that is not GPL-compatible; no
 * {@code .BTF}; a legacy {@code maps} section; map definitions the kernel refuses to create.
 * Warnings: a global function outside any program section that nothing calls; a map no
 * instruction refers to; a bare {@code SEC("tracepoint")}/{@code SEC("raw_tp")} that cannot be
 * attached automatically.
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
    private final List<Problem> problems = new ArrayList<>();

    private BpfObjectValidator(String source) {
        this.source = source;
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
        return validate(sourceName, Files.readAllBytes(object));
    }

    /**
     * Validates an object's bytes.
     *
     * @param sourceName the source it was compiled from, as problems name it
     * @param bytes      the ELF file
     * @return every problem found, errors and warnings, in a stable order
     */
    public static List<Problem> validate(String sourceName, byte[] bytes) {
        BpfObjectValidator validator = new BpfObjectValidator(sourceName);
        if (!validator.checkElfHeader(bytes)) {
            return validator.problems;
        }
        BpfObjectSpec spec;
        try {
            spec = BpfObjectSpec.parse(sourceName, bytes);
        } catch (BpfFormatException | RuntimeException malformed) {
            validator.error("object", "cannot be read as a BPF object: " + malformed.getMessage() + ".",
                    "rebuild it; if clang produced this file from valid C, report it with the source attached.");
            return validator.problems;
        }
        try {
            validator.checkPrograms(spec);
            validator.checkLicense(spec);
            validator.checkBtf(spec);
            validator.checkMaps(spec);
            validator.checkUnreachableGlobals(spec);
        } catch (RuntimeException bug) {
            // Hostile input must end in a clear build error, never a plugin crash.
            validator.error("object", "could not be checked: " + bug + ".",
                    "this is a bug in bpfj's validation; please report it with the source attached.");
        }
        return validator.problems;
    }

    private void error(String subject, String message, String fix) {
        problems.add(new Problem(Problem.Severity.ERROR, source, subject, message, fix));
    }

    private void warning(String subject, String message, String fix) {
        problems.add(new Problem(Problem.Severity.WARNING, source, subject, message, fix));
    }

    // ---- ELF header ---------------------------------------------------------------------------

    private boolean checkElfHeader(byte[] bytes) {
        if (bytes.length < 64 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
            error("object", "is not an ELF file.", "make sure the file is what clang -c -target bpf wrote.");
            return false;
        }
        if (bytes[4] != 2) {
            error("object", "is a 32-bit ELF file (ELFCLASS32); BPF objects are 64-bit.",
                    "compile with -target bpf and remove -m32 or another -target from <cflags>.");
            return false;
        }
        if (bytes[5] != 1 && bytes[5] != 2) {
            error("object", "has an unknown ELF byte order (EI_DATA " + bytes[5] + ").",
                    "compile with -target bpf, bpfel or bpfeb.");
            return false;
        }
        ByteBuffer header = ByteBuffer.wrap(bytes).order(bytes[5] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int type = header.getShort(16) & 0xffff;
        int machine = header.getShort(18) & 0xffff;
        boolean ok = true;
        if (machine != EM_BPF) {
            error("object", "is machine code for " + machineName(machine) + " (ELF machine " + machine
                    + "), not BPF (ELF machine " + EM_BPF + "); the kernel cannot load it.",
                    "compile with -target bpf: remove the -target/-march option from <cflags> (bpf.cflags) and "
                            + "use <target> (bpf.target) to choose bpfel or bpfeb.");
            ok = false;
        }
        if (type != ET_REL) {
            error("object", "is an ELF " + typeName(type) + ", but libbpf loads relocatable objects (ET_REL) only.",
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
            Optional<String> suggestion = SectionDefinitions.suggest(section);
            error(subject, "is in SEC(\"" + written + "\"), which is not a program type libbpf recognises; "
                            + "opening the object would fail.",
                    suggestion.map(s -> "did you mean SEC(\"" + (written.startsWith("?") ? "?" : "") + s + "\")?")
                            .orElse("use one of libbpf's section names, e.g. SEC(\"tracepoint/<category>/<name>\"), "
                                    + "SEC(\"raw_tp/<name>\"), SEC(\"kprobe/<function>\"), SEC(\"uprobe\"), "
                                    + "SEC(\"xdp\"), SEC(\"tc/ingress\"), SEC(\"fentry/<function>\")."));
            return;
        }
        SectionDefinitions.Definition definition = match.get();
        String rest = section.length() > definition.name().length()
                ? section.substring(definition.name().length() + 1) : null;
        switch (definition.target()) {
            case TRACEPOINT -> checkTracepoint(subject, written, definition.name(), rest);
            case RAW_TRACEPOINT -> checkRawTracepoint(subject, written, definition.name(), rest);
            case BTF_TARGET -> {
                if (rest == null || rest.isEmpty()) {
                    String example = definition.name().startsWith("iter") ? "task"
                            : definition.name().startsWith("tp_btf") ? "sched_switch"
                            : definition.name().startsWith("lsm") ? "file_open" : "do_unlinkat";
                    error(subject, "is in SEC(\"" + written + "\") without a target; libbpf resolves the "
                                    + definition.name() + " target through the kernel's BTF at load time and fails "
                                    + "without one.",
                            "name the target, e.g. SEC(\"" + definition.name() + "/" + example + "\").");
                }
            }
            case OPTIONAL -> {
                // Anything (or nothing) may follow; a bare section is attached by hand.
            }
        }
    }

    private void checkTracepoint(String subject, String written, String prefix, String rest) {
        if (rest == null) {
            warning(subject, "is in SEC(\"" + written + "\") without <category>/<name>, so libbpf cannot attach it "
                            + "automatically (it loads, and can only be attached by hand with a category and name).",
                    "write SEC(\"" + prefix + "/<category>/<name>\"), e.g. SEC(\"" + prefix
                            + "/syscalls/sys_enter_openat\").");
            return;
        }
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            String example = slash < 0 && rest.startsWith("sys_") ? prefix + "/syscalls/" + rest
                    : prefix + "/syscalls/sys_enter_openat";
            error(subject, "is in SEC(\"" + written + "\"), but a tracepoint section needs both a category and "
                            + "a name (" + prefix + "/<category>/<name>, as under /sys/kernel/tracing/events); "
                            + "attaching would fail.",
                    "write SEC(\"" + example + "\").");
            return;
        }
        String category = rest.substring(0, slash);
        Optional<String> nearMiss = TracepointCategories.nearMiss(category);
        if (nearMiss.isPresent()) {
            error(subject, "is in SEC(\"" + written + "\"), but the kernel has no tracepoint category '" + category
                            + "'; attaching would fail.",
                    "did you mean SEC(\"" + (written.startsWith("?") ? "?" : "") + prefix + "/" + nearMiss.get()
                            + rest.substring(slash) + "\")?");
        }
    }

    private void checkRawTracepoint(String subject, String written, String prefix, String rest) {
        if (rest == null) {
            warning(subject, "is in SEC(\"" + written + "\") without a tracepoint name, so libbpf cannot attach it "
                            + "automatically (it loads, and can only be attached by hand with a name).",
                    "write SEC(\"" + prefix + "/<name>\"), e.g. SEC(\"" + prefix + "/sched_switch\").");
        } else if (rest.isEmpty()) {
            error(subject, "is in SEC(\"" + written + "\") with an empty tracepoint name; attaching would fail.",
                    "write SEC(\"" + prefix + "/<name>\"), e.g. SEC(\"" + prefix + "/sched_switch\").");
        } else if (rest.contains("/")) {
            error(subject, "is in SEC(\"" + written + "\"), but raw tracepoints are named without a category; "
                            + "attaching to '" + rest + "' would fail.",
                    "write SEC(\"" + prefix + "/" + rest.substring(rest.lastIndexOf('/') + 1) + "\").");
        }
    }

    // ---- license and GPL-only helpers -----------------------------------------------------------

    private void checkLicense(BpfObjectSpec spec) {
        Optional<String> license = spec.license();
        if (license.isEmpty()) {
            error("object", "has no license section; the kernel then treats every program as not GPL-compatible "
                    + "and refuses GPL-only helpers such as bpf_probe_read_kernel and bpf_trace_printk.", LICENSE_FIX);
            return;
        }
        if (GPL_COMPATIBLE_LICENSES.contains(license.get())) {
            return;
        }
        List<ProgramSpec> all = new ArrayList<>(spec.programs());
        all.addAll(spec.subprograms());
        for (ProgramSpec program : all) {
            for (int helper : program.helperIds()) {
                Optional<String> name = GplOnlyHelpers.name(helper);
                if (name.isPresent()) {
                    error((program.isSubprogram() ? "function " : "program ") + program.name(),
                            "calls the GPL-only helper " + name.get() + " (#" + helper + "), but the license is \""
                                    + license.get() + "\", which is not GPL-compatible; the kernel refuses to load it "
                                    + "(\"cannot call GPL-restricted function from non-GPL compatible program\").",
                            "use a GPL-compatible license in SEC(\"license\"): one of "
                                    + quoted(GPL_COMPATIBLE_LICENSES) + " (e.g. \"Dual BSD/GPL\"), or stop calling "
                                    + name.get() + ".");
                }
            }
        }
    }

    // ---- BTF and maps ---------------------------------------------------------------------------

    private void checkBtf(BpfObjectSpec spec) {
        if (spec.btf().isEmpty()) {
            error("object", "has no .BTF section; BTF-defined maps, CO-RE relocations, global variables and the "
                            + "generated Java skeleton all need it.",
                    "compile with -g (the plugin adds it: remove -g0 or other debug-info options from <cflags>).");
        }
    }

    private void checkMaps(BpfObjectSpec spec) {
        if (spec.hasLegacyMapsSection()) {
            error("section \"maps\"", "defines maps the legacy way (struct bpf_map_def in SEC(\"maps\")), which "
                            + "libbpf 1.0 and later refuse.",
                    "declare each map as a BTF-defined map in SEC(\".maps\"): struct { __uint(type, "
                            + "BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, __u32); __type(value, "
                            + "__u64); } my_map SEC(\".maps\");");
        }
        Set<String> referenced = referencedMaps(spec);
        for (MapSpec map : spec.maps()) {
            checkMapDefinition(map);
            if (!referenced.contains(map.name())) {
                warning("map " + map.name(), "is not used: no instruction of any program refers to it.",
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
            error(subject, "has no type.", "add __uint(type, BPF_MAP_TYPE_...) to its definition.");
            return;
        }
        Optional<MapType> type = map.mapType();
        if (type.isEmpty() || type.get() == MapType.UNSPEC) {
            error(subject, "has map type " + map.type() + ", which is not a known BPF map type.",
                    "use one of the BPF_MAP_TYPE_* constants from <linux/bpf.h>.");
            return;
        }
        String kind = "BPF_MAP_TYPE_" + type.get().name();
        switch (type.get()) {
            case RINGBUF, USER_RINGBUF -> {
                if (map.keySize() != 0 || map.valueSize() != 0) {
                    error(subject, "is a " + kind + " with a key or value (key size " + map.keySize()
                                    + ", value size " + map.valueSize() + "); the kernel refuses to create it.",
                            "remove __type(key, ...)/__type(value, ...) and key_size/value_size: a ring buffer "
                                    + "only has max_entries (its size in bytes).");
                }
                long size = map.maxEntries();
                if (size <= 0 || size % PAGE_SIZE != 0 || Long.bitCount(size) != 1) {
                    error(subject, "is a " + kind + " of " + size + " bytes; the kernel only creates ring buffers "
                                    + "whose size is a power of two and a multiple of the page size (" + PAGE_SIZE
                                    + " bytes here).",
                            "set __uint(max_entries, " + ringSize(size) + ") (e.g. 256 * 1024).");
                }
            }
            case PERF_EVENT_ARRAY -> {
                if (map.keySize() != 0 && map.keySize() != 4 || map.valueSize() != 0 && map.valueSize() != 4) {
                    error(subject, "is a " + kind + " with key size " + map.keySize() + " and value size "
                                    + map.valueSize() + "; the kernel requires 4 for both (a CPU index and a perf "
                                    + "event fd).",
                            "use __uint(key_size, sizeof(int)) and __uint(value_size, sizeof(int)), or leave both "
                                    + "out (libbpf fills them in).");
                }
            }
            case CGROUP_STORAGE, PERCPU_CGROUP_STORAGE -> {
                // The kernel sizes these itself; max_entries must be 0.
            }
            case SK_STORAGE, INODE_STORAGE, TASK_STORAGE, CGRP_STORAGE -> {
                if (map.maxEntries() != 0) {
                    error(subject, "is a " + kind + " with max_entries " + map.maxEntries()
                                    + "; local storage maps must have max_entries 0.",
                            "remove __uint(max_entries, ...) from its definition.");
                }
                if ((map.flags() & BPF_F_NO_PREALLOC) == 0) {
                    error(subject, "is a " + kind + " without BPF_F_NO_PREALLOC; the kernel refuses to create it.",
                            "add __uint(map_flags, BPF_F_NO_PREALLOC).");
                }
                checkKeySize(subject, kind, map, 4, "an int (fd)");
            }
            case STRUCT_OPS -> {
                // libbpf sizes struct_ops maps from the struct type.
            }
            default -> {
                if (map.maxEntries() == 0) {
                    error(subject, "is a " + kind + " without max_entries; the kernel refuses to create a map "
                                    + "with 0 entries.",
                            "add __uint(max_entries, N) to its definition as a default (a program that sizes "
                                    + "the map at run time can still change it before load, with the skeleton's "
                                    + "maps().<name>().maxEntries(n) or BpfMap.maxEntries(n)).");
                }
                checkKeyAndValue(subject, kind, type.get(), map);
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
                    error(subject, "is a " + kind + " with key size " + map.keySize() + "; this map type has no "
                                    + "keys and the kernel refuses to create it.",
                            "remove __type(key, ...)/key_size from its definition.");
                }
            }
            case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH, LPM_TRIE, HASH_OF_MAPS, SOCKHASH, DEVMAP_HASH -> {
                if (map.keySize() == 0) {
                    error(subject, "is a " + kind + " without a key (key size 0); the kernel refuses to create it.",
                            "add __type(key, <type>) (or __uint(key_size, N)) to its definition.");
                }
            }
            default -> {
            }
        }
        boolean valueFilledIn = type == MapType.ARRAY_OF_MAPS || type == MapType.HASH_OF_MAPS
                || type == MapType.PROG_ARRAY || type == MapType.CGROUP_ARRAY || type == MapType.ARENA;
        boolean hasValue = type != MapType.STRUCT_OPS && type != MapType.ARENA;
        if (hasValue && !valueFilledIn && map.valueSize() == 0) {
            error(subject, "is a " + kind + " without a value (value size 0); the kernel refuses to create it.",
                    "add __type(value, <type>) (or __uint(value_size, N)) to its definition.");
        }
        if (type == MapType.STACK_TRACE && map.valueSize() % 8 != 0) {
            error(subject, "is a " + kind + " with value size " + map.valueSize() + "; stack trace values are "
                            + "arrays of 8-byte addresses.",
                    "use __uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(__u64)).");
        }
        if (type == MapType.LPM_TRIE && (map.flags() & BPF_F_NO_PREALLOC) == 0) {
            error(subject, "is a " + kind + " without BPF_F_NO_PREALLOC; the kernel refuses to create it.",
                    "add __uint(map_flags, BPF_F_NO_PREALLOC).");
        }
    }

    private void checkKeySize(String subject, String kind, MapSpec map, int required, String what) {
        if (map.has(MapSpec.Field.KEY) || map.has(MapSpec.Field.KEY_SIZE)) {
            if (map.keySize() != required) {
                error(subject, "is a " + kind + " with key size " + map.keySize() + "; its key must be " + what
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
        for (ProgramSpec function : spec.subprograms()) {
            if (function.isGlobal() && !called.contains(function.name())) {
                warning("function " + function.name(), "is a global function in .text without a SEC() annotation, "
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
