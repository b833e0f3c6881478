package dev.bpfj.toolchain.vmlinux;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the {@code bpf:vmlinux} goal was asked to do.
 *
 * @param btfFile the BTF to read, normally {@code /sys/kernel/btf/vmlinux}
 * @param output  the header to write
 * @param roots   type names to restrict the header to (with what they need); empty for every type
 * @param cache   where headers of every type are kept between builds, by the checksums of the
 *                BTF they came from (see {@link VmlinuxGenerator#defaultCache()}); null for none
 */
public record VmlinuxRequest(Path btfFile, Path output, List<String> roots, Path cache) {

    /**
     * Checks and normalises the components.
     *
     * @param btfFile the BTF to read
     * @param output  the header to write
     * @param roots   the roots, or empty for every type
     * @param cache   the header cache directory, or null for none
     */
    public VmlinuxRequest {
        btfFile = Objects.requireNonNull(btfFile, "btfFile").toAbsolutePath().normalize();
        output = Objects.requireNonNull(output, "output").toAbsolutePath().normalize();
        roots = List.copyOf(roots);
        cache = cache == null ? null : cache.toAbsolutePath().normalize();
    }

    /**
     * A request that uses no cache.
     *
     * @param btfFile the BTF to read
     * @param output  the header to write
     * @param roots   the roots, or empty for every type
     */
    public VmlinuxRequest(Path btfFile, Path output, List<String> roots) {
        this(btfFile, output, roots, null);
    }
}
