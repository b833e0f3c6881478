package dev.bpfj.toolchain.clang;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a tool and collects what it prints. Package-private: only the clang driver needs it. */
final class Processes {

    /** How long a single tool run may take before the build gives up on it. */
    static final long TIMEOUT_SECONDS = 600;

    /**
     * What a finished process left behind.
     *
     * @param exitCode its exit status
     * @param output   stdout and stderr, interleaved as printed
     */
    record Outcome(int exitCode, String output) {
    }

    private Processes() {
    }

    /**
     * Runs a command to completion with stderr merged into stdout.
     *
     * @param command   the program and its arguments
     * @param directory the working directory, or {@code null} for the current one
     * @return exit status and output
     * @throws IOException          if the program cannot be started
     * @throws InterruptedException if the build is interrupted; the process is killed first
     */
    static Outcome run(List<String> command, Path directory) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        // clang localises nothing we parse, but make sure messages stay in English for the parser.
        builder.environment().put("LC_ALL", "C");
        Process process = builder.start();
        try {
            process.getOutputStream().close();
            String output = readAll(process.getInputStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException(command.get(0) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Outcome(process.exitValue(), output);
        } finally {
            process.destroyForcibly();
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        in.transferTo(buffer);
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
