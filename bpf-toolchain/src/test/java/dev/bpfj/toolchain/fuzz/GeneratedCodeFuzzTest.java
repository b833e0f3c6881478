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
 * {@link BpfBuildException}. A fixed seed and a fixed number of cases keep the run short and
 * repeatable; every case that produced code is compiled in one javac run.
 */
class GeneratedCodeFuzzTest {

    private static final int CASES = 16;

    @TempDir
    Path work;

    @Test
    void generatedCodeCompilesForEveryAcceptedMutation() throws Exception {
        List<Mutator> mutators = new ArrayList<>();
        for (String name : List.of("btf_zoo", "corpus_shapes", "maps", "bitfield_data")) {
            mutators.add(new Mutator(Fixtures.bytes(Fixtures.object(name))));
        }
        long seed = Long.getLong("bpfj.codefuzz.seed", 20261202L);
        Random random = new Random(seed);
        List<Path> sources = new ArrayList<>();
        List<String> cases = new ArrayList<>();
        int headers = 0;
        for (int attempt = 0; attempt < 2000 && sources.size() < CASES; attempt++) {
            StringBuilder what = new StringBuilder();
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
                continue;
            }
            Path file = work.resolve("src/" + pkg.replace('.', '/') + "/MutatedBpf.java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source, StandardCharsets.UTF_8);
            sources.add(file);
            cases.add(pkg + ": " + what.toString().strip());
            if (headers < 4 && header(bytes, what.toString())) {
                headers++;
            }
        }
        assertTrue(sources.size() == CASES, "only " + sources.size() + " mutated objects were accepted");
        compile(sources, cases, seed);
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

    private void compile(List<Path> sources, List<String> cases, long seed) throws Exception {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter output = new StringWriter();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "22", "-proc:none", "-implicit:none", "-classpath",
                    System.getProperty("java.class.path"), "-d", work.resolve("classes").toString());
            boolean ok = compiler.getTask(output, files, null, options, null, files.getJavaFileObjectsFromPaths(sources))
                    .call();
            if (!ok) {
                fail("skeletons of accepted objects do not compile (-Dbpfj.codefuzz.seed=" + seed + "):\n"
                        + String.join("\n", cases) + "\n" + output);
            }
        }
    }
}
