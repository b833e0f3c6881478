package dev.bpfj.toolchain.vmlinux;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A generated {@code vmlinux.h}: its text, kept as the UTF-8 bytes that are written to the
 * file (about 3&nbsp;MB for kernel BTF, so it is decoded only when {@link #text} is asked for),
 * and what it contains.
 */
public final class VmlinuxHeader {

    private final byte[] utf8;
    private final int definitions;
    private final int forwardDeclarations;
    private final List<String> warnings;
    private volatile String text;

    /**
     * A header.
     *
     * @param utf8                the header's text as UTF-8; not copied, so the caller must not change it
     * @param definitions         how many top-level declarations it has (definitions, typedefs and
     *                            forward declarations)
     * @param forwardDeclarations how many of those are forward declarations
     * @param warnings            types the header could not reproduce exactly (none for well-formed
     *                            kernel BTF), one sentence each
     */
    public VmlinuxHeader(byte[] utf8, int definitions, int forwardDeclarations, List<String> warnings) {
        this.utf8 = Objects.requireNonNull(utf8, "utf8");
        this.definitions = definitions;
        this.forwardDeclarations = forwardDeclarations;
        this.warnings = List.copyOf(warnings);
    }

    /** @return the header's text */
    public String text() {
        String decoded = text;
        if (decoded == null) {
            decoded = new String(utf8, StandardCharsets.UTF_8);
            text = decoded;
        }
        return decoded;
    }

    /** The bytes as written to the file, without a copy. */
    byte[] utf8() {
        return utf8;
    }

    /** @return how many top-level declarations the header has (definitions, typedefs and forward declarations) */
    public int definitions() {
        return definitions;
    }

    /** @return how many of the {@link #definitions} are forward declarations */
    public int forwardDeclarations() {
        return forwardDeclarations;
    }

    /** @return types the header could not reproduce exactly (none for well-formed kernel BTF), one sentence each */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return "VmlinuxHeader[" + utf8.length + " bytes, " + definitions + " definitions, " + forwardDeclarations
                + " forward declarations, " + warnings.size() + " warnings]";
    }
}
