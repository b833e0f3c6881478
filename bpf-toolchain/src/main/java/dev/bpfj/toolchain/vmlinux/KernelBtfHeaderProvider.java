package dev.bpfj.toolchain.vmlinux;

import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.clang.BuildLog;
import dev.bpfj.toolchain.clang.VmlinuxHeaderProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Supplies {@code vmlinux.h} to {@code bpf:compile} by generating it from kernel BTF, when a
 * source includes {@code vmlinux.h} and none is on the include path.
 *
 * <p>The header is generated once per kernel: its leading comment records checksums of the BTF
 * it came from, and as long as they match the existing header is kept untouched (same bytes,
 * same timestamp, so nothing recompiles). Checking the 5&nbsp;MB of kernel BTF takes about a
 * millisecond; generating takes a fraction of a second. With a cache directory, a header
 * generated once is copied from there by every later build of any project, clean builds
 * included, as long as the kernel's BTF is the same.
 */
public final class KernelBtfHeaderProvider implements VmlinuxHeaderProvider {

    private final Path btfFile;
    private final boolean configured;
    private final Path cache;

    private KernelBtfHeaderProvider(Path btfFile, boolean configured, Path cache) {
        this.btfFile = btfFile;
        this.configured = configured;
        this.cache = cache;
    }

    /**
     * A provider reading {@code btfFile}, or the running kernel's BTF when it is null. A missing
     * file means this provider has nothing to offer (the build then says how to get a header);
     * a configured one that is missing is also logged as a warning.
     *
     * @param btfFile the configured BTF file ({@code bpf.btfFile}), or null for
     *                {@link VmlinuxGenerator#KERNEL_BTF}
     * @param cache   where generated headers are kept between builds
     *                ({@link VmlinuxGenerator#defaultCache()}), or null for no cache
     * @return the provider
     */
    public static KernelBtfHeaderProvider of(Path btfFile, Path cache) {
        return btfFile == null
                ? new KernelBtfHeaderProvider(VmlinuxGenerator.KERNEL_BTF, false, cache)
                : new KernelBtfHeaderProvider(btfFile.toAbsolutePath().normalize(), true, cache);
    }

    /** @return the BTF file this provider reads */
    public Path btfFile() {
        return btfFile;
    }

    @Override
    public boolean provide(Path directory, BuildLog log) throws IOException, BpfBuildException {
        if (!Files.exists(btfFile)) {
            // Nothing to offer: the build then fails saying which source needs vmlinux.h and how to get one.
            if (configured) {
                log.warn("bpf.btfFile " + btfFile + " does not exist; cannot generate vmlinux.h from it");
            } else {
                log.debug("No kernel BTF at " + btfFile + " (kernel without CONFIG_DEBUG_INFO_BTF); cannot generate"
                        + " vmlinux.h");
            }
            return false;
        }
        VmlinuxRequest request = new VmlinuxRequest(btfFile, directory.resolve("vmlinux.h"), List.of(), cache);
        new VmlinuxGenerator(log).generate(request, false);
        return true;
    }

    @Override
    public String toString() {
        return "vmlinux.h generated from " + btfFile;
    }
}
