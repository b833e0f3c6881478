package dev.bpfj.toolchain.btf;

/**
 * A typedef.
 *
 * @param id     the type id
 * @param name   the typedef's name
 * @param typeId the id of the aliased type
 */
public record BtfTypedef(int id, String name, int typeId) implements BtfType.Alias {

    @Override
    public BtfKind kind() {
        return BtfKind.TYPEDEF;
    }
}
