package dev.bpfj.toolchain.skeleton;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpfj.toolchain.Fixtures;
import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.clang.BuildLog;
import dev.bpfj.toolchain.elf.ElfFile;
import dev.bpfj.toolchain.elf.ElfSection;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import dev.bpfj.toolchain.vmlinux.VmlinuxGenerator;
import dev.bpfj.toolchain.vmlinux.VmlinuxRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names the reader accepts but Java or C does not: the skeleton must compile (names are made
 * into identifiers by the rule in {@link JavaNames}) or the generator must refuse with a
 * {@link BpfBuildException} naming what it refuses; vmlinux.h must compile with clang or be
 * refused the same way.
 */
class SkeletonNamesTest {

    private static final String PACKAGE = "dev.bpfj.generated.names";

    @TempDir
    Path work;

    /** Keywords and the skeleton's own member, method, class and local names, all valid C. */
    @Test
    void namesThatClashInJavaStillCompile() throws Exception {
        BpfObjectSpec spec = BpfObjectSpec.read(Fixtures.object("hostile_names"));
        SkeletonGoldenTest.compile(List.of(writeSkeleton(spec, PACKAGE)), work.resolve("classes"));
    }

    /** Names that are not identifiers in either language, written into the BTF string table. */
    @Test
    void namesThatAreNotIdentifiersCompileOrAreRefusedByName() throws Exception {
        List<Path> sources = new java.util.ArrayList<>();
        for (String[] renaming : List.of(
                new String[] {"zzz_placeholder_1", "int"},
                new String[] {"zzz_placeholder_2", "a b"},
                new String[] {"zzz_placeholder_1", "x*/y\\u000a"},
                new String[] {"zzz_placeholder_2", "9lives"},
                new String[] {"zzz_placeholder_4", "class"},
                new String[] {"zzz_placeholder_4", "ünï"},
                new String[] {"zzz_placeholder_3", "a b"},
                new String[] {"zzz_placeholder_3", "\u00ff\u00fe"},
                new String[] {"String", "class"})) {
            byte[] bytes = renamedInBtf(Fixtures.bytes(Fixtures.object("hostile_names")), renaming[0],
                    renaming[1].equals("\u00ff\u00fe") ? new byte[] {(byte) 0xff, (byte) 0xfe}
                            : renaming[1].getBytes(StandardCharsets.UTF_8));
            String what = renaming[0] + " -> " + renaming[1];
            BpfObjectSpec spec = BpfObjectSpec.parse("renamed.bpf.o", bytes);
            boolean mustRefuse = renaming[0].equals("zzz_placeholder_3") && renaming[1].startsWith("\u00ff");
            try {
                // One package per case, all compiled together at the end.
                sources.add(writeSkeleton(spec, PACKAGE + ".case" + sources.size()));
                assertFalse(mustRefuse, what + ": a map whose name is not UTF-8 cannot be found by name at run time");
            } catch (BpfBuildException refused) {
                assertTrue(refused.getMessage().contains("renamed.bpf.o"), what + ": " + refused.getMessage());
                assertTrue(mustRefuse, what + ": refused " + refused.getMessage());
                assertTrue(refused.getMessage().contains("map \uFFFD\uFFFD"), refused.getMessage());
            }
            header(bytes, what);
        }
        SkeletonGoldenTest.compile(sources, work.resolve("classes"));
    }

    private Path writeSkeleton(BpfObjectSpec spec, String packageName) throws Exception {
        String source = new SkeletonGenerator().generate(spec, packageName, List.of());
        String className = SkeletonGenerator.className(Path.of(spec.fileName()).getFileName().toString());
        Path file = work.resolve("src/" + packageName.replace('.', '/') + "/" + className + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source, StandardCharsets.UTF_8);
        return file;
    }

    /** Generates vmlinux.h from the object's BTF and compiles it, unless the generator refuses by name. */
    private void header(byte[] object, String what) throws Exception {
        byte[] btf = ElfFile.parse("renamed.bpf.o", object).section(".BTF").orElseThrow().bytes();
        Path dir = Files.createTempDirectory(work, "hdr");
        Path btfFile = dir.resolve("renamed.btf");
        Files.write(btfFile, btf);
        Path header = dir.resolve("vmlinux.h");
        try {
            new VmlinuxGenerator(BuildLog.silent()).generate(new VmlinuxRequest(btfFile, header, List.of()));
        } catch (BpfBuildException refused) {
            assertTrue(refused.getMessage().contains("renamed.btf") && refused.getMessage().contains("BTF type"),
                    what + ": " + refused.getMessage());
            return;
        }
        Path unit = dir.resolve("use.c");
        Files.writeString(unit, "#include \"vmlinux.h\"\n");
        Process clang = new ProcessBuilder("clang", "-target", "bpf", "-fsyntax-only", unit.toString())
                .redirectErrorStream(true).start();
        String output = new String(clang.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (clang.waitFor() != 0) {
            fail(what + ": clang rejects the generated vmlinux.h:\n" + output);
        }
    }

    /** Overwrites a name in the .BTF string table (NUL-terminating the shorter replacement). */
    static byte[] renamedInBtf(byte[] object, String placeholder, byte[] replacement) throws Exception {
        ElfSection btf = ElfFile.parse("fixture", object).section(".BTF").orElseThrow();
        byte[] needle = (placeholder + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] copy = object.clone();
        int start = (int) btf.offset();
        int end = (int) (btf.offset() + btf.size());
        for (int at = start; at + needle.length <= end; at++) {
            if (Arrays.equals(copy, at, at + needle.length, needle, 0, needle.length)
                    && copy[at - 1] == 0 && replacement.length < needle.length) {
                Arrays.fill(copy, at, at + needle.length, (byte) 0);
                System.arraycopy(replacement, 0, copy, at, replacement.length);
                return copy;
            }
        }
        throw new AssertionError(placeholder + " is not a name in the fixture's BTF");
    }
}
