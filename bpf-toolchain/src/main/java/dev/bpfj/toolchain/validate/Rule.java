package dev.bpfj.toolchain.validate;

import java.util.Locale;
import java.util.Optional;

/**
 * The validation rules, one entry each: a stable id ({@code BPF032}), a short name
 * ({@code map-max-entries}), the severity a problem gets unless the build says otherwise, whether
 * the build may lower it, and what the rule catches. Every {@link Problem} the validator reports
 * carries its rule, and its message starts with {@code [BPF032 map-max-entries]}.
 *
 * <p>Ids never change meaning and are never reused; a retired rule keeps its number. A build
 * changes a rule's severity by id or name ({@link ValidationSettings}); rules whose problems make
 * the object unusable for everything after validation (not ELF, not BPF, unreadable) cannot be
 * lowered. {@code docs/validation.md} documents every entry (a test keeps the two in step).
 */
public enum Rule {

    /** The file is not a 64-bit relocatable BPF ELF object. */
    ELF_HEADER("BPF001", "elf-header", Problem.Severity.ERROR, false,
            "not an ELF file, 32-bit, unknown byte order, not EM_BPF, or not relocatable (ET_REL)"),
    /** The ELF file cannot be read as a BPF object. */
    OBJECT_MALFORMED("BPF002", "object-malformed", Problem.Severity.ERROR, false,
            "the ELF, BTF or instructions are malformed"),
    /** No {@code .BTF}. */
    BTF_MISSING("BPF003", "btf-missing", Problem.Severity.ERROR, true,
            "no .BTF section (compiled without -g)"),
    /** A program section libbpf does not know. */
    SECTION_UNKNOWN("BPF010", "section-unknown", Problem.Severity.ERROR, true,
            "a program's SEC() is no program type libbpf knows (with a did-you-mean)"),
    /** A section name, map type or feature newer than the libbpf the application targets. */
    LIBBPF_VERSION("BPF011", "libbpf-version", Problem.Severity.ERROR, true,
            "a SEC() name, map type or object feature needs a newer libbpf than the configured minimum (bpf.minLibbpf)"),
    /** A tracepoint program libbpf cannot attach by itself. */
    TRACEPOINT_MANUAL_ATTACH("BPF012", "tracepoint-manual-attach", Problem.Severity.WARNING, true,
            "SEC(\"tracepoint\"), SEC(\"tracepoint/<name>\") without category, or a bare SEC(\"raw_tp\"): "
                    + "loads, but the application must attach it by hand"),
    /** A section libbpf 1.0 no longer types, which bpfj's runtime types by the old prefix rule. */
    SECTION_LEGACY_PREFIX("BPF016", "section-legacy-prefix", Problem.Severity.WARNING, true,
            "a SEC() that libbpf before 1.0 typed by its start (SEC(\"xdp_router\"), SEC(\"classifier_egress\")): "
                    + "bpfj's runtime gives the program that type at open, other libbpf 1.x loaders fail"),
    /** A tracepoint section that can never attach. */
    TRACEPOINT_MALFORMED("BPF013", "tracepoint-malformed", Problem.Severity.ERROR, true,
            "a tracepoint section with an empty category or name, or a raw tracepoint named with a category"),
    /** A tracepoint category one typo away from a known one. */
    TRACEPOINT_CATEGORY("BPF014", "tracepoint-category", Problem.Severity.ERROR, true,
            "a tracepoint category that does not exist but is one typo away from one that does"),
    /** A BTF-attached program whose target the application sets. */
    ATTACH_TARGET_RUNTIME("BPF015", "attach-target-runtime", Problem.Severity.WARNING, true,
            "SEC(\"fentry\"), SEC(\"fexit\"), SEC(\"lsm\"), SEC(\"freplace\"), SEC(\"tp_btf\"), SEC(\"iter\")... "
                    + "without a target: the application must call attachTarget(...) before load"),
    /** No license section, and no GPL-only helper called. */
    LICENSE_MISSING("BPF020", "license-missing", Problem.Severity.WARNING, true,
            "no SEC(\"license\"); harmless until a GPL-only helper is called"),
    /** A GPL-only helper under a license that is missing or not GPL-compatible. */
    GPL_ONLY_HELPER("BPF021", "gpl-only-helper", Problem.Severity.ERROR, true,
            "a GPL-only helper called without a GPL-compatible license: the kernel refuses the program"),
    /** A legacy {@code maps} section. */
    LEGACY_MAPS("BPF030", "legacy-maps", Problem.Severity.ERROR, true,
            "maps defined with struct bpf_map_def in SEC(\"maps\"), which libbpf 1.0 refuses"),
    /** A map without a type or with an unknown type. */
    MAP_TYPE("BPF031", "map-type", Problem.Severity.ERROR, true,
            "a map without a type, or with a type number no kernel knows"),
    /** A map sized by the application. */
    MAP_MAX_ENTRIES("BPF032", "map-max-entries", Problem.Severity.WARNING, true,
            "a map with max_entries 0: the application must call maxEntries(n) before load"),
    /** A ring buffer size that libbpf rounds up. */
    RINGBUF_SIZE("BPF033", "ringbuf-size", Problem.Severity.WARNING, true,
            "a ring buffer whose size is not a power-of-two multiple of the page size: libbpf rounds it up"),
    /** A map definition the kernel refuses to create. */
    MAP_DEFINITION("BPF034", "map-definition", Problem.Severity.ERROR, true,
            "key/value sizes, flags or max_entries the kernel refuses for the map's type"),
    /** A map-in-map without an inner map definition. */
    INNER_MAP_RUNTIME("BPF035", "inner-map-runtime", Problem.Severity.WARNING, true,
            "an ARRAY_OF_MAPS/HASH_OF_MAPS without __array(values, ...): the application must call innerMap(...) "
                    + "before load"),
    /** A map whose key or value size the application sets. */
    MAP_SIZE_RUNTIME("BPF037", "map-size-runtime", Problem.Severity.WARNING, true,
            "a map whose type needs a key or value but whose definition gives none (size 0): the application must call "
                    + "keySize(n)/valueSize(n) before load"),
    /** A ring buffer or perf event array with sizes the kernel refuses, which bpfj's runtime fixes. */
    EVENT_MAP_SIZES("BPF038", "event-map-sizes", Problem.Severity.WARNING, true,
            "a ring buffer with a key or value, or a perf event array whose key or value is not 4 bytes (the "
                    + "cilium/ebpf way to name the record type): bpfj creates the map with the sizes the kernel "
                    + "accepts, other libbpf loaders fail"),
    /** A map no instruction uses. */
    MAP_UNUSED("BPF036", "map-unused", Problem.Severity.WARNING, true,
            "a map that no instruction refers to"),
    /** A call of a function that is neither defined nor a kfunc, or an extern that is neither __ksym nor __kconfig. */
    EXTERN_UNDEFINED("BPF040", "extern-undefined", Problem.Severity.ERROR, true,
            "a call of a function defined nowhere in the object and not declared __ksym (memcmp emitted by clang, "
                    + "an implicitly declared function), or an extern variable that is neither __ksym nor __kconfig: "
                    + "libbpf refuses the object at open"),
    /** A global function nothing calls and no section names. */
    GLOBAL_FUNCTION_UNUSED("BPF041", "global-function-unused", Problem.Severity.WARNING, true,
            "a global function in .text without SEC() that no program calls"),
    /** The validator itself failed. */
    VALIDATOR_BUG("BPF099", "validator-bug", Problem.Severity.ERROR, true,
            "the validator failed on this object (a bug in bpfj; lower it to build anyway)");

