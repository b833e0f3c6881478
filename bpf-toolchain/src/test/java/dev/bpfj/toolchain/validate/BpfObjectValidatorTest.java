package dev.bpfj.toolchain.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.clang.BpfCompiler;
import dev.bpfj.toolchain.clang.BuildLog;
import dev.bpfj.toolchain.clang.CompileRequest;
import dev.bpfj.toolchain.clang.ObjectChecker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each rule on a real object compiled by clang from a small inline source. */
class BpfObjectValidatorTest {

    private static final String HEADERS = "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n";
    private static final String GPL = "char LICENSE[] SEC(\"license\") = \"GPL\";\n";

    @TempDir
    Path dir;

    private List<Problem> problems(String source, String... cflags) throws Exception {
        return problems(ValidationSettings.defaults(), source, cflags);
    }

    private List<Problem> problems(ValidationSettings settings, String source, String... cflags) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("t.bpf.c"), source);
        new BpfCompiler(BuildLog.silent(), ObjectChecker.none())
                .compile(CompileRequest.builder(src, dir.resolve("out")).cflags(List.of(cflags)).parallelism(1).build());
        return BpfObjectValidator.validate(dir.resolve("out/t.bpf.o"), "t.bpf.c", settings);
    }

    private static void assertRule(Problem problem, Rule rule, Problem.Severity severity) {
        assertEquals(rule, problem.rule(), problem.toString());
        assertEquals(severity, problem.severity(), problem.toString());
        assertTrue(problem.toString().contains(": " + rule.tag() + " "), problem.toString());
    }

    private static Problem only(List<Problem> problems) {
        assertEquals(1, problems.size(), problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        return problems.get(0);
    }

    private static void assertError(Problem problem, String subject, String messagePart, String fixPart) {
        assertEquals(Problem.Severity.ERROR, problem.severity(), problem.toString());
        assertEquals("t.bpf.c", problem.source());
        assertEquals(subject, problem.subject(), problem.toString());
        assertTrue(problem.message().contains(messagePart), problem.toString());
        assertTrue(problem.fix().contains(fixPart), problem.toString());
    }

    private static String program(String section, String body) {
        return "SEC(\"" + section + "\")\nint handler(void *ctx)\n{\n" + body + "\n    return 0;\n}\n";
    }

    @Test
    void aCorrectObjectHasNoProblems() throws Exception {
        String source = HEADERS + """
                struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 256 * 1024); } events SEC(".maps");
                struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, __u64); } seen SEC(".maps");
                """ + program("tracepoint/syscalls/sys_enter_openat", """
                    __u32 key = 1; __u64 one = 1;
                    bpf_map_update_elem(&seen, &key, &one, BPF_ANY);
                    bpf_ringbuf_output(&events, &key, sizeof(key), 0);
                    bpf_printk("open");""") + GPL;
        assertEquals(List.of(), problems(source));
    }

    @Test
    void wrongMachine() throws Exception {
        Problem problem = only(problems("int f(void) { return 0; }\n", "-target", "x86_64-linux-gnu"));
        assertError(problem, "object", "machine code for x86-64 (ELF machine 62), not BPF", "-target bpf");
    }

    @Test
    void notAnElfFileAndShortFiles() {
        Problem problem = only(BpfObjectValidator.validate("t.bpf.c", "garbage".getBytes()));
        assertError(problem, "object", "is not an ELF file", "clang");
    }

    @Test
    void unknownSectionGetsASuggestion() throws Exception {
        Problem problem = only(problems(HEADERS + program("tracepont/syscalls/sys_enter_openat", "") + GPL));
        assertError(problem, "program handler", "SEC(\"tracepont/syscalls/sys_enter_openat\"), which is not a program"
                + " type libbpf recognises", "did you mean SEC(\"tracepoint/syscalls/sys_enter_openat\")?");

        problem = only(problems(HEADERS + program("kprobe_do_sys_open", "") + GPL));
        assertError(problem, "program handler", "not a program type", "did you mean SEC(\"kprobe/do_sys_open\")?");

        problem = only(problems(HEADERS + program("cgroup/connect44", "") + GPL));
        assertError(problem, "program handler", "not a program type", "did you mean SEC(\"cgroup/connect4\")?");

        problem = only(problems(HEADERS + program("completely_wrong", "") + GPL));
        assertError(problem, "program handler", "not a program type", "use one of libbpf's section names");
    }

    @Test
    void oldPrefixSectionsAreWarningsThatBpfjTypesThem() throws Exception {
        // xdp-tutorial's style: libbpf 0.x typed these by their start; bpfj's runtime does too
        // (LegacySectionsTest loads such programs), other libbpf 1.x loaders do not.
        Problem xdp = only(problems(HEADERS + program("xdp_patch_ports", "") + GPL));
        assertRule(xdp, Rule.SECTION_LEGACY_PREFIX, Problem.Severity.WARNING);
        assertTrue(xdp.message().contains("is in SEC(\"xdp_patch_ports\"), which libbpf before 1.0 took for a "
                + "BPF_PROG_TYPE_XDP program by its start, \"xdp\""), xdp.toString());
        assertTrue(xdp.fix().contains("name the section SEC(\"xdp\")"), xdp.toString());
        assertRule(only(problems(HEADERS + program("?classifier_egress", "") + GPL)), Rule.SECTION_LEGACY_PREFIX,
                Problem.Severity.WARNING);
        // a section a newer libbpf knows is not an old prefix: it needs that libbpf
        assertRule(only(problems(HEADERS + program("tcx/ingress", "") + GPL)), Rule.LIBBPF_VERSION, Problem.Severity.ERROR);
    }

    @Test
    void tracepointCategoryNearMiss() throws Exception {
        Problem problem = only(problems(HEADERS + program("tracepoint/syscall/sys_enter_open", "") + GPL));
        assertError(problem, "program handler", "no tracepoint category 'syscall'",
                "did you mean SEC(\"tracepoint/syscalls/sys_enter_open\")?");
    }

    @Test
    void tracepointWithoutCategoryOrName() throws Exception {
        Problem problem = only(problems(HEADERS + program("tracepoint/sys_enter_open", "") + GPL));
        assertRule(problem, Rule.TRACEPOINT_MANUAL_ATTACH, Problem.Severity.WARNING);
        assertTrue(problem.message().contains("a tracepoint name without its category"), problem.toString());
        assertTrue(problem.fix().contains("attachTracepoint(\"syscalls\", \"sys_enter_open\")"), problem.toString());

        Problem empty = only(problems(HEADERS + program("tracepoint/syscalls/", "") + GPL));
        assertRule(empty, Rule.TRACEPOINT_MALFORMED, Problem.Severity.ERROR);

        Problem bare = only(problems(HEADERS + program("tp", "") + GPL));
        assertEquals(Problem.Severity.WARNING, bare.severity());
        assertTrue(bare.message().contains("cannot attach it by itself"), bare.toString());

        Problem raw = only(problems(HEADERS + program("raw_tp/sched/sched_switch", "") + GPL));
        assertError(raw, "program handler", "raw tracepoints are named without a category", "SEC(\"raw_tp/sched_switch\")");
    }

    @Test
    void btfAttachedProgramsNeedATarget() throws Exception {
        Problem problem = only(problems(HEADERS + program("fentry", "") + GPL));
        assertRule(problem, Rule.ATTACH_TARGET_RUNTIME, Problem.Severity.WARNING);
        assertTrue(problem.message().contains("without a target"), problem.toString());
        assertTrue(problem.fix().contains("attachTarget(\"do_unlinkat\") on program handler"), problem.toString());
        Problem freplace = only(problems(HEADERS + program("freplace", "") + GPL));
        assertTrue(freplace.fix().contains("attachTarget(targetProgram, \"<function>\")"), freplace.toString());
    }

    @Test
    void everyKnownSectionFormIsAccepted() throws Exception {
        for (String section : List.of("?tracepoint/sched/sched_switch", "tp/syscalls/sys_exit_read", "raw_tp/sched_switch",
                "tp_btf/sched_switch", "fentry/do_unlinkat", "fexit.s/x", "kprobe/do_sys_open", "kretprobe",
                "kprobe.multi/tcp_*", "ksyscall/openat", "uprobe", "uretprobe.s//bin/bash:readline", "usdt",
                "xdp", "xdp.frags", "tc", "tcx/egress", "classifier", "cgroup_skb/egress", "cgroup/bind4",
                "sockops", "sk_msg", "sk_skb/stream_verdict", "lsm/file_open", "iter/task", "syscall",
                "perf_event", "socket", "netfilter", "sk_lookup", "struct_ops/x", "flow_dissector")) {
            assertTrue(SectionDefinitions.match(SectionDefinitions.withoutAutoloadMarker(section)).isPresent(), section);
        }
        assertTrue(SectionDefinitions.match("xdp/foo").isEmpty(), "xdp takes no suffix in libbpf 1.x");
    }

    @Test
    void missingLicenseIsAWarningUntilAGplOnlyHelperIsCalled() throws Exception {
        Problem problem = only(problems(HEADERS + program("xdp", "")));
        assertRule(problem, Rule.LICENSE_MISSING, Problem.Severity.WARNING);
        assertTrue(problem.message().contains("has no license section"), problem.toString());
        assertTrue(problem.fix().contains("char LICENSE[] SEC(\"license\")"), problem.toString());

        Problem gpl = only(problems(HEADERS + program("xdp", "    bpf_printk(\"x\");")));
        assertRule(gpl, Rule.GPL_ONLY_HELPER, Problem.Severity.ERROR);
        assertTrue(gpl.message().contains("bpf_trace_printk (#6), but there is no license section"), gpl.toString());
    }

    @Test
    void sectionsNeedingANewerLibbpfThanTheConfiguredMinimum() throws Exception {
        String source = HEADERS + program("tcx/ingress", "") + GPL;
        Problem problem = only(problems(source));
        assertRule(problem, Rule.LIBBPF_VERSION, Problem.Severity.ERROR);
        assertTrue(problem.message().contains("needs libbpf \u2265 1.3 (configured minimum 1.0)"), problem.toString());
        assertTrue(problem.fix().contains("-Dbpf.minLibbpf=1.3") && problem.fix().contains("SEC(\"tc\")"),
                problem.toString());
        assertEquals(List.of(), problems(ValidationSettings.of("1.3", Map.of()), source));
        Problem optional = only(problems(HEADERS + program("?tcx/ingress", "") + GPL));
        assertRule(optional, Rule.LIBBPF_VERSION, Problem.Severity.WARNING);
        assertTrue(optional.message().contains("its autoload is off"), optional.toString());
        Problem session = only(problems(ValidationSettings.of("1.4", Map.of()),
                HEADERS + program("kprobe.session/do_unlinkat", "") + GPL));
        assertTrue(session.message().contains("needs libbpf \u2265 1.5 (configured minimum 1.4)"), session.toString());
    }

    @Test
    void aBuildChangesRuleLevelsById() throws Exception {
        String source = HEADERS + program("tracepoint/syscall/sys_enter_open", "") + GPL;
        assertRule(only(problems(source)), Rule.TRACEPOINT_CATEGORY, Problem.Severity.ERROR);
        assertRule(only(problems(ValidationSettings.of(null, Map.of("BPF014", "warning")), source)),
                Rule.TRACEPOINT_CATEGORY, Problem.Severity.WARNING);
        assertEquals(List.of(), problems(ValidationSettings.of(null, Map.of("tracepoint-category", "ignore")), source));
        assertRule(only(problems(ValidationSettings.of(null, Map.of("license-missing", "error")),
                HEADERS + program("xdp", ""))), Rule.LICENSE_MISSING, Problem.Severity.ERROR);
    }

    @Test
    void badSettingsAreRefusedWithTheFix() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ValidationSettings.of(null, Map.of("BPF777", "ignore")))
                .getMessage().contains("unknown validation rule 'BPF777'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ValidationSettings.of(null, Map.of("BPF036", "maybe")))
                .getMessage().contains("use error, warning or ignore"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ValidationSettings.of(null, Map.of("elf-header", "ignore")))
                .getMessage().contains("cannot be lowered"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ValidationSettings.of("0.8", Map.of()))
                .getMessage().contains("older than bpfj's runtime supports"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ValidationSettings.of("one", Map.of()))
                .getMessage().contains("is not a libbpf version"));
    }

    @Test
    void undefinedExternFunctions() throws Exception {
        List<Problem> problems = problems(HEADERS + """
                char a[64], b[64];
                int n;
                """ + program("tp/syscalls/sys_enter_openat", "    if (memcmp(a, b, n) == 0) return helper_nobody_wrote(1);")
                + GPL, "-Wno-implicit-function-declaration");
        assertEquals(2, problems.size(), problems.toString());
        Problem memcmp = problems.get(0);
        assertRule(memcmp, Rule.EXTERN_UNDEFINED, Problem.Severity.ERROR);
        assertTrue(memcmp.message().contains("calls memcmp(), which is defined nowhere")
                && memcmp.message().contains("failed to find BTF for extern 'memcmp'"), memcmp.toString());
        assertTrue(memcmp.fix().contains("__builtin_memcmp"), memcmp.toString());
        assertTrue(problems.get(1).message().contains("helper_nobody_wrote()"), problems.get(1).toString());
        assertTrue(problems.get(1).fix().contains("__ksym"), problems.get(1).toString());

        assertEquals(List.of(), problems(HEADERS + """
                extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
                extern void bpf_task_release(struct task_struct *p) __ksym;
                """ + program("tp_btf/task_newtask", """
                    struct task_struct *t = bpf_task_acquire((struct task_struct *)ctx);
                    if (t) bpf_task_release(t);""") + GPL), "kfuncs declared __ksym are fine");
    }

    @Test
    void runtimeConfiguredMapsAreWarningsNamingTheCall() throws Exception {
        Problem inner = mapProblem("struct { __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS); __uint(max_entries, 4); "
                + "__type(key, __u32); __type(value, __u32); } outer SEC(\".maps\");",
                "__u32 k = 0; bpf_map_lookup_elem(&outer, &k);");
        assertRule(inner, Rule.INNER_MAP_RUNTIME, Problem.Severity.WARNING);
        assertTrue(inner.fix().contains("innerMap(templateMap) on map outer"), inner.toString());

        Problem sized = mapProblem("struct { __uint(type, BPF_MAP_TYPE_HASH); __type(key, int); __type(value, long); } h SEC(\".maps\");",
                "int k = 0; bpf_map_lookup_elem(&h, &k);");
        assertRule(sized, Rule.MAP_MAX_ENTRIES, Problem.Severity.WARNING);
        assertTrue(sized.fix().contains("maxEntries(n) on map h"), sized.toString());

        Problem ring = mapProblem("struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1000); } rb SEC(\".maps\");",
                "bpf_ringbuf_output(&rb, ctx, 8, 0);");
        assertRule(ring, Rule.RINGBUF_SIZE, Problem.Severity.WARNING);
        assertTrue(ring.message().contains("rounds it up at load, to 4096 bytes"), ring.toString());
        Problem ring3 = mapProblem("struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 3 * 4096); } rb SEC(\".maps\");",
                "bpf_ringbuf_output(&rb, ctx, 8, 0);");
        assertTrue(ring3.fix().contains("16384"), ring3.toString());
        Problem keyless = mapProblem("struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(value, long); } h SEC(\".maps\");",
                "int k = 0; bpf_map_lookup_elem(&h, &k);");
        assertRule(keyless, Rule.MAP_SIZE_RUNTIME, Problem.Severity.WARNING);
        assertTrue(keyless.fix().contains("keySize(n) on map h"), keyless.toString());
        // The stack maps of bcc's libbpf-based tools: the tool sets the value size (stack depth) before load.
        Problem stacks = mapProblem("struct { __uint(type, BPF_MAP_TYPE_STACK_TRACE); __uint(key_size, sizeof(__u32)); "
                + "__uint(max_entries, 64); } stacks SEC(\".maps\");", "bpf_get_stackid(ctx, &stacks, 0);");
        assertRule(stacks, Rule.MAP_SIZE_RUNTIME, Problem.Severity.WARNING);
        assertTrue(stacks.fix().contains("valueSize(n) on map stacks"), stacks.toString());
        assertRule(mapProblem("struct { __uint(type, BPF_MAP_TYPE_RINGBUF); } rb SEC(\".maps\");",
                "bpf_ringbuf_output(&rb, ctx, 8, 0);"), Rule.MAP_MAX_ENTRIES, Problem.Severity.WARNING);
    }

    @Test
    void gplOnlyHelperUnderProprietaryLicense() throws Exception {
        List<Problem> problems = problems(HEADERS + program("tracepoint/syscalls/sys_enter_openat",
                "    char buf[8]; bpf_probe_read_kernel(buf, sizeof(buf), ctx); bpf_printk(\"%s\", buf);")
                + "char LICENSE[] SEC(\"license\") = \"Proprietary\";\n");
        assertEquals(2, problems.size(), problems.toString());
        assertError(problems.get(1), "program handler", "calls the GPL-only helper bpf_probe_read_kernel (#113), but "
                + "the license is \"Proprietary\"", "\"GPL\", \"GPL v2\", \"GPL and additional rights\", \"Dual BSD/GPL\", "
                + "\"Dual MIT/GPL\", \"Dual MPL/GPL\"");
        assertTrue(problems.get(0).message().contains("bpf_trace_printk (#6)"), problems.get(0).toString());

        assertEquals(List.of(), problems(HEADERS + program("xdp", "    bpf_ktime_get_ns();")
                + "char LICENSE[] SEC(\"license\") = \"Proprietary\";\n"), "non-GPL helpers are fine");
        assertEquals(List.of(), problems(HEADERS + program("tp/sched/sched_switch", "    bpf_printk(\"x\");")
                + "char LICENSE[] SEC(\"license\") = \"Dual MIT/GPL\";\n"));
    }

    @Test
    void missingBtf() throws Exception {
        Problem problem = only(problems(HEADERS + program("xdp", "") + GPL, "-g0"));
        assertError(problem, "object", "has no .BTF section", "remove -g0");
    }

    @Test
    void legacyMapsSection() throws Exception {
        String source = HEADERS + """
                struct legacy_def { unsigned int type, key_size, value_size, max_entries, map_flags; };
                struct legacy_def counts SEC("maps") = { BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0 };
                """ + program("xdp", "") + GPL;
        Problem problem = only(problems(source));
        assertError(problem, "section \"maps\"", "legacy way", "SEC(\".maps\")");
    }

    private Problem mapProblem(String definition, String use) throws Exception {
        return only(problems(HEADERS + definition + "\n" + program("xdp", use) + GPL));
    }

    @Test
    void mapDefinitionsTheKernelRejects() throws Exception {
        assertError(mapProblem("struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 8); __type(key, __u64); __type(value, long); } a SEC(\".maps\");",
                "__u64 k = 0; bpf_map_lookup_elem(&a, &k);"), "map a", "key size 8", "__type(key, __u32)");
        assertError(mapProblem("struct { __uint(type, BPF_MAP_TYPE_LPM_TRIE); __uint(max_entries, 8); __type(key, __u64); __type(value, long); } t SEC(\".maps\");",
                "__u64 k = 0; bpf_map_lookup_elem(&t, &k);"), "map t", "without BPF_F_NO_PREALLOC", "BPF_F_NO_PREALLOC");
    }

    @Test
    void eventMapsWithARecordTypeAreWarningsThatBpfjLoadsThem() throws Exception {
        // The cilium/ebpf way to name the record type for bpf2go: bpfj's runtime fixes the sizes at
        // open (EventRecordTypeTest loads such maps); other libbpf loaders fail.
        Problem ring = mapProblem("struct event { int pid; char comm[16]; };\n"
                + "struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); __type(value, struct event); } rb SEC(\".maps\");",
                "bpf_ringbuf_output(&rb, ctx, 8, 0);");
        assertRule(ring, Rule.EVENT_MAP_SIZES, Problem.Severity.WARNING);
        assertTrue(ring.message().contains("with a key or value (key size 0, value size 20)"), ring.toString());
        assertTrue(ring.message().contains("bpfj creates it without them"), ring.toString());
        assertTrue(ring.fix().contains("remove __type(key, ...)/__type(value, ...)"), ring.toString());
        Problem perf = mapProblem("struct { __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); __uint(key_size, 8); __uint(value_size, 4); } pe SEC(\".maps\");",
                "bpf_perf_event_output(ctx, &pe, BPF_F_CURRENT_CPU, ctx, 8);");
        assertRule(perf, Rule.EVENT_MAP_SIZES, Problem.Severity.WARNING);
        assertTrue(perf.message().contains("key size 8 and value size 4"), perf.toString());
        assertTrue(perf.fix().contains("sizeof(int)"), perf.toString());
        // left out, the sizes are filled in without a word
        assertEquals(List.of(), problems(HEADERS + "struct { __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); } pe SEC(\".maps\");\n"
                + program("xdp", "bpf_perf_event_output(ctx, &pe, BPF_F_CURRENT_CPU, ctx, 8);") + GPL));
    }

    @Test
    void unusedMapAndUncalledGlobalFunctionAreWarnings() throws Exception {
        List<Problem> problems = problems(HEADERS + """
                struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } unused SEC(".maps");
                __attribute__((noinline)) int forgotten(int x) { return x + 1; }
                __attribute__((noinline, weak)) int offered_by_a_library(int x) { return x + 2; }
                """ + program("xdp", "") + GPL);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.stream().allMatch(p -> p.severity() == Problem.Severity.WARNING), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.subject().equals("map unused") && p.message().contains("not used")),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.subject().equals("function forgotten")
                && p.message().contains("without a SEC() annotation")), problems.toString());
    }

    @Test
    void anObjectWhoseOnlyFunctionHasNoSectionFailsBeforeLibbpf15() throws Exception {
        // libbpf 1.0-1.4 take an object's only .text function for a program without a type and
        // refuse the load ("missing BPF prog type, check ELF section name '.text'"); 1.5 ignores it.
        String source = HEADERS + """
                struct pair { int a; int b; };
                int add_pair(struct pair *p) { return p->a + p->b; }
                """ + GPL;
        Problem problem = only(problems(source));
        assertRule(problem, Rule.LIBBPF_VERSION, Problem.Severity.ERROR);
        assertError(problem, "function add_pair", "libbpf before 1.5 (configured minimum 1.0) takes it for a program without a type",
                "add SEC(\"...\") before it");
        // Targeting libbpf 1.5, the function is what it is everywhere else: a warning, not a program.
        Problem newer = only(problems(ValidationSettings.of("1.5", Map.of()), source));
        assertRule(newer, Rule.GLOBAL_FUNCTION_UNUSED, Problem.Severity.WARNING);
        // With a program beside it, every libbpf takes it for a subprogram: only the warning.
        Problem beside = only(problems(source.replace(GPL, "") + program("xdp", "") + GPL));
        assertRule(beside, Rule.GLOBAL_FUNCTION_UNUSED, Problem.Severity.WARNING);
    }

    @Test
    void suggestionsAndDistances() {
        assertEquals(1, EditDistance.between("syscall", "syscalls"));
        assertEquals(0, EditDistance.between("", ""));
        assertEquals(3, EditDistance.between("kitten", "sitting"));
        assertEquals(1, EditDistance.between("xpd", "xdp"));
        assertEquals("xdp", SectionDefinitions.suggest("xpd").orElseThrow());
        assertEquals("syscalls", TracepointCategories.nearMiss("syscall").orElseThrow());
        assertTrue(TracepointCategories.nearMiss("sched").isEmpty());
        assertTrue(TracepointCategories.nearMiss("my_module").isEmpty());
        assertEquals("kretprobe/x", SectionDefinitions.suggest("kretprob/x").orElseThrow());
        assertEquals("uprobe.s", SectionDefinitions.suggest("uprobe.z").orElseThrow());
        assertTrue(SectionDefinitions.suggest("zzzzzzzz").isEmpty());
    }
}
