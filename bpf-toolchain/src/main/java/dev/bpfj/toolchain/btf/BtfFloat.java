package dev.bpfj.toolchain.btf;

/**
 * A floating point type.
 *
 * @param id   the type id
 * @param name the C name, e.g. {@code "double"}
 * @param size the size in bytes (2, 4, 8, 12 or 16)
 */
public record BtfFloat(int id, String name, int size) implements BtfType {

    @Override
    public BtfKind kind() {
        return BtfKind.FLOAT;
    }
}
