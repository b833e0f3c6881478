package dev.bpfj.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A small native program and shared library built with gcc for the user-space probe tests: the
 * program calls {@code bpfj_exe_function(i)} (its own), {@code bpfj_lib_function(i)} (from the
 * library) and fires the USDT probe {@code bpfj:tick} with {@code i}, for i = 1..n.
 */
final class TestBinaries implements AutoCloseable {

    private static final String LIBRARY = """
            __attribute__((noinline)) int bpfj_lib_function(int value)
            {
            	__asm__ volatile("" ::: "memory");
            	return value * 2;
            }
            """;

    private static final String PROGRAM = """
            #include <stdlib.h>
            #include <sys/sdt.h>

            int bpfj_lib_function(int value);

            __attribute__((noinline)) int bpfj_exe_function(int value)
            {
            	__asm__ volatile("" ::: "memory");
            	return value + 1;
            }

            int main(int argc, char **argv)
            {
            	int n = argc > 1 ? atoi(argv[1]) : 1;
            	int total = 0;
            	for (int i = 1; i <= n; i++) {
            		total += bpfj_exe_function(i);
            		total += bpfj_lib_function(i);
            		DTRACE_PROBE1(bpfj, tick, i);
            	}
            	return total == 0 ? 1 : 0;
            }
            """;

    final Path directory;
    final Path program;
    final Path library;

    private TestBinaries(Path directory) {
        this.directory = directory;
        this.program = directory.resolve("bpfj-probed");
        this.library = directory.resolve("libbpfjprobed.so");
    }

    /** Builds both into a fresh temporary folder (removed by close). */
    static TestBinaries build() throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("bpfj-kinds-" + ProcessHandle.current().pid() + "-");
        TestBinaries binaries = new TestBinaries(directory);
        try {
            Files.writeString(directory.resolve("lib.c"), LIBRARY);
            Files.writeString(directory.resolve("main.c"), PROGRAM);
            gcc(directory, "-O2", "-shared", "-fPIC", "-o", binaries.library.toString(), "lib.c");
            gcc(directory, "-O2", "-o", binaries.program.toString(), "main.c", "-L" + directory, "-lbpfjprobed",
                    "-Wl,-rpath," + directory);
            return binaries;
        } catch (IOException | InterruptedException | RuntimeException e) {
            binaries.close();
            throw e;
        }
    }

    /** Runs the program with n iterations and waits for it; fails on a non-zero exit. */
    void run(int iterations) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(program.toString(), Integer.toString(iterations))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(program + " failed: " + output);
        }
    }

    private static void gcc(Path directory, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("gcc"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("gcc failed (is gcc installed, and systemtap-sdt-dev for <sys/sdt.h>?): "
                    + String.join(" ", command) + "\n" + output);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
