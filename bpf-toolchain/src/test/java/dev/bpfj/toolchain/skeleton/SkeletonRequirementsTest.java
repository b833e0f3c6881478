package dev.bpfj.toolchain.skeleton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.clang.BpfCompiler;
import dev.bpfj.toolchain.clang.BuildLog;
import dev.bpfj.toolchain.clang.CompileRequest;
import dev.bpfj.toolchain.clang.ObjectChecker;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import dev.bpfj.toolchain.validate.RuntimeRequirement;
import dev.bpfj.test.KernelTest;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings an object leaves to the application appear in the skeleton's javadoc, setters and load() check. */
class SkeletonRequirementsTest {

    private static final String HEADERS = "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n";

    @TempDir
    Path dir;

    private BpfObjectSpec compile(String name, String source) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src-" + name));
        Files.writeString(src.resolve(name + ".bpf.c"), source);
        new BpfCompiler(BuildLog.silent(), ObjectChecker.none())
                .compile(CompileRequest.builder(src, dir.resolve("out-" + name)).parallelism(1).build());
        Path object = dir.resolve("out-" + name + "/" + name + ".bpf.o");
        return BpfObjectSpec.parse(name + ".bpf.o", Files.readAllBytes(object));
    }

    @Test
    void everyKindOfRequirementIsDocumentedCheckedAndSettable() throws Exception {
        BpfObjectSpec spec = compile("needs", HEADERS + """
                struct { __uint(type, BPF_MAP_TYPE_HASH); __type(key, __u32); __type(value, __u64); } sized SEC(".maps");
                struct { __uint(type, BPF_MAP_TYPE_STACK_TRACE); __uint(key_size, 4); __uint(max_entries, 8); } stacks SEC(".maps");
                struct { __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS); __uint(max_entries, 2); __type(key, __u32); __type(value, __u32); } outer SEC(".maps");
                SEC("fentry") int on_entry(void *ctx) { __u32 k = 0; bpf_map_lookup_elem(&sized, &k); bpf_map_lookup_elem(&outer, &k); return bpf_get_stackid(ctx, &stacks, 0); }
                SEC("freplace") int replacement(void *ctx) { return 0; }
                SEC("tp/syscalls/sys_enter_openat") int fine(void *ctx) { return 0; }
                char LICENSE[] SEC("license") = "GPL";
                """);
        assertEquals(Set.of(new RuntimeRequirement(RuntimeRequirement.Kind.MAP_MAX_ENTRIES, "sized", "BPF_MAP_TYPE_HASH"),
                new RuntimeRequirement(RuntimeRequirement.Kind.MAP_VALUE_SIZE, "stacks", "BPF_MAP_TYPE_STACK_TRACE"),
                new RuntimeRequirement(RuntimeRequirement.Kind.INNER_MAP, "outer", "BPF_MAP_TYPE_ARRAY_OF_MAPS"),
                new RuntimeRequirement(RuntimeRequirement.Kind.ATTACH_TARGET, "on_entry", "fentry"),
                new RuntimeRequirement(RuntimeRequirement.Kind.ATTACH_TARGET_PROGRAM, "replacement", "freplace")),
                Set.copyOf(RuntimeRequirement.of(spec)));
        String source = new SkeletonGenerator().generate(spec, "dev.bpfj.req", List.of());
        for (String expected : List.of(
                "<li>map <code>sized</code> (BPF_MAP_TYPE_HASH) has max_entries 0: call <code>maps().sized().maxEntries(n)</code></li>",
                "<li>map <code>stacks</code> (BPF_MAP_TYPE_STACK_TRACE) has value size 0: call <code>maps().stacks().map().valueSize(n)</code></li>",
                "if (maps.sized().maxEntries() == 0) {",
                "if (maps.stacks().map().valueSize() == 0) {",
                "if (!maps.outer().innerMapSet) {",
                "if (progs.onEntry().autoload() && !progs.onEntryTargetSet) {",
                "if (progs.replacement().autoload() && !progs.replacementTargetSet) {",
                "public OuterMap innerMap(BpfMap template) {",
                "public Progs onEntryAttachTarget(String function) {",
                "object.program(\"on_entry\").attachTarget(function);",
                "public Progs replacementAttachTarget(BpfProgram target, String function) {",
                "object.program(\"replacement\").attachTarget(target, function);",
                "missing.add(\"program replacement is in SEC(\\\"freplace\\\") without a target program: call "
                        + "progs().replacementAttachTarget(targetProgram, function)\");",
                "        requireRunTimeSettings();\n        object.load();")) {
            assertTrue(source.contains(expected), "the skeleton lacks: " + expected);
        }
        assertFalse(source.contains("fineAttachTarget"), "a program with a target gets no setter");
        // The setters call BpfProgram.attachTarget and BpfMap.innerMap: the skeleton compiles against the runtime.
        Path file = dir.resolve("java/dev/bpfj/req/NeedsBpf.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        SkeletonGoldenTest.compile(List.of(file), dir.resolve("classes-needs"));
    }

    private static final String TARGET_DRIVER = """
            package dev.bpfj.req;

            import dev.bpfj.runtime.BpfLink;
            import java.util.function.Supplier;

            public final class TargetDriver implements Supplier<String> {
                @Override
                public String get() {
                    String refused;
                    try (TargetlessBpf skel = TargetlessBpf.open()) {
                        try {
                            skel.load();
                            refused = "loaded without a target";
                        } catch (IllegalStateException e) {
                            refused = e.getMessage();
                        }
                    }
                    try (TargetlessBpf skel = TargetlessBpf.open()) {
                        skel.progs().onSysEnterAttachTarget("sys_enter");
                        skel.load();
                        try (BpfLink link = skel.progs().onSysEnter().attach()) {
                            if (link.fd() < 0) {
                                return "no link";
                            }
                            long deadline = System.nanoTime() + 20_000_000_000L;
                            while (skel.bss().seen() < 3 && System.nanoTime() < deadline) {
                                Thread.onSpinWait();
                                ProcessHandle.current().info();
                            }
                        }
                        return refused + " | seen=" + (skel.bss().seen() >= 3);
                    }
                }
            }
            """;

    @Test
    @KernelTest(needs = KernelTest.Facility.CLANG)
    @SuppressWarnings("unchecked")
    void aGeneratedAttachTargetSetterRetargetsATpBtfProgramInTheKernel() throws Exception {
        BpfObjectSpec spec = compile("targetless", HEADERS + """
                __u64 seen = 0;
                SEC("tp_btf") int on_sys_enter(void *ctx) { __sync_fetch_and_add(&seen, 1); return 0; }
                char LICENSE[] SEC("license") = "GPL";
                """);
        String source = new SkeletonGenerator().generate(spec, "dev.bpfj.req", List.of());
        Path pkg = Files.createDirectories(dir.resolve("java-targetless/dev/bpfj/req"));
        Path skeleton = Files.writeString(pkg.resolve("TargetlessBpf.java"), source);
        Path driver = Files.writeString(pkg.resolve("TargetDriver.java"), TARGET_DRIVER);
        Path classes = SkeletonGoldenTest.compile(List.of(skeleton, driver), dir.resolve("classes-targetless"));
        Files.copy(dir.resolve("out-targetless/targetless.bpf.o"), classes.resolve("dev/bpfj/req/targetless.bpf.o"));
        try (URLClassLoader loader = SkeletonGoldenTest.loader(classes)) {
            Supplier<String> run = (Supplier<String>) loader.loadClass("dev.bpfj.req.TargetDriver")
                    .getDeclaredConstructor().newInstance();
            assertEquals("cannot load targetless.bpf.o yet: program on_sys_enter is in SEC(\"tp_btf\") without a target:"
                    + " call progs().onSysEnterAttachTarget(function) (between open() and load()) | seen=true", run.get());
        }
    }

    @Test
    void aSkeletonWithSizeRequirementsCompiles() throws Exception {
        BpfObjectSpec spec = compile("sizes", HEADERS + """
                struct { __uint(type, BPF_MAP_TYPE_HASH); __type(key, __u32); __type(value, __u64); } sized SEC(".maps");
                struct { __uint(type, BPF_MAP_TYPE_RINGBUF); } ring SEC(".maps");
                SEC("tp/syscalls/sys_enter_openat") int count(void *ctx) { __u32 k = 0; bpf_map_lookup_elem(&sized, &k); return bpf_ringbuf_output(&ring, &k, 4, 0); }
                char LICENSE[] SEC("license") = "GPL";
                """);
        String source = new SkeletonGenerator().generate(spec, "dev.bpfj.req", List.of());
        assertTrue(source.contains("if (maps.ring().maxEntries() == 0) {"), source);
        Path file = dir.resolve("java/dev/bpfj/req/SizesBpf.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        SkeletonGoldenTest.compile(List.of(file), dir.resolve("classes"));
    }
}
