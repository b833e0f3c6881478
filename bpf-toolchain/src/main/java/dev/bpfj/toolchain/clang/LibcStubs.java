package dev.bpfj.toolchain.clang;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one glibc header a BPF source that includes libc headers ({@code stdint.h}, {@code stdlib.h},
 * ...) cannot find without a multilib install. glibc's {@code gnu/stubs.h} includes
 * {@code gnu/stubs-32.h} for every target that is not x86-64, and {@code -target bpf} is not; only
 * gcc-multilib (libc6-dev-i386) installs that file, so XDP and tc programs that build on their
 * authors' machines fail here with "'gnu/stubs-32.h' file not found". The file only lists the
 * {@code __stub_} macros of functions a 32-bit glibc lacks, which no BPF program calls, so bpfj
 * provides an empty one in a directory searched after the system's ({@code -idirafter}): a machine
 * that has the real one still uses it, and one that does not compiles the source as a multilib
 * machine would.
 */
final class LibcStubs {

    static final String HEADER = "gnu/stubs-32.h";

    private static final String TEXT = """
            /* Written by bpfj: an empty stand-in for glibc's gnu/stubs-32.h, which glibc's gnu/stubs.h
             * includes for the BPF target and which only multilib installs provide. It lists no
             * __stub_ macros; this directory comes after the system's, so a real one wins. */
            """;

    private LibcStubs() {
    }

    /** The directory that holds the stand-in, under the build's output directory. */
    static Path directory(Path outputDirectory) {
        return outputDirectory.resolve("include-after");
    }

    /** Writes the stand-in unless it is there already. */
    static void provide(Path directory) throws IOException {
        Path header = directory.resolve(HEADER);
        if (!Files.isRegularFile(header)) {
            Files.createDirectories(header.getParent());
            Files.writeString(header, TEXT, StandardCharsets.US_ASCII);
        }
    }
}
