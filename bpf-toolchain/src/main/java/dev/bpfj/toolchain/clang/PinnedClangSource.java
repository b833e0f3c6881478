package dev.bpfj.toolchain.clang;

import java.nio.file.Path;

/**
 * Supplies the pinned clang, resolving and unpacking it on first use (see {@link PinnedClang}).
 * The Maven plugin implements it over Maven's repository system.
 */
public interface PinnedClangSource {

    /**
     * Resolves and unpacks the pinned clang if needed.
     *
     * @return the clang executable
     * @throws BpfBuildException when the artifact cannot be resolved or unpacked
     */
    Path clang() throws BpfBuildException;

    /**
     * Names the artifact for log lines and errors.
     *
     * @return for example {@code org.bytedeco:llvm:20.1.7-1.5.12:linux-x86_64}
     */
    String describe();
}
