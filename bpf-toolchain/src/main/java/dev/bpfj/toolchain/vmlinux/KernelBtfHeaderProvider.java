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
 * millisecond; generating takes a fraction of a second.
 */
public final class KernelBtfHeaderProvider implements VmlinuxHeaderProvider {

    private final Path btfFile;
    private final boolean configured;

    private KernelBtfHeaderProvider(Path btfFile, boolean configured) {
        this.btfFile = btfFile;
        this.configured = configured;
    }

    /**
     * A provider reading {@code btfFile}, or the running kernel's BTF when it is null. A missing
     * file means this provider has nothing to offer (the build then says how to get a header);
     * a configured one that is missing is also logged as a warning.
     *
     * @param btfFile the configured BTF file ({@code bpf.btfFile}), or null for
     *                {@link VmlinuxGenerator#KERNEL_BTF}
     * @return the provider
     */
    public static KernelBtfHeaderProvider of(Path btfFile) {
        return btfFile == null
                ? new KernelBtfHeaderProvider(VmlinuxGenerator.KERNEL_BTF, false)
                : new KernelBtfHeaderProvider(btfFile.toAbsolutePath().normalize(), true);
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
        // The reported time covers all the work: reading and checking the BTF too.
        long start = System.nanoTime();
        byte[] bytes = VmlinuxGenerator.readBtf(btfFile, "bpf.btfFile");
        Path target = directory.resolve("vmlinux.h");
        String stamp = VmlinuxGenerator.stamp(bytes, List.of());
        if (VmlinuxGenerator.isCurrent(target, stamp)) {
            log.debug("vmlinux.h in " + directory + " is current for " + btfFile);
            return true;
        }
        VmlinuxHeader header = VmlinuxGenerator.write(btfFile, bytes, stamp, List.of());
        VmlinuxGenerator.writeAtomically(target, header.text());
        new VmlinuxGenerator(log).report(header, btfFile, target, start);
        return true;
    }

    @Override
    public String toString() {
        return "vmlinux.h generated from " + btfFile;
    }
}
