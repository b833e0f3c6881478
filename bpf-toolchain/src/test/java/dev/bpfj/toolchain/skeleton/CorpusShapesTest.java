package dev.bpfj.toolchain.skeleton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import dev.bpfj.toolchain.object.MapSpec;
import dev.bpfj.toolchain.validate.BpfObjectValidator;
import dev.bpfj.toolchain.validate.Problem;
import dev.bpfj.toolchain.validate.Rule;
import dev.bpfj.toolchain.validate.ValidationSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regressions found by running real-world BPF programs through the toolchain, reproduced with the
 * project's own fixture {@code corpus_shapes.bpf.c}: reading a map attribute written as an
 * anonymous enum, validating newer libbpf section names, and generating a skeleton that compiles
 * although struct members are named like the skeleton's helpers and that exposes the
 * {@code .kconfig} map like bpftool's skeleton.
 */
class CorpusShapesTest {

    @TempDir
    Path work;

    private BpfObjectSpec spec() throws Exception {
        Path object = ClangFixtures.compile(Path.of("src/test/bpf/corpus_shapes.bpf.c"), work.resolve("objects"));
        return BpfObjectSpec.parse("corpus_shapes.bpf.o", Files.readAllBytes(object));
    }

    @Test
    void readsAMapAttributeWrittenAsAnAnonymousEnum() throws Exception {
        MapSpec seen = spec().map("seen").orElseThrow();
        assertEquals(3, seen.mapExtra());
        assertTrue(seen.has(MapSpec.Field.MAP_EXTRA));
        assertEquals(64, seen.maxEntries());
    }

    @Test
    void acceptsNewerLibbpfSectionNames() throws Exception {
        Path object = ClangFixtures.compile(Path.of("src/test/bpf/corpus_shapes.bpf.c"), work.resolve("objects"));
        // Recognised, and accepted once the build says it targets a libbpf that has them...
        List<Problem> errors = BpfObjectValidator.validate(object, "corpus_shapes.bpf.c",
                        ValidationSettings.of("1.8", Map.of())).stream()
                .filter(p -> p.severity() == Problem.Severity.ERROR).toList();
        assertEquals(List.of(), errors);
        // ...while against the default minimum (libbpf 1.0) they are version errors, nothing else.
        for (Problem problem : BpfObjectValidator.validate(object, "corpus_shapes.bpf.c")) {
            if (problem.severity() == Problem.Severity.ERROR) {
                assertEquals(Rule.LIBBPF_VERSION, problem.rule(), problem.toString());
            }
        }
    }

    @Test
    void skeletonCompilesWithMembersNamedLikeItsHelpersAndExposesKconfig() throws Exception {
        String source = new SkeletonGenerator().generate(spec(), "dev.bpfj.corpus", List.of());
        // The members keep their names, with the documented '_' suffix where a helper has the name.
        assertTrue(source.contains("public long writeBytes_()"), "write_bytes member accessor");
        assertTrue(source.contains("public String writeString_()"), "write_string member accessor");
        assertTrue(source.contains("public long readBytes_()"), "read_bytes member accessor");
        assertTrue(source.contains("public BpfMap kconfig()"), "the .kconfig map, as bpftool's skeleton has it");
        Path file = work.resolve("src/dev/bpfj/corpus/CorpusShapesBpf.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source, StandardCharsets.UTF_8);
        SkeletonGoldenTest.compile(List.of(file), work.resolve("classes"));
    }
}
