package dev.bpfj.toolchain.skeleton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generates skeletons for the fixture objects, compares them with the golden files in
 * {@code src/test/resources/skeleton} and compiles every one of them against bpf-runtime with
 * {@code -Xlint:all -Werror}. Run with {@code -Dbpfj.updateGoldens=true} to rewrite the goldens
 * after an intended change (then review the diff).
 */
class SkeletonGoldenTest {

    private static final Path FIXTURES = Path.of("src/test/bpf");
    private static final Path GOLDENS = Path.of("src/test/resources/skeleton");
    private static final String PACKAGE = "dev.bpfj.golden";

    /** Fixture source -> extra types (ring-buffer events no map names). */
    private static final Map<String, List<String>> FIXTURE_TYPES = Map.of(
            "btf_zoo.bpf.c", List.of("tagged", "color"),
            "maps.bpf.c", List.of(),
            "programs.bpf.c", List.of(),
            "skel_kernel.bpf.c", List.of("skel_event"),
            "skel_kconfig.bpf.c", List.of(),
            "skel_kinds.bpf.c", List.of());

    @TempDir
    Path work;

    private String generate(String fixture) throws Exception {
        Path object = ClangFixtures.compile(FIXTURES.resolve(fixture), work.resolve("objects"));
        String name = fixture.replace(".bpf.c", ".bpf.o");
        BpfObjectSpec spec = BpfObjectSpec.parse(name, Files.readAllBytes(object));
        return new SkeletonGenerator().generate(spec, PACKAGE, FIXTURE_TYPES.get(fixture));
    }

    @Test
    void generatedSourcesMatchTheGoldensAndCompile() throws Exception {
        boolean update = Boolean.getBoolean("bpfj.updateGoldens");
        List<Path> sources = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        for (String fixture : FIXTURE_TYPES.keySet().stream().sorted().toList()) {
            String source = generate(fixture);
            assertEquals(source, generate(fixture), "generation is deterministic for " + fixture);
            String className = SkeletonGenerator.className(fixture.replace(".bpf.c", ".bpf.o"));
            Path golden = GOLDENS.resolve(className + ".java.txt");
            if (update) {
                Files.createDirectories(GOLDENS);
                Files.writeString(golden, source, StandardCharsets.UTF_8);
            } else if (!Files.exists(golden) || !Files.readString(golden, StandardCharsets.UTF_8).equals(source)) {
                mismatches.add(className + " (golden " + golden + "; rerun with -Dbpfj.updateGoldens=true if intended)");
            }
            Path file = work.resolve("src/" + PACKAGE.replace('.', '/') + "/" + className + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source, StandardCharsets.UTF_8);
            sources.add(file);
        }
        compile(sources, work.resolve("classes"));
        assertTrue(mismatches.isEmpty(), "generated skeletons differ from their goldens: " + mismatches);
    }

    /**
     * Compiles sources against the test class path (which has bpf-runtime) as a user's build would.
     *
     * @return the output folder
     */
    static Path compile(List<Path> sources, Path classes) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        Files.createDirectories(classes);
        StringWriter output = new StringWriter();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
            List<String> options = List.of("--release", "22", "-Xlint:all", "-Werror", "-proc:none", "-implicit:none",
                    "-classpath", System.getProperty("java.class.path"), "-d", classes.toString());
            boolean ok = compiler.getTask(output, files, null, options, null, units).call();
            if (!ok) {
                fail("generated skeletons do not compile:\n" + output);
            }
        }
        return classes;
    }

    /**
     * A class loader over compiled classes, with the test class path as parent.
     */
    static URLClassLoader loader(Path classes) throws IOException {
        return new URLClassLoader(new URL[] {classes.toUri().toURL()}, SkeletonGoldenTest.class.getClassLoader());
    }
}
