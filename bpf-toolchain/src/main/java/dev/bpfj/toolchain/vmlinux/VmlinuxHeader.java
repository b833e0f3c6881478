package dev.bpfj.toolchain.vmlinux;

import java.util.List;
import java.util.Objects;

/**
 * A generated {@code vmlinux.h}.
 *
 * @param text                    the header
 * @param definitions             how many top-level declarations it has (definitions, typedefs and
 *                                forward declarations)
 * @param forwardDeclarations     how many of those are forward declarations
 * @param warnings                types the header could not reproduce exactly (none for well-formed
 *                                kernel BTF), one sentence each
 */
public record VmlinuxHeader(String text, int definitions, int forwardDeclarations, List<String> warnings) {

    /**
     * Checks and copies the components.
     *
     * @param text                the header
     * @param definitions         top-level declarations
     * @param forwardDeclarations forward declarations among them
     * @param warnings            what could not be reproduced exactly
     */
    public VmlinuxHeader {
        Objects.requireNonNull(text, "text");
        warnings = List.copyOf(warnings);
    }
}
