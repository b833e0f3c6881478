package dev.bpfj.toolchain.clang;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A clang that was found and checked: it runs, targets BPF and is at least
 * {@link ClangVersion#MINIMUM}.
 *
 * @param executable   the path the build runs
 * @param version      its release number
 * @param versionText  the first line of {@code clang --version}; part of the incremental build
 *                     fingerprint, so a different clang build recompiles everything
 * @param llvmStrip    the {@code llvm-strip} shipped with this clang, if there is one
 */
public record Clang(Path executable, ClangVersion version, String versionText, Optional<Path> llvmStrip) {

    /**
     * Checks the components.
     *
     * @param executable  the path the build runs
     * @param version     its release number
     * @param versionText the first line of {@code clang --version}
     * @param llvmStrip   the matching {@code llvm-strip}, if any
     */
    public Clang {
        Objects.requireNonNull(executable, "executable");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(versionText, "versionText");
        Objects.requireNonNull(llvmStrip, "llvmStrip");
    }
}
