package dev.bpfj.toolchain;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.test.KernelEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** The C fixtures of this module, compiled on demand, and the binutils/LLVM tools tests compare against. */
public final class Fixtures {

    private static final Path SOURCES = Path.of("src/test/bpf");

    private Fixtures() {
    }

    /** Compiles {@code src/test/bpf/<name>.bpf.c} for little-endian BPF. */
    public static Path object(String name) {
        return ClangFixtures.compile(SOURCES.resolve(name + ".bpf.c"), outputDir());
    }

    /** Compiles {@code src/test/bpf/<name>.bpf.c} for big-endian BPF ({@code -target bpfeb}). */
    public static Path bigEndianObject(String name) {
        return ClangFixtures.compile(SOURCES.resolve(name + ".bpf.c"), outputDir(), List.of("-target", "bpfeb"));
    }

    /** Reads a compiled fixture. */
    public static byte[] bytes(Path object) {
        try {
            return Files.readAllBytes(object);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + object, e);
        }
    }

    /**
     * Runs a tool such as {@code readelf} and returns its standard output. A missing tool fails
     * under CI and skips otherwise, like a missing clang.
     */
    public static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out;
            try (InputStream in = process.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed with " + process.exitValue());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            String reason = "tests compare against " + command[0] + ", which cannot be run: " + e.getMessage();
            if (KernelEnvironment.required()) {
                throw new AssertionError(reason, e);
            }
            Assumptions.abort(reason);
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Objects go next to the test classes, inside this build's own output folder. */
    private static Path outputDir() {
        try {
            Path testClasses = Path.of(Fixtures.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return testClasses.getParent().resolve("bpf-fixtures");
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
