package dev.bpfj.toolchain.clang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.RecordingLog;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clang runs for the build model: which sources are selected and what their objects are
 * called, linked objects (built, relinked when any member or header changes, refused with the
 * files named), and a project's own {@code vmlinux.h} found where clang will find it.
 */
class BuildModelTest {

    private static final Path LINK_FIXTURES = Path.of("src/test/bpf/link");

    private static final String PROGRAM = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            SEC("xdp") int %s(struct xdp_md *ctx) { return XDP_PASS; }
            char LICENSE[] SEC("license") = "GPL";
            """;

    @TempDir
    Path dir;

    private final RecordingLog log = new RecordingLog();

    private Path src() throws IOException {
        return Files.createDirectories(dir.resolve("src/main/bpf"));
    }

    private void source(String relative, String text) throws IOException {
        Path file = src().resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private CompileRequest.Builder request() {
        return CompileRequest.builder(dir.resolve("src/main/bpf"), dir.resolve("target/bpf")).projectDirectory(dir)
                .parallelism(2);
    }

    private CompileResult compile(CompileRequest request) throws Exception {
        return new BpfCompiler(log, ObjectChecker.none()).compile(request);
    }

    private Set<String> objects() throws IOException {
        Path out = dir.resolve("target/bpf");
        try (var files = Files.walk(out)) {
            return files.filter(p -> p.toString().endsWith(".bpf.o")).map(p -> out.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void plainCSourcesAreSelectedByPatternsAndNamedDotBpfDotO() throws Exception {
        source("probe.c", PROGRAM.formatted("probe"));
        source("net/filter.c", PROGRAM.formatted("filter"));
        source("old.bpf.c", PROGRAM.formatted("old"));
        source("lib/helper.c", "#error \"excluded: must not compile\"\n");
        source("probe.h", "#error \"a header is never compiled\"\n");
        compile(request().sourceIncludes(List.of("**/*.c", "**/*.h")).sourceExcludes(List.of("lib/")).build());
        assertEquals(Set.of("probe.bpf.o", "net/filter.bpf.o", "old.bpf.o"), objects());
    }

    @Test
    void theDefaultStillSelectsOnlyDotBpfDotC() throws Exception {
        source("probe.c", "#error \"not selected by default\"\n");
        source("old.bpf.c", PROGRAM.formatted("old"));
        assertEquals(1, compile(request().build()).compiledCount());
        assertEquals(Set.of("old.bpf.o"), objects());
    }

    @Test
    void sourcesThatWouldShareAnObjectAreRefused() throws Exception {
        source("probe.c", PROGRAM.formatted("probe"));
        source("probe.bpf.c", PROGRAM.formatted("probe2"));
        BpfBuildException e = assertThrows(BpfBuildException.class,
                () -> compile(request().sourceIncludes(List.of("**/*.c")).build()));
        assertTrue(e.getMessage().startsWith("probe.bpf.c and probe.c would both be built into "), e.getMessage());
        assertTrue(e.getMessage().contains("<sourceExcludes>"), e.getMessage());
    }

    @Test
    void anObjectWhoseSourceIsNoLongerSelectedIsRemoved() throws Exception {
        source("one.c", PROGRAM.formatted("one"));
        source("two.c", PROGRAM.formatted("two"));
        compile(request().sourceIncludes(List.of("*.c")).build());
        assertEquals(Set.of("one.bpf.o", "two.bpf.o"), objects());
        compile(request().sourceIncludes(List.of("*.c")).sourceExcludes(List.of("two.c")).build());
        assertEquals(Set.of("one.bpf.o"), objects());
    }

    private void linkFixtures() throws IOException {
        for (String name : List.of("link_common.h", "link_main.bpf.c", "link_lib.bpf.c")) {
            Files.copy(LINK_FIXTURES.resolve(name), src().resolve("tracer/" + name.replace(".bpf.c", ".c")));
        }
    }

    private static void touch(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
    }

    @Test
    void aLinkedObjectIsRelinkedWhenAnyMemberOrHeaderChanges() throws Exception {
        Files.createDirectories(src().resolve("tracer"));
        linkFixtures();
        source("solo.bpf.c", PROGRAM.formatted("solo"));
        List<LinkedObject> linked = List.of(new LinkedObject("tracer", List.of("tracer/link_main.c", "tracer/*.c")));
        // **/*.c selects the members too: being linked keeps them from also being built alone.
        CompileResult first = compile(request().sourceIncludes(List.of("**/*.c")).linkedObjects(linked).build());
        assertEquals(2, first.compiledCount());
        assertEquals(Set.of("solo.bpf.o", "tracer.bpf.o"), objects(), "members are not also built on their own");
        BpfObjectSpec spec = BpfObjectSpec.read(dir.resolve("target/bpf/tracer.bpf.o"));
        assertTrue(spec.program("main_prog").isPresent() && spec.program("lib_prog").isPresent(), spec.toString());
        assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("INFO Compiling 2 of 2 BPF objects (1 linked from 2"
                + " sources)")), log.lines().toString());

        assertEquals(0, compile(request().sourceIncludes(List.of("**/*.c")).linkedObjects(linked).build())
                .compiledCount());
        touch(src().resolve("tracer/link_lib.c"));
        assertEquals(Set.of("tracer.bpf.o"), compiledNames(compile(request().linkedObjects(linked).build())));
        touch(src().resolve("tracer/link_common.h"));
        assertEquals(Set.of("tracer.bpf.o"), compiledNames(compile(request().linkedObjects(linked).build())));
        // Another member list is another link.
        List<LinkedObject> reordered = List.of(new LinkedObject("tracer", List.of("tracer/link_lib.c",
                "tracer/link_main.c")));
        assertEquals(Set.of("tracer.bpf.o"), compiledNames(compile(request().linkedObjects(reordered).build())));
        // No longer configured: its object goes.
        compile(request().build());
        assertEquals(Set.of("solo.bpf.o"), objects());
        assertTrue(log.lines().stream().anyMatch(l -> l.contains("linked object tracer is no longer configured")),
                log.lines().toString());
    }

    private static Set<String> compiledNames(CompileResult result) {
        return result.objects().stream().filter(CompileResult.CompiledObject::compiled)
                .map(o -> o.object().getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void unstrippedMembersLinkWithoutTheirDwarf() throws Exception {
        Files.createDirectories(src().resolve("tracer"));
        linkFixtures();
        compile(request().strip(false).linkedObjects(List.of(new LinkedObject("tracer", List.of("tracer/*.c"))))
                .build());
        BpfObjectSpec spec = BpfObjectSpec.read(dir.resolve("target/bpf/tracer.bpf.o"));
        assertTrue(spec.program("main_prog").isPresent() && spec.btfExt().isPresent(), spec.toString());
        assertTrue(spec.elf().sections().stream().noneMatch(s -> s.name().startsWith(".debug")),
                spec.elf().sections().toString());
    }

    @Test
    void aLinkErrorFailsTheObjectAndNamesTheFiles() throws Exception {
        source("dup/a.c", "int counter = 1;\n" + PROGRAM.formatted("pa"));
        source("dup/b.c", "int counter = 2;\n" + PROGRAM.formatted("pb"));
        List<LinkedObject> linked = List.of(new LinkedObject("dup", List.of("dup/*.c")));
        BpfBuildException e = assertThrows(BpfBuildException.class,
                () -> compile(request().linkedObjects(linked).build()));
        assertTrue(e.getMessage().startsWith("BPF compilation failed for 1 of 1 object(s)"), e.getMessage());
        assertTrue(e.details().get(0).startsWith("dup.bpf.o (dup/a.c, dup/b.c): 'counter' is defined in both dup/a.c"
                + " and dup/b.c"), e.details().toString());
        assertFalse(Files.exists(dir.resolve("target/bpf/dup.bpf.o")));
        try (var files = Files.list(dir.resolve("target/bpf"))) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    @Test
    void badLinkedObjectConfigurationsAreUserErrors() throws Exception {
        source("a.c", PROGRAM.formatted("pa"));
        BpfBuildException none = assertThrows(BpfBuildException.class, () -> compile(request()
                .linkedObjects(List.of(new LinkedObject("t", List.of("nothing/*.c")))).build()));
        assertTrue(none.getMessage().startsWith("Linked object 't': its sources [nothing/*.c] match no .c file"),
                none.getMessage());
        BpfBuildException name = assertThrows(BpfBuildException.class, () -> compile(request()
                .linkedObjects(List.of(new LinkedObject("my tracer", List.of("a.c")))).build()));
        assertTrue(name.getMessage().startsWith("Linked object name 'my tracer' is not usable"), name.getMessage());
        BpfBuildException twice = assertThrows(BpfBuildException.class, () -> compile(request()
                .linkedObjects(List.of(new LinkedObject("x", List.of("a.c")), new LinkedObject("y", List.of("*.c"))))
                .build()));
        assertTrue(twice.getMessage().startsWith("a.c is a source of two linked objects, 'x' and 'y'"),
                twice.getMessage());
        BpfBuildException empty = assertThrows(BpfBuildException.class, () -> compile(request()
                .linkedObjects(List.of(new LinkedObject("x", List.of()))).build()));
        assertTrue(empty.getMessage().startsWith("Linked object 'x' lists no sources"), empty.getMessage());
    }

    private static final String USES_VMLINUX = "#include \"vmlinux.h\"\nint answer = FROM_OWN_HEADER;\n"
            + "char LICENSE[] __attribute__((section(\"license\"), used)) = \"GPL\";\n";

    @Test
    void aProjectsOwnVmlinuxHeaderIsUsedAndNoneIsGenerated() throws Exception {
        source("probes/own.bpf.c", USES_VMLINUX);
        source("probes/vmlinux.h", "#define FROM_OWN_HEADER 1\n");
        source("shared.bpf.c", "#include \"include/common.h\"\n" + USES_VMLINUX.substring(USES_VMLINUX.indexOf('\n') + 1));
        source("include/common.h", "#include \"vmlinux.h\"\n");
        source("include/vmlinux.h", "#define FROM_OWN_HEADER 2\n");
        source("flagged.bpf.c", USES_VMLINUX);
        source("headers/vmlinux.h", "#define FROM_OWN_HEADER 3\n");
        AtomicInteger asked = new AtomicInteger();
        VmlinuxHeaderProvider generator = (directory, log) -> {
            asked.incrementAndGet();
            return false;
        };
        // flagged.bpf.c finds its header through -Isrc/main/bpf/headers (relative to the project directory, where clang runs).
        assertEquals(3, compile(request().vmlinuxGenerator(generator).cflags(List.of("-Isrc/main/bpf/headers")).build())
                .compiledCount());
        assertEquals(0, asked.get(), "no vmlinux.h is generated when every include of one resolves");
        assertFalse(Files.exists(dir.resolve("target/bpf/include/vmlinux.h")));
    }

    @Test
    void aVmlinuxIncludeThatResolvesNowhereStillGetsOne() throws Exception {
        source("probes/own.bpf.c", USES_VMLINUX);
        AtomicInteger asked = new AtomicInteger();
        VmlinuxHeaderProvider generator = (directory, log) -> {
            asked.incrementAndGet();
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("vmlinux.h"), "#define FROM_OWN_HEADER 4\n");
            return true;
        };
        assertEquals(1, compile(request().vmlinuxGenerator(generator).build()).compiledCount());
        assertEquals(1, asked.get());
    }
}
