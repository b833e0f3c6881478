package dev.bpfj.toolchain.clang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.RecordingLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpacking a clang artifact and choosing between the system's clang and the pinned one. The
 * artifacts here are small jars laid out like the real one; the real one is built with in the
 * plugin's pinned-clang integration tests.
 */
class PinnedClangTest {

    private static final String PREFIX = "com/example/fakellvm/linux-x86_64/";

    @TempDir
    Path dir;

    private final RecordingLog log = new RecordingLog();

    private Path jar(Map<String, String> entries) throws IOException {
        Path jar = dir.resolve("fakellvm.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return jar;
    }

    private Path completeJar() throws IOException {
        return jar(Map.of(PREFIX + "clang", "#!/bin/sh\necho clang version 20.1.7\n",
                PREFIX + "libLLVM.so", "llvm", PREFIX + "libclang-cpp.so", "cpp",
                PREFIX + "llvm-objcopy", "objcopy", PREFIX + "lib/clang/20/include/stddef.h", "/* */",
                PREFIX + "llvm-exegesis", "not needed", "com/example/other/clang", "another platform"));
    }

    @Test
    void unpacksOnlyWhatABuildNeedsWithTheVersionedLibraryNames() throws Exception {
        Path cache = dir.resolve("cache");
        Path clang = PinnedClang.unpack("com.example:fakellvm:20.1.7-1.5.12", "linux-x86_64", completeJar(), cache, log);

        Path home = cache.resolve("fakellvm-20.1.7-1.5.12-linux-x86_64");
        assertEquals(home.resolve("clang"), clang);
        assertTrue(Files.isExecutable(clang));
        assertEquals(Path.of("libLLVM.so"), Files.readSymbolicLink(home.resolve("libLLVM.so.20.1")));
        assertEquals(Path.of("libclang-cpp.so"), Files.readSymbolicLink(home.resolve("libclang-cpp.so.20.1")));
        assertEquals(Path.of("llvm-objcopy"), Files.readSymbolicLink(home.resolve("llvm-strip")));
        assertTrue(Files.isRegularFile(home.resolve("lib/clang/20/include/stddef.h")));
        assertFalse(Files.exists(home.resolve("llvm-exegesis")));
        assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("INFO Unpacking clang from")));
    }

    @Test
    void aTrustedCopyIsReusedAndATamperedOneUnpackedAgain() throws Exception {
        Path cache = dir.resolve("cache");
        Path jar = completeJar();
        Path clang = PinnedClang.unpack("com.example:fakellvm:20.1.7-1.5.12", "linux-x86_64", jar, cache, log);
        int unpacks = unpackLines();

        PinnedClang.unpack("com.example:fakellvm:20.1.7-1.5.12", "linux-x86_64", jar, cache, log);
        assertEquals(unpacks, unpackLines(), "an intact copy is reused");

        // Another user could have replaced the binary: a group-writable clang is not trusted.
        Files.setPosixFilePermissions(clang, PosixFilePermissions.fromString("rwxrwxr-x"));
        PinnedClang.unpack("com.example:fakellvm:20.1.7-1.5.12", "linux-x86_64", jar, cache, log);
        assertEquals(unpacks + 1, unpackLines(), "a copy others can write to is unpacked again");
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(clang)));

        // An interrupted unpack leaves no marker: unpacked again.
        Files.delete(clang.resolveSibling(".bpfj-unpacked"));
        PinnedClang.unpack("com.example:fakellvm:20.1.7-1.5.12", "linux-x86_64", jar, cache, log);
        assertEquals(unpacks + 2, unpackLines());
    }

    private int unpackLines() {
        return (int) log.lines().stream().filter(l -> l.startsWith("INFO Unpacking clang from")).count();
    }

    @Test
    void theDefaultArtifactMustMatchItsPinnedChecksum() throws Exception {
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> PinnedClang.unpack(
                PinnedClang.DEFAULT_ARTIFACT, "linux-x86_64", completeJar(), dir.resolve("cache"), log));
        assertTrue(e.getMessage().contains("has SHA-256"), e.getMessage());
        assertTrue(e.getMessage().contains("delete it and build again"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("cache/llvm-20.1.7-1.5.12-linux-x86_64")));
    }

    @Test
    void aJarWithoutClangOrWithEscapingEntriesIsRefused() throws Exception {
        Path noClang = jar(Map.of(PREFIX + "libLLVM.so", "llvm"));
        BpfBuildException missing = assertThrows(BpfBuildException.class, () -> PinnedClang.unpack(
                "com.example:fakellvm:20.1.7", "linux-x86_64", noClang, dir.resolve("cache"), log));
        assertTrue(missing.getMessage().contains("does not contain clang"), missing.getMessage());

        Path escaping = jar(Map.of(PREFIX + "lib/clang/20/include/../../../../../evil.h", "x"));
        BpfBuildException outside = assertThrows(BpfBuildException.class, () -> PinnedClang.unpack(
                "com.example:fakellvm:20.1.7", "linux-x86_64", escaping, dir.resolve("cache"), log));
        assertTrue(outside.getMessage().contains("outside"), outside.getMessage());
        assertFalse(Files.exists(dir.resolve("evil.h")));
    }

    @Test
    void versionsAndCoordinatesAreChecked() throws Exception {
        assertEquals("20.1", PinnedClang.majorMinor("20.1.7-1.5.12"));
        assertEquals("18.1", PinnedClang.majorMinor("18.1.8-1.5.11"));
        assertThrows(BpfBuildException.class, () -> PinnedClang.majorMinor("latest"));
        assertThrows(BpfBuildException.class, () -> PinnedClang.unpack("fakellvm", "linux-x86_64", completeJar(),
                dir.resolve("cache"), log));
    }

    @Test
    void modeWordsAreNotPaths() {
        assertEquals(Optional.of(ClangPolicy.Mode.AUTO), ClangPolicy.modeNamed(null));
        assertEquals(Optional.of(ClangPolicy.Mode.PINNED), ClangPolicy.modeNamed("maven"));
        assertEquals(Optional.of(ClangPolicy.Mode.SYSTEM), ClangPolicy.modeNamed(" System "));
        assertEquals(Optional.empty(), ClangPolicy.modeNamed("/usr/bin/clang-14"));
    }

    /** A pinned source that hands out the system's real clang, so the choice can be run for real. */
    private static PinnedClangSource pinnedAt(Path clang, int[] asked) {
        return new PinnedClangSource() {
            @Override
            public Path clang() {
                asked[0]++;
                return clang;
            }

            @Override
            public String describe() {
                return "com.example:fakellvm:1:linux-x86_64";
            }
        };
    }

    private CompileRequest request(Path root, ClangPolicy policy) throws IOException {
        Path src = Files.createDirectories(root.resolve("src/main/bpf"));
        Files.writeString(src.resolve("tiny.bpf.c"), """
                #define SEC(name) __attribute__((section(name), used))
                SEC("tracepoint/syscalls/sys_enter_openat")
                int tiny(void *ctx) { return 0; }
                char LICENSE[] SEC("license") = "GPL";
                """);
        return CompileRequest.builder(src, root.resolve("target/bpf")).projectDirectory(root).parallelism(1)
                .clangPolicy(policy).build();
    }

    private static Path systemClang() throws BpfBuildException {
        return ClangLocator.fromEnvironment().locate(Optional.empty());
    }

    @Test
    void withNoClangOnThePathTheDefaultFallsBackToThePinnedOne() throws Exception {
        int[] asked = {0};
        ClangPolicy policy = new ClangPolicy(ClangPolicy.Mode.AUTO, Optional.of(pinnedAt(systemClang(), asked)));
        new BpfCompiler(log, ObjectChecker.none(), new ClangLocator(List.of(dir.resolve("empty-bin"))))
                .compile(request(dir.resolve("p"), policy));
        assertEquals(1, asked[0]);
        assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("INFO No usable clang on the PATH")), log.lines()::toString);
        assertTrue(Files.size(dir.resolve("p/target/bpf/tiny.bpf.o")) > 0);
    }

    @Test
    void aUsableSystemClangIsPreferredUnlessThePinnedOneIsAskedFor() throws Exception {
        int[] asked = {0};
        Path clang = systemClang();
        ClangLocator path = new ClangLocator(List.of(clang.getParent()));
        new BpfCompiler(log, ObjectChecker.none(), path).compile(request(dir.resolve("auto"),
                new ClangPolicy(ClangPolicy.Mode.AUTO, Optional.of(pinnedAt(clang, asked)))));
        assertEquals(0, asked[0], "a usable clang on the PATH wins in auto mode");

        new BpfCompiler(log, ObjectChecker.none(), path).compile(request(dir.resolve("pinned"),
                new ClangPolicy(ClangPolicy.Mode.PINNED, Optional.of(pinnedAt(clang, asked)))));
        assertEquals(1, asked[0], "bpf.clang=maven always takes the pinned clang");
    }

    @Test
    void askingForAPinnedClangWhereThereIsNoneSaysSo() throws Exception {
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> new BpfCompiler(log, ObjectChecker.none(),
                new ClangLocator(List.of())).compile(request(dir.resolve("none"),
                new ClangPolicy(ClangPolicy.Mode.PINNED, Optional.empty()))));
        assertTrue(e.getMessage().contains("there is none for this platform"), e.getMessage());
    }

    @Test
    void withNeitherAClangNorAPinnedOneTheErrorNamesAllWays() throws Exception {
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> new BpfCompiler(log, ObjectChecker.none(),
                new ClangLocator(List.of())).compile(request(dir.resolve("nothing"),
                new ClangPolicy(ClangPolicy.Mode.AUTO, Optional.empty()))));
        assertTrue(e.getMessage().contains("-Dbpf.clang=maven"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install clang"), e.getMessage());
    }
}
