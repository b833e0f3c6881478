package dev.bpfj.toolchain.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpfj.toolchain.BpfFormatException;
import dev.bpfj.toolchain.Fixtures;
import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.clang.BuildLog;
import dev.bpfj.toolchain.elf.ElfFile;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import dev.bpfj.toolchain.skeleton.SkeletonGenerator;
import dev.bpfj.toolchain.vmlinux.VmlinuxGenerator;
import dev.bpfj.toolchain.vmlinux.VmlinuxRequest;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * For objects whose BTF type records were damaged but that the reader still accepts, the
 * skeleton must compile with javac and vmlinux.h with clang, or the generator must refuse with a
 * {@link BpfBuildException}. Fixed seeds and a fixed number of cases keep the run short and
 * repeatable; every case that produced code is compiled in one javac run. Another seed, with
 * more cases: {@code -Dbpfj.codefuzz.seed=N}.
 */
class GeneratedCodeFuzzTest {

    private static final int CASES_PER_SEED = 6;

    @TempDir
    Path work;

    @Test
    void generatedCodeCompilesForEveryAcceptedMutation() throws Exception {
        List<Mutator> mutators = new ArrayList<>();
        for (String name : List.of("btf_zoo", "corpus_shapes", "maps", "bitfield_data")) {
            mutators.add(new Mutator(Fixtures.bytes(Fixtures.object(name))));
        }
        // Seeds 5, 8, 12, 20 and 30 once found a void member, an oversized bitfield, an unnamed int
        // member and two members of one name in vmlinux.h, and a 6-billion-element array in a
        // skeleton (with 16 cases each; -Dbpfj.codefuzz.seed=N runs one seed that long).
        Long chosen = Long.getLong("bpfj.codefuzz.seed");
        List<Long> seeds = chosen != null ? List.of(chosen) : List.of(5L, 8L, 12L, 20L, 30L);
        int casesPerSeed = chosen != null ? 16 : CASES_PER_SEED;
        List<Path> sources = new ArrayList<>();
        List<String> cases = new ArrayList<>();
        for (long seed : seeds) {
            Random random = new Random(seed);
            int made = 0;
            int headers = 0;
            for (int attempt = 0; attempt < 2000 && made < casesPerSeed; attempt++) {
                StringBuilder what = new StringBuilder("seed " + seed + ": ");
                Mutator mutator = mutators.get(attempt % mutators.size());
                byte[] bytes = mutator.mutateBtfType(random, what);
                BpfObjectSpec spec;
                try {
                    spec = BpfObjectSpec.parse("mutated.bpf.o", bytes);
                } catch (BpfFormatException rejected) {
                    continue;
                }
                String pkg = "dev.bpfj.generated.fuzz.case" + sources.size();
                String source;
                try {
                    source = new SkeletonGenerator().generate(spec, pkg, List.of());
                } catch (BpfBuildException refused) {
                    assertTrue(refused.getMessage().contains("mutated.bpf.o"), refused.getMessage());
                    continue;
                }
                Path file = work.resolve("src/" + pkg.replace('.', '/') + "/MutatedBpf.java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, source, StandardCharsets.UTF_8);
                sources.add(file);
                cases.add(pkg + ": " + what.toString().strip());
                made++;
                if (headers < 4 && header(bytes, what.toString())) {
                    headers++;
                }
            }
            assertTrue(made == casesPerSeed, "seed " + seed + ": only " + made + " mutated objects were accepted");
        }
        compile(sources, cases);
    }

    /** Generates vmlinux.h from the object's BTF and has clang check it; false when refused. */
    private boolean header(byte[] object, String what) throws Exception {
        byte[] btf = ElfFile.parse("mutated.bpf.o", object).section(".BTF").orElseThrow().bytes();
        Path dir = Files.createTempDirectory(work, "hdr");
        Path btfFile = Files.write(dir.resolve("mutated.btf"), btf);
        try {
            new VmlinuxGenerator(BuildLog.silent()).generate(new VmlinuxRequest(btfFile, dir.resolve("vmlinux.h"),
                    List.of()));
        } catch (BpfBuildException refused) {
            return false;
        }
        Path unit = Files.writeString(dir.resolve("use.c"), "#include \"vmlinux.h\"\n");
        Process clang = new ProcessBuilder("clang", "-target", "bpf", "-fsyntax-only", unit.toString())
                .redirectErrorStream(true).start();
        String output = new String(clang.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (clang.waitFor() != 0) {
            fail(what + ": clang rejects the generated vmlinux.h:\n" + output);
        }
        return true;
    }

    private void compile(List<Path> sources, List<String> cases) throws Exception {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter output = new StringWriter();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "22", "-proc:none", "-implicit:none", "-classpath",
                    System.getProperty("java.class.path"), "-d", work.resolve("classes").toString());
            boolean ok = compiler.getTask(output, files, null, options, null, files.getJavaFileObjectsFromPaths(sources))
                    .call();
            if (!ok) {
                fail("skeletons of accepted objects do not compile:\n"
                        + String.join("\n", cases) + "\n" + output);
            }
        }
    }
}
