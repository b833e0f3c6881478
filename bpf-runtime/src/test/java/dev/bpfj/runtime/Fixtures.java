package dev.bpfj.runtime;

import dev.bpfj.test.ClangFixtures;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The runtime tests' BPF programs, compiled from src/test/bpf with the system clang. */
final class Fixtures {

    private Fixtures() {
    }

    /** Compiles (or reuses) {@code src/test/bpf/<name>.bpf.c} and returns the object file. */
    static Path object(String name) {
        Path output = Path.of(System.getProperty("bpfj.fixtureDir", "target/test-bpf"));
        return ClangFixtures.compile(Path.of("src/test/bpf", name + ".bpf.c"), output);
    }

    /** Opens the fixture {@code name} from its file, named {@code name} (not after the cached file name). */
    static BpfObject open(String name) {
        return BpfObject.open(object(name), OpenOptions.defaults().withObjectName(name));
    }

    /** The bytes of the compiled fixture {@code name}. */
    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(object(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This JVM's process id, which BPF sees as the tgid. */
    static int tgid() {
        return (int) ProcessHandle.current().pid();
    }

    /** Makes an openat system call for {@code path}; the path need not exist. */
    static void openat(String path) {
        try (FileInputStream in = new FileInputStream(path)) {
            in.available();
        } catch (FileNotFoundException expected) {
            // The syscall happened, which is all the tracepoint needs.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number of open file descriptors of this process. */
    static long openFds() {
        try (var entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
