package dev.bpfj.toolchain.link;

import java.util.Objects;

/**
 * One object file to link.
 *
 * @param name  how messages name it, normally the source's path relative to the source directory
 * @param bytes the relocatable BPF ELF file as clang wrote it (not copied; do not change it)
 */
public record LinkInput(String name, byte[] bytes) {

    /**
     * Checks the components.
     *
     * @param name  the name for messages
     * @param bytes the object file
     */
    public LinkInput {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bytes, "bytes");
    }
}
