package dev.bpfj.toolchain.clang;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The clang command line for one BPF source. The flags that are the same for every source
 * ({@link #flags()}) also make up the incremental build's fingerprint.
 *
 * <p>Why each flag:
 * <ul>
 *   <li>{@code -g}: clang derives BTF (and .BTF.ext line/CO-RE info) from debug info; without
 *       it there is no BTF. {@code -O2}: the verifier rejects unoptimised BPF code.</li>
 *   <li>{@code -target bpf|bpfel|bpfeb}: BPF machine code in the chosen byte order.</li>
 *   <li>{@code -D__TARGET_ARCH_<arch>}: selects the {@code pt_regs} layout in libbpf's
 *       {@code bpf_tracing.h} (PT_REGS_PARM1 and friends).</li>
 *   <li>{@code -fno-ident}, {@code -ffile-prefix-map=<project>=.},
 *       {@code -fdebug-compilation-dir=.}: no compiler version string and no absolute project
 *       path end up in the object, so the same sources give the same bytes anywhere.</li>
 *   <li>{@code -idirafter /usr/include/<multiarch>}: {@code linux/types.h} includes
 *       {@code asm/types.h}, which Debian keeps in the multiarch directory; clang does not look
 *       there for {@code -target bpf}. Then {@code -idirafter <output>/include-after}, which holds
 *       the {@code gnu/stubs-32.h} that glibc wants for a non-x86-64 target and only multilib
 *       installs have ({@code LibcStubs}).</li>
 *   <li>User flags come last so that they can override any of the above.</li>
 * </ul>
 *
 * @param clang           the clang executable
 * @param flags           every flag except the per-source input, output and depfile
 */
public record ClangCommand(Path clang, List<String> flags) {

    /**
     * Copies the flag list.
     *
     * @param clang the clang executable
     * @param flags the shared flags
     */
    public ClangCommand {
        Objects.requireNonNull(clang, "clang");
        flags = List.copyOf(flags);
    }

    /**
     * Builds the shared flags.
     *
     * @param clang          the clang executable
     * @param target         bpf, bpfel or bpfeb
     * @param arch           the __TARGET_ARCH_ suffix
     * @param projectDir     the directory mapped to {@code .} in debug info
     * @param includeDirs    include directories, in search order
     * @param afterDirs      directories searched after the system ones (multiarch)
     * @param userFlags      the user's cflags
     * @return the command template
     */
    public static ClangCommand of(Path clang, String target, String arch, Path projectDir, List<Path> includeDirs,
            List<Path> afterDirs, List<String> userFlags) {
        List<String> flags = new ArrayList<>(List.of("-g", "-O2", "-target", target, "-D__TARGET_ARCH_" + arch, "-Wall",
                "-fno-ident", "-ffile-prefix-map=" + projectDir + "=.", "-fdebug-compilation-dir=."));
        for (Path dir : includeDirs) {
            flags.add("-I" + dir);
        }
        for (Path dir : afterDirs) {
            flags.add("-idirafter");
            flags.add(dir.toString());
        }
        flags.addAll(userFlags);
        return new ClangCommand(clang, flags);
    }

    /**
     * The full command for one source.
     *
     * @param source  the source file
     * @param object  where to write the object
     * @param depFile where to write the make dependency file
     * @return the program and its arguments
     */
    public List<String> forSource(Path source, Path object, Path depFile) {
        List<String> command = new ArrayList<>();
        command.add(clang.toString());
        command.addAll(flags);
        command.addAll(List.of("-MD", "-MF", depFile.toString(), "-c", source.toString(), "-o", object.toString()));
        return command;
    }
}
