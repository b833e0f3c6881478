package dev.bpfj.test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Compiles a test fixture written in C ({@code something.bpf.c}) into a BPF object with the
 * system's clang, the way the project's build does:
 * {@code clang -g -O2 -target bpf -D__TARGET_ARCH_<arch> -I/usr/include/<multiarch> -c}.
 *
 * <p>Results are cached by content: the output file's name carries a hash of the source, the
 * headers next to it, and the command line, so an unchanged fixture is compiled once per output
 * folder and a changed one is never served stale.
 *
 * <p>clang is required. When it is missing, a test that needs a fixture is aborted (skipped) with
 * the reason on a developer machine, and fails under {@code CI=true} or
 * {@code -Dbpf.kernelTests=required}, like {@link KernelTest}.
 */
public final class ClangFixtures {

    private static final long TIMEOUT_SECONDS = 120;

    private ClangFixtures() {
    }

    /**
     * Compiles a fixture for little-endian BPF.
     *
     * @param source    the {@code .bpf.c} file
     * @param outputDir where to put the object (created if missing)
     * @return the object file, {@code <outputDir>/<stem>-<hash>.bpf.o}
     */
    public static Path compile(Path source, Path outputDir) {
        return compile(source, outputDir, List.of());
    }

    /**
     * Compiles a fixture with extra clang arguments appended to the standard ones; for example
     * {@code List.of("-target", "bpfeb")} for big-endian (the later {@code -target} wins) or
     * {@code List.of("-DFEATURE=1")}.
     *
     * @param source    the {@code .bpf.c} file
     * @param outputDir where to put the object (created if missing)
     * @param extraArgs further clang arguments
     * @return the object file
     * @throws AssertionError if clang fails (with its output) or is missing under CI
     */
    public static Path compile(Path source, Path outputDir, List<String> extraArgs) {
        requireClang();
        List<String> command = new ArrayList<>(standardArguments());
        command.addAll(extraArgs);
        try {
            Path absoluteSource = source.toAbsolutePath().normalize();
            String hash = cacheKey(absoluteSource, command);
            String stem = absoluteSource.getFileName().toString().replaceFirst("(\\.bpf)?\\.c$", "");
            Files.createDirectories(outputDir);
            Path output = outputDir.resolve(stem + "-" + hash + ".bpf.o");
            if (Files.isRegularFile(output)) {
                return output;
            }
            Path temporary = Files.createTempFile(outputDir, stem + "-", ".tmp");
            try {
                command.addAll(List.of("-c", absoluteSource.toString(), "-o", temporary.toString()));
                run(command);
                try {
                    Files.move(temporary, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, output, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("cannot compile BPF fixture " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The arguments every fixture is compiled with, before any extra ones: clang, debug info
     * (for BTF), optimisation, the BPF target, the architecture macro {@code bpf_tracing.h} needs,
     * and the multiarch include folder that holds {@code asm/types.h}.
     *
     * @return the command line prefix
     */
    public static List<String> standardArguments() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String targetArch;
        String multiarch;
        switch (arch) {
            case "aarch64", "arm64" -> {
                targetArch = "arm64";
                multiarch = "aarch64-linux-gnu";
            }
            case "riscv64" -> {
                targetArch = "riscv";
                multiarch = "riscv64-linux-gnu";
            }
            case "s390x" -> {
                targetArch = "s390";
                multiarch = "s390x-linux-gnu";
            }
            case "ppc64le" -> {
                targetArch = "powerpc";
                multiarch = "powerpc64le-linux-gnu";
            }
            default -> {
                targetArch = "x86";
                multiarch = "x86_64-linux-gnu";
            }
        }
        List<String> arguments = new ArrayList<>(List.of(clang(), "-g", "-O2", "-target", "bpf",
                "-D__TARGET_ARCH_" + targetArch));
        Path include = Path.of("/usr/include", multiarch);
        if (Files.isDirectory(include)) {
            arguments.add("-I" + include);
        }
        return arguments;
    }

    /**
     * The clang fixtures are compiled with: {@code clang} on the {@code PATH}, or the executable
     * that the system property {@value #CLANG_PROPERTY} names (CI compiles every fixture a second
     * time with the plugin's pinned clang that way).
     *
     * @return the command or path
     */
    public static String clang() {
        String configured = System.getProperty(CLANG_PROPERTY, "");
        return configured.isBlank() ? "clang" : configured.strip();
    }

    /** The system property that names another clang for fixtures. */
    public static final String CLANG_PROPERTY = "bpf.test.clang";

    private static void requireClang() {
        String clang = clang();
        if (clang.equals("clang") ? KernelEnvironment.onPath("clang") : Files.isExecutable(Path.of(clang))) {
            return;
        }
        String reason = clang.equals("clang")
                ? "BPF test fixtures need clang on the PATH (apt-get install clang libbpf-dev)"
                : "BPF test fixtures need the clang named by -D" + CLANG_PROPERTY + ", " + clang + ", which is not executable";
        if (KernelEnvironment.required()) {
            throw new AssertionError(reason + "; failing because " + KernelEnvironment.requiredBecause());
        }
        Assumptions.abort(reason + " (set CI=true or -Dbpf.kernelTests=required to make this a failure)");
    }

    private static String cacheKey(Path source, List<String> command) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
        digest.update(String.join("\u0000", command).getBytes(StandardCharsets.UTF_8));
        digest.update(Files.readAllBytes(source));
        // Local headers are part of the fixture: a change to one must invalidate the cache.
        Path folder = source.getParent();
        if (folder != null) {
            List<Path> headers;
            try (Stream<Path> files = Files.list(folder)) {
                headers = files.filter(p -> p.getFileName().toString().endsWith(".h")).sorted().toList();
            }
            for (Path header : headers) {
                digest.update(header.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(header));
            }
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    private static void run(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Process process = builder.start();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("clang did not finish within " + TIMEOUT_SECONDS + " s: "
                        + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running clang", e);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("clang failed with exit code " + process.exitValue() + ": "
                    + String.join(" ", command) + "\n" + new String(output, StandardCharsets.UTF_8));
        }
    }
}
