package dev.bpfj.toolchain.clang;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the clang to use and checks that it can build BPF objects.
 *
 * <p>Order: the path the user configured ({@code bpf.clang}); else {@code clang} on the
 * {@code PATH}; else the newest versioned {@code clang-NN} on the {@code PATH} (Debian and
 * Ubuntu install {@code clang-14} without a plain {@code clang} when only a versioned package
 * is installed).
 */
public final class ClangLocator {

    /** Said whenever no usable clang is found. */
    static final String INSTALL_HINT = "Install clang " + ClangVersion.MINIMUM.major()
            + " or newer (Debian/Ubuntu: apt-get install clang; Fedora/RHEL: dnf install clang), "
            + "point the plugin at one with <clang>/path/to/clang</clang> in its configuration "
            + "or -Dbpf.clang=/path/to/clang on the command line, "
            + "or let Maven fetch a pinned clang with -Dbpf.clang=maven.";

    private static final Pattern VERSIONED = Pattern.compile("clang-(\\d+)");

    private final List<Path> searchPath;

    /**
     * Creates a locator that searches the given directories.
     *
     * @param searchPath the directories of the {@code PATH}, in order
     */
    public ClangLocator(List<Path> searchPath) {
        this.searchPath = List.copyOf(searchPath);
    }

    /**
     * Creates a locator over this process's {@code PATH}.
     *
     * @return a locator searching {@code $PATH}
     */
    public static ClangLocator fromEnvironment() {
        String path = System.getenv("PATH");
        List<Path> dirs = new ArrayList<>();
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    dirs.add(Path.of(entry));
                }
            }
        }
        return new ClangLocator(dirs);
    }

    /**
     * Picks the clang executable without running it.
     *
     * @param configured the path the user configured, or empty to search the {@code PATH}
     * @return the executable to use
     * @throws BpfBuildException when the configured path is unusable or nothing is found
     */
    public Path locate(Optional<Path> configured) throws BpfBuildException {
        if (configured.isPresent()) {
            Path clang = configured.get().toAbsolutePath();
            if (!Files.exists(clang)) {
                throw new BpfBuildException("The configured clang " + clang + " (bpf.clang) does not exist. "
                        + INSTALL_HINT);
            }
            if (Files.isDirectory(clang) || !Files.isExecutable(clang)) {
                throw new BpfBuildException("The configured clang " + clang
                        + " (bpf.clang) is not an executable file. " + INSTALL_HINT);
            }
            return clang;
        }
        for (Path dir : searchPath) {
            Path candidate = dir.resolve("clang");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        Path newest = null;
        int newestMajor = -1;
        for (Path dir : searchPath) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path candidate : (Iterable<Path>) entries::iterator) {
                    Matcher matcher = VERSIONED.matcher(candidate.getFileName().toString());
                    if (matcher.matches() && Files.isExecutable(candidate)) {
                        int major = Integer.parseInt(matcher.group(1));
                        if (major > newestMajor) {
                            newestMajor = major;
                            newest = candidate.toAbsolutePath();
                        }
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // An unreadable PATH entry is not our problem; the shell skips it too.
            }
        }
        if (newest == null) {
            throw new BpfBuildException("No clang found: neither clang nor clang-NN is on the PATH. " + INSTALL_HINT);
        }
        return newest;
    }

    /**
     * Runs the executable to learn its version and check that it targets BPF.
     *
     * @param executable the clang to check
     * @return the checked clang
     * @throws BpfBuildException    when it is not clang, too old, or lacks the BPF target
     * @throws IOException          when it cannot be started at all
     * @throws InterruptedException when the build is interrupted
     */
    public static Clang probe(Path executable) throws BpfBuildException, IOException, InterruptedException {
        Processes.Outcome versionRun;
        try {
            versionRun = Processes.run(List.of(executable.toString(), "--version"), null);
        } catch (IOException cannotStart) {
            throw new BpfBuildException("Cannot run " + executable + ": " + cannotStart.getMessage() + ". "
                    + INSTALL_HINT, List.of(), cannotStart);
        }
        Optional<ClangVersion> version = ClangVersion.parse(versionRun.output());
        if (versionRun.exitCode() != 0 || version.isEmpty()) {
            throw new BpfBuildException(executable + " is not clang: '" + executable + " --version' printed '"
                    + firstLine(versionRun.output()) + "' (exit status " + versionRun.exitCode() + "). "
                    + INSTALL_HINT);
        }
        if (!version.get().isSupported()) {
            throw new BpfBuildException(executable + " is clang " + version.get() + ", but BPF CO-RE needs clang "
                    + ClangVersion.MINIMUM.major() + " or newer (libbpf's bpf_core_read.h uses builtins that "
                    + "first shipped in clang " + ClangVersion.MINIMUM.major() + "). " + INSTALL_HINT);
        }
        Processes.Outcome targets = Processes.run(List.of(executable.toString(), "-print-targets"), null);
        if (targets.exitCode() != 0 || !targets.output().matches("(?s).*\\bbpfel\\b.*")) {
            throw new BpfBuildException(executable + " (clang " + version.get()
                    + ") was built without the BPF backend: '-print-targets' does not list bpfel. "
                    + "Use a distribution's clang package, which includes it. " + INSTALL_HINT);
        }
        return new Clang(executable, version.get(), firstLine(versionRun.output()), findLlvmStrip(executable));
    }

    /**
     * Finds the {@code llvm-strip} that belongs to a clang: next to the real clang binary
     * (e.g. {@code /usr/lib/llvm-14/bin}), then with the same version suffix next to the
     * given path ({@code clang-14} -> {@code llvm-strip-14}), then plain {@code llvm-strip}
     * next to it.
     *
     * @param clang the clang executable
     * @return the matching llvm-strip, if present
     */
    static Optional<Path> findLlvmStrip(Path clang) {
        List<Path> candidates = new ArrayList<>();
        try {
            candidates.add(clang.toRealPath().resolveSibling("llvm-strip"));
        } catch (IOException ignored) {
            // Fall through to the names next to the configured path.
        }
        String name = clang.getFileName().toString();
        if (name.startsWith("clang-")) {
            candidates.add(clang.resolveSibling("llvm-strip-" + name.substring("clang-".length())));
        }
        candidates.add(clang.resolveSibling("llvm-strip"));
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    private static String firstLine(String text) {
        String trimmed = text.strip();
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline);
    }
}
