package dev.bpfj.toolchain.btf;

/**
 * The {@code restrict} qualifier applied to another type.
 *
 * @param id     the type id
 * @param typeId the id of the qualified type
 */
public record BtfRestrict(int id, int typeId) implements BtfType.Alias {

    @Override
    public String name() {
        return "";
    }

    @Override
    public BtfKind kind() {
        return BtfKind.RESTRICT;
    }
}
