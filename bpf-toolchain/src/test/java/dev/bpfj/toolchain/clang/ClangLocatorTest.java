package dev.bpfj.toolchain.clang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding and checking clang, with fake tools in a temporary PATH and the real clang. */
class ClangLocatorTest {

    @TempDir
    Path dir;

    private Path script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void configuredPathThatDoesNotExistSaysHowToFixIt() {
        BpfBuildException e = assertThrows(BpfBuildException.class,
                () -> new ClangLocator(List.of()).locate(Optional.of(dir.resolve("no-such-clang"))));
        assertTrue(e.getMessage().contains("no-such-clang"), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install clang"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dbpf.clang="), e.getMessage());
    }

    @Test
    void emptyPathSaysNoClangFound() {
        BpfBuildException e = assertThrows(BpfBuildException.class,
                () -> new ClangLocator(List.of(dir)).locate(Optional.empty()));
        assertTrue(e.getMessage().startsWith("No clang found"), e.getMessage());
        assertTrue(e.getMessage().contains("dnf install clang"), e.getMessage());
    }

    @Test
    void prefersPlainClangThenTheNewestVersionedOne() throws Exception {
        Path other = Files.createDirectory(dir.resolve("other"));
        script("clang-13", "true");
        script("clang-15", "true");
        script("clang-9", "true");
        assertEquals(dir.resolve("clang-15"), new ClangLocator(List.of(other, dir)).locate(Optional.empty()));
        Path plain = other.resolve("clang");
        Files.copy(dir.resolve("clang-9"), plain);
        assertEquals(plain, new ClangLocator(List.of(dir, other)).locate(Optional.empty()));
    }

    @Test
    void rejectsAToolThatIsNotClang() throws Exception {
        Path fake = script("clang", "echo 'gcc (GCC) 12.2.0'");
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> ClangLocator.probe(fake));
        assertTrue(e.getMessage().contains("is not clang"), e.getMessage());
        assertTrue(e.getMessage().contains("gcc (GCC) 12.2.0"), e.getMessage());
    }

    @Test
    void rejectsAClangThatIsTooOld() throws Exception {
        Path old = script("clang", "echo 'clang version 11.0.1'");
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> ClangLocator.probe(old));
        assertTrue(e.getMessage().contains("clang 11.0.1"), e.getMessage());
        assertTrue(e.getMessage().contains("needs clang 12 or newer"), e.getMessage());
    }

    @Test
    void rejectsAClangWithoutTheBpfBackend() throws Exception {
        Path noBpf = script("clang", "case \"$1\" in --version) echo 'clang version 15.0.0';; "
                + "-print-targets) echo '  x86-64 - 64-bit X86: EM_X86_64';; esac");
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> ClangLocator.probe(noBpf));
        assertTrue(e.getMessage().contains("without the BPF backend"), e.getMessage());
    }

    @Test
    void acceptsTheInstalledClangAndFindsItsLlvmStrip() throws Exception {
        Path found = ClangLocator.fromEnvironment().locate(Optional.empty());
        Clang clang = ClangLocator.probe(found);
        assertTrue(clang.version().isSupported());
        assertTrue(clang.versionText().contains("clang version"), clang.versionText());
        assertTrue(clang.llvmStrip().isPresent(), "llvm-strip is installed next to clang on the build machines");
    }
}