    private final String id;
    private final String slug;
    private final Problem.Severity defaultSeverity;
    private final boolean lowerable;
    private final String summary;

    Rule(String id, String slug, Problem.Severity defaultSeverity, boolean lowerable, String summary) {
        this.id = id;
        this.slug = slug;
        this.defaultSeverity = defaultSeverity;
        this.lowerable = lowerable;
        this.summary = summary;
    }

    /** @return the stable id, {@code BPF032} */
    public String id() {
        return id;
    }

    /** @return the short name, {@code map-max-entries} */
    public String slug() {
        return slug;
    }

    /** @return the severity a problem of this rule gets unless the build changes it */
    public Problem.Severity defaultSeverity() {
        return defaultSeverity;
    }

    /** @return whether a build may lower this rule to a warning or switch it off */
    public boolean lowerable() {
        return lowerable;
    }

    /** @return one line on what the rule catches */
    public String summary() {
        return summary;
    }

    /** @return the tag that starts a problem's message: {@code [BPF032 map-max-entries]} */
    public String tag() {
        return "[" + id + " " + slug + "]";
    }

    /**
     * Finds a rule by id or short name, ignoring case ({@code BPF032}, {@code bpf032},
     * {@code map-max-entries}).
     *
     * @param key an id or a short name
     * @return the rule, or empty
     */
    public static Optional<Rule> find(String key) {
        String wanted = key.strip().toLowerCase(Locale.ROOT);
        for (Rule rule : values()) {
            if (rule.id.toLowerCase(Locale.ROOT).equals(wanted) || rule.slug.equals(wanted)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }
}
