package dev.bpfj.toolchain.clang;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one BPF compile needs, as configured by the user. Build one with
 * {@link #builder(Path, Path)}.
 *
 * @param sourceDirectory     where the sources are found
 * @param outputDirectory     where {@code .bpf.o} objects go (same relative layout as the sources)
 * @param projectDirectory    the root mapped to {@code .} in debug info, so objects do not depend on
 *                            where the project is checked out
 * @param clang               the clang the user configured, or empty to search the {@code PATH}
 * @param includes            extra include directories, searched after the source directory
 * @param cflags              extra clang flags, appended after the plugin's own so they can override them
 * @param target              {@code bpf} (host byte order), {@code bpfel} or {@code bpfeb}
 * @param arch                the {@code __TARGET_ARCH_} value, or empty to derive it from {@code osArch}
 * @param osArch              the build machine's {@code os.arch}
 * @param strip               whether to remove DWARF debug sections (BTF is kept)
 * @param failOnWarning       whether validation warnings fail the build
 * @param vmlinuxHeader       a {@code vmlinux.h} to use when a source includes one and none is on the path
 * @param vmlinuxGenerator    asked for a {@code vmlinux.h} when {@code vmlinuxHeader} is not set
 * @param systemIncludeDirectories where the libbpf headers are looked for (normally {@code /usr/include}
 *                            and {@code /usr/local/include})
 * @param parallelism         how many sources compile at the same time
 * @param sourceIncludes      Ant-style patterns of the sources compiled one object each, relative to the
 *                            source directory; empty means {@code **}{@code /*.bpf.c}. Only {@code .c} files count.
 * @param sourceExcludes      patterns of sources left out of {@code sourceIncludes}
 * @param linkedObjects       groups of sources linked into one object each; their members are not
 *                            also compiled on their own
 * @param clangPolicy         how clang is chosen when {@code clang} is empty: the {@code PATH}, a
 *                            pinned artifact, or the first of the two that is usable
 * @param probeCacheDirectory where the checked clang's identity is remembered beyond the output
 *                            directory (normally the build directory, so a build whose outputs were
 *                            deleted does not run {@code clang --version} again), or empty
 */
public record CompileRequest(
        Path sourceDirectory,
        Path outputDirectory,
        Path projectDirectory,
        Optional<Path> clang,
        List<Path> includes,
        List<String> cflags,
        String target,
        Optional<String> arch,
        String osArch,
        boolean strip,
        boolean failOnWarning,
        Optional<Path> vmlinuxHeader,
        VmlinuxHeaderProvider vmlinuxGenerator,
        List<Path> systemIncludeDirectories,
        int parallelism,
        List<String> sourceIncludes,
        List<String> sourceExcludes,
        List<LinkedObject> linkedObjects,
        ClangPolicy clangPolicy,
        Optional<Path> probeCacheDirectory) {

    /** The BPF targets clang knows. */
    public static final List<String> TARGETS = List.of("bpf", "bpfel", "bpfeb");

    /**
     * Checks and normalises the components.
     *
     * @param sourceDirectory  where sources are found
     * @param outputDirectory  where objects go
     * @param projectDirectory the root mapped to {@code .} in debug info
     * @param clang            configured clang, or empty
     * @param includes         extra include directories
     * @param cflags           extra clang flags
     * @param target           bpf, bpfel or bpfeb
     * @param arch             the __TARGET_ARCH_ override, or empty
     * @param osArch           the build machine's os.arch
     * @param strip            whether to strip DWARF
     * @param failOnWarning    whether warnings fail the build
     * @param vmlinuxHeader    a configured vmlinux.h, or empty
     * @param vmlinuxGenerator the fallback vmlinux.h provider
     * @param systemIncludeDirectories where libbpf headers are looked for
     * @param parallelism      concurrent compiles, at least 1
     * @param sourceIncludes   source patterns, empty for the default
     * @param sourceExcludes   source patterns left out
     * @param linkedObjects    groups of sources linked into one object each
     * @param clangPolicy      how clang is chosen when none is configured
     * @param probeCacheDirectory where the clang probe is remembered beyond the output directory, or empty
     */
    public CompileRequest {
        sourceDirectory = Objects.requireNonNull(sourceDirectory, "sourceDirectory").toAbsolutePath().normalize();
        outputDirectory = Objects.requireNonNull(outputDirectory, "outputDirectory").toAbsolutePath().normalize();
        projectDirectory = Objects.requireNonNull(projectDirectory, "projectDirectory").toAbsolutePath().normalize();
        Objects.requireNonNull(clang, "clang");
        List<Path> absolute = new ArrayList<>(includes.size());
        for (Path include : includes) {
            absolute.add(include.toAbsolutePath().normalize());
        }
        includes = List.copyOf(absolute);
        cflags = List.copyOf(cflags);
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(osArch, "osArch");
        Objects.requireNonNull(vmlinuxHeader, "vmlinuxHeader");
        Objects.requireNonNull(vmlinuxGenerator, "vmlinuxGenerator");
        systemIncludeDirectories = List.copyOf(systemIncludeDirectories);
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        sourceIncludes = List.copyOf(sourceIncludes);
        sourceExcludes = List.copyOf(sourceExcludes);
        linkedObjects = List.copyOf(linkedObjects);
        Objects.requireNonNull(clangPolicy, "clangPolicy");
        Objects.requireNonNull(probeCacheDirectory, "probeCacheDirectory");
    }

    /**
     * Starts a request with defaults: clang from the {@code PATH}, target {@code bpf}, arch from
     * this JVM's {@code os.arch}, strip on, warnings do not fail, libbpf headers from
     * {@code /usr/include} or {@code /usr/local/include}, one compile per processor.
     *
     * @param sourceDirectory where sources are found
     * @param outputDirectory where objects go
     * @return a builder
     */
    public static Builder builder(Path sourceDirectory, Path outputDirectory) {
        return new Builder(sourceDirectory, outputDirectory);
    }

    /** Builds a {@link CompileRequest}; every setter returns the builder. */
    public static final class Builder {
        private final Path sourceDirectory;
        private final Path outputDirectory;
        private Path projectDirectory;
        private Optional<Path> clang = Optional.empty();
        private List<Path> includes = List.of();
        private List<String> cflags = List.of();
        private String target = "bpf";
        private Optional<String> arch = Optional.empty();
        private String osArch = System.getProperty("os.arch", "");
        private boolean strip = true;
        private boolean failOnWarning;
        private Optional<Path> vmlinuxHeader = Optional.empty();
        private VmlinuxHeaderProvider vmlinuxGenerator = VmlinuxHeaderProvider.none();
        private List<Path> systemIncludeDirectories = List.of(Path.of("/usr/include"), Path.of("/usr/local/include"));
        private int parallelism = Runtime.getRuntime().availableProcessors();
        private List<String> sourceIncludes = List.of();
        private List<String> sourceExcludes = List.of();
        private List<LinkedObject> linkedObjects = List.of();
        private ClangPolicy clangPolicy = ClangPolicy.SYSTEM_ONLY;
        private Optional<Path> probeCacheDirectory = Optional.empty();

        private Builder(Path sourceDirectory, Path outputDirectory) {
            this.sourceDirectory = sourceDirectory;
            this.outputDirectory = outputDirectory;
            this.projectDirectory = sourceDirectory;
        }

        /** @param value the root mapped to {@code .} in debug info @return this builder */
        public Builder projectDirectory(Path value) {
            projectDirectory = value;
            return this;
        }

        /** @param value the configured clang, or {@code null} to search the PATH @return this builder */
        public Builder clang(Path value) {
            clang = Optional.ofNullable(value);
            return this;
        }

        /** @param value extra include directories @return this builder */
        public Builder includes(List<Path> value) {
            includes = List.copyOf(value);
            return this;
        }

        /** @param value extra clang flags @return this builder */
        public Builder cflags(List<String> value) {
            cflags = List.copyOf(value);
            return this;
        }

        /** @param value bpf, bpfel or bpfeb @return this builder */
        public Builder target(String value) {
            target = value;
            return this;
        }

        /** @param value the __TARGET_ARCH_ override, or {@code null}/blank to derive it @return this builder */
        public Builder arch(String value) {
            arch = value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
            return this;
        }

        /** @param value the os.arch to derive the arch and multiarch directory from @return this builder */
        public Builder osArch(String value) {
            osArch = value;
            return this;
        }

        /** @param value whether to strip DWARF @return this builder */
        public Builder strip(boolean value) {
            strip = value;
            return this;
        }

        /** @param value whether warnings fail the build @return this builder */
        public Builder failOnWarning(boolean value) {
            failOnWarning = value;
            return this;
        }

        /** @param value a vmlinux.h to use, or {@code null} @return this builder */
        public Builder vmlinuxHeader(Path value) {
            vmlinuxHeader = Optional.ofNullable(value);
            return this;
        }

        /** @param value the provider asked when no vmlinux.h is configured @return this builder */
        public Builder vmlinuxGenerator(VmlinuxHeaderProvider value) {
            vmlinuxGenerator = value;
            return this;
        }

        /** @param value where libbpf headers are looked for @return this builder */
        public Builder systemIncludeDirectories(List<Path> value) {
            systemIncludeDirectories = List.copyOf(value);
            return this;
        }

        /** @param value concurrent compiles, at least 1 @return this builder */
        public Builder parallelism(int value) {
            parallelism = value;
            return this;
        }

        /** @param value source patterns ({@code **}{@code /*.c}), empty for {@code **}{@code /*.bpf.c} @return this builder */
        public Builder sourceIncludes(List<String> value) {
            sourceIncludes = List.copyOf(value);
            return this;
        }

        /** @param value source patterns left out @return this builder */
        public Builder sourceExcludes(List<String> value) {
            sourceExcludes = List.copyOf(value);
            return this;
        }

        /** @param value groups of sources linked into one object each @return this builder */
        public Builder linkedObjects(List<LinkedObject> value) {
            linkedObjects = List.copyOf(value);
            return this;
        }

        /** @param value how clang is chosen when none is configured @return this builder */
        public Builder clangPolicy(ClangPolicy value) {
            clangPolicy = value;
            return this;
        }

        /**
         * @param value a directory that outlives the output directory (the build directory), where the
         *              checked clang's version and llvm-strip are remembered while the binary is unchanged,
         *              or {@code null} for none
         * @return this builder
         */
        public Builder probeCacheDirectory(Path value) {
            probeCacheDirectory = Optional.ofNullable(value);
            return this;
        }

        /** @return the request */
        public CompileRequest build() {
            return new CompileRequest(sourceDirectory, outputDirectory, projectDirectory, clang, includes, cflags,
                    target, arch, osArch, strip, failOnWarning, vmlinuxHeader, vmlinuxGenerator,
                    systemIncludeDirectories, parallelism, sourceIncludes, sourceExcludes, linkedObjects,
                    clangPolicy, probeCacheDirectory);
        }
    }
}
