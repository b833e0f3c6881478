package dev.bpfj.toolchain.btf;

/**
 * A function: its name, linkage, and prototype.
 *
 * @param id      the type id
 * @param name    the function name
 * @param protoId the id of its {@link BtfFuncProto}
 * @param linkage static, global or extern (kfuncs and other objects' functions)
 */
public record BtfFunc(int id, String name, int protoId, BtfLinkage linkage) implements BtfType {

    @Override
    public BtfKind kind() {
        return BtfKind.FUNC;
    }
}
