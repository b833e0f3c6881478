package dev.bpfj.toolchain.skeleton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.toolchain.btf.BtfKind;
import dev.bpfj.toolchain.btf.BtfType;
import dev.bpfj.toolchain.clang.ClangVersion;
import dev.bpfj.toolchain.insn.Instruction;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import dev.bpfj.toolchain.validate.BpfObjectValidator;
import dev.bpfj.toolchain.validate.Problem;
import dev.bpfj.toolchain.validate.ValidationSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every BPF source the project ships or tests with, built by the clang under test, is read,
 * validated and turned into a skeleton that compiles. The suite runs this with the system's clang;
 * CI runs it again with the plugin's pinned clang ({@code -Dbpf.test.clang=...}), so what a newer
 * clang emits (BTF type and declaration tags, 64-bit enums, ISA v4 instructions) is proven to be
 * handled, not assumed.
 */
class ClangOutputTest {

    /** Sources whose validation errors are the point of the fixture (undefined externs: DiagnosisTest). */
    private static final Set<String> EXPECTED_TO_FAIL_VALIDATION = Set.of("programs.bpf.c", "maps.bpf.c",
            "extern_func.bpf.c", "extern_var.bpf.c");

    /**
     * The validation settings: the fixtures deliberately use sections and parts newer libbpf versions
     * add (their tests check the runtime's "needs libbpf N" errors), which the default minimum (1.0)
     * reports as BPF011 errors; whether an application may target libbpf 1.0 is not about what clang
     * emits, so that one rule is a warning here and every other rule keeps its severity.
     */
    private static final ValidationSettings SETTINGS = ValidationSettings.of(null, Map.of("libbpf-version", "warning"));

    @TempDir
    Path work;

    private static final Path OBJECTS = Path.of("target/clang-output-objects");

    private static ClangVersion clangVersion() throws IOException, InterruptedException {
        Process process = new ProcessBuilder(ClangFixtures.clang(), "--version").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return ClangVersion.parse(output).orElseThrow(() -> new AssertionError("not clang: " + output));
    }

    private static List<Path> projectSources() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> sources = new ArrayList<>();
        for (String folder : List.of("bpf-toolchain/src/test/bpf", "bpf-runtime/src/test/bpf",
                "examples/opensnoop/src/main/bpf", "examples/hello/src/main/bpf")) {
            Path dir = root.resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> p.getFileName().toString().endsWith(".bpf.c")).sorted().forEach(sources::add);
            }
        }
        return sources;
    }

    @Test
    void everyProjectSourceReadsValidatesAndMakesACompilingSkeleton() throws Exception {
        List<Path> sources = projectSources();
        assertTrue(sources.size() >= 15, "found only " + sources);
        List<Path> skeletons = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Path source : sources) {
            String name = source.getFileName().toString();
            Path object = ClangFixtures.compile(source, OBJECTS);
            BpfObjectSpec spec = BpfObjectSpec.parse(name.replace(".bpf.c", ".bpf.o"), Files.readAllBytes(object));
            List<Problem> errors = BpfObjectValidator.validate(object, name, SETTINGS).stream()
                    .filter(p -> p.severity() == Problem.Severity.ERROR).toList();
            if (!errors.isEmpty() && !EXPECTED_TO_FAIL_VALIDATION.contains(name)) {
                failures.add(name + ": " + errors);
            }
            String className = SkeletonGenerator.className(name.replace(".bpf.c", ".bpf.o"));
            Path file = work.resolve("src/dev/bpfj/clangout/" + className + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, new SkeletonGenerator().generate(spec, "dev.bpfj.clangout", List.of()),
                    StandardCharsets.UTF_8);
            skeletons.add(file);
        }
        assertEquals(List.of(), failures, "built with " + ClangFixtures.clang());
        SkeletonGoldenTest.compile(skeletons, work.resolve("classes"));
    }

    @Test
    void newerClangOutputIsReadAndValidated() throws Exception {
        ClangVersion version = clangVersion();
        boolean isaV4 = version.major() >= 18;
        Path object = ClangFixtures.compile(Path.of("src/test/bpf/clang_features.bpf.c"), OBJECTS,
                isaV4 ? List.of("-mcpu=v4") : List.of());
        BpfObjectSpec spec = BpfObjectSpec.parse("clang_features.bpf.o", Files.readAllBytes(object));

        Set<BtfKind> kinds = spec.btf().orElseThrow().types().stream().map(BtfType::kind)
                .collect(Collectors.toSet());
        assertTrue(kinds.contains(BtfKind.DECL_TAG), "clang " + version + " emits declaration tags: " + kinds);
        assertTrue(kinds.contains(BtfKind.TYPE_TAG), "clang " + version + " emits type tags: " + kinds);
        if (version.major() >= 15) {
            assertTrue(kinds.contains(BtfKind.ENUM64), "clang " + version + " emits 64-bit enums: " + kinds);
        }
        List<Instruction> code = spec.programs().get(0).instructions();
        if (isaV4) {
            // BPF_LDX | BPF_MEMSX (mode 0x80): the sign-extending load only ISA v4 has.
            assertTrue(code.stream().anyMatch(i -> i.instructionClass() == 0x01 && (i.opcode() & 0xe0) == 0x80),
                    "an ISA v4 sign-extending load in " + code);
        }
        List<Problem> errors = BpfObjectValidator.validate(object, "clang_features.bpf.c").stream()
                .filter(p -> p.severity() == Problem.Severity.ERROR).toList();
        assertEquals(List.of(), errors);

        String source = new SkeletonGenerator().generate(spec, "dev.bpfj.clangout", List.of());
        assertFalse(source.isBlank());
        Path file = work.resolve("src/dev/bpfj/clangout/ClangFeaturesBpf.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source, StandardCharsets.UTF_8);
        SkeletonGoldenTest.compile(List.of(file), work.resolve("classes"));
    }
}
