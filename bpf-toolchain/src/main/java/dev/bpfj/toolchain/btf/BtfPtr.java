package dev.bpfj.toolchain.btf;

/**
 * A pointer.
 *
 * @param id     the type id
 * @param typeId the id of the pointed-to type (0 for {@code void *})
 */
public record BtfPtr(int id, int typeId) implements BtfType.Reference {

    @Override
    public String name() {
        return "";
    }

    @Override
    public BtfKind kind() {
        return BtfKind.PTR;
    }
}
