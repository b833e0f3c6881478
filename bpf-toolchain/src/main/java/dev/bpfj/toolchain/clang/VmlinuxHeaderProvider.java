package dev.bpfj.toolchain.clang;

import dev.bpfj.toolchain.OutputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Supplies a {@code vmlinux.h} when a source includes one and none is on the include path.
 * The build asks for it only then. A generator from kernel BTF plugs in here; the plain
 * implementation {@link #ofFile(Path)} uses a header the user configured.
 */
@FunctionalInterface
public interface VmlinuxHeaderProvider {

    /**
     * Writes {@code vmlinux.h} into {@code directory} (creating it if needed) unless an
     * identical one is already there, so an unchanged header keeps its timestamp and triggers
     * no recompilation.
     *
     * @param directory where {@code vmlinux.h} must end up; added to the include path
     * @param log       where to report what was done
     * @return {@code true} if the header is now in {@code directory}, {@code false} if this
     *         provider has nothing to offer
     * @throws IOException       if writing fails
     * @throws BpfBuildException if the provider cannot produce a header for a reason the user must fix
     */
    boolean provide(Path directory, BuildLog log) throws IOException, BpfBuildException;

    /**
     * A provider that never has a header.
     *
     * @return a provider that offers nothing
     */
    static VmlinuxHeaderProvider none() {
        return NoVmlinuxHeader.INSTANCE;
    }

    /**
     * A provider that copies a given file (of any name) to {@code vmlinux.h}.
     *
     * @param header the header to use
     * @return a provider copying that file
     */
    static VmlinuxHeaderProvider ofFile(Path header) {
        return (directory, log) -> {
            if (!Files.isRegularFile(header)) {
                throw new BpfBuildException("The configured vmlinux header " + header
                        + " (bpf.vmlinuxHeader) does not exist. Generate one with: bpftool btf dump file "
                        + "/sys/kernel/btf/vmlinux format c > vmlinux.h");
            }
            if (OutputFiles.writeIfChanged(directory.resolve("vmlinux.h"), Files.readAllBytes(header))) {
                log.info("Using vmlinux.h from " + header);
            }
            return true;
        };
    }

    /**
     * Tries this provider, then another.
     *
     * @param fallback asked when this one has nothing
     * @return a provider combining both
     */
    default VmlinuxHeaderProvider orElse(VmlinuxHeaderProvider fallback) {
        return (directory, log) -> provide(directory, log) || fallback.provide(directory, log);
    }

    /**
     * Convenience for optional configuration.
     *
     * @param header a configured header, or empty
     * @return {@link #ofFile(Path)} for a present header, {@link #none()} otherwise
     */
    static VmlinuxHeaderProvider ofOptionalFile(Optional<Path> header) {
        return header.map(VmlinuxHeaderProvider::ofFile).orElseGet(VmlinuxHeaderProvider::none);
    }
}

/** The provider that never has a header: a class, as every request's default, rather than a lambda (see BpfCompiler). */
final class NoVmlinuxHeader implements VmlinuxHeaderProvider {
    static final NoVmlinuxHeader INSTANCE = new NoVmlinuxHeader();

    private NoVmlinuxHeader() {
    }

    @Override
    public boolean provide(Path directory, BuildLog log) {
        return false;
    }
}
