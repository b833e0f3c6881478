package dev.bpfj.toolchain.btf;

/**
 * A variable: a global, a static, or an extern (kconfig, ksym), or a BTF-defined map in
 * {@code .maps}.
 *
 * @param id      the type id
 * @param name    the variable name
 * @param typeId  the id of the variable's type
 * @param linkage static, global (allocated here) or extern
 */
public record BtfVar(int id, String name, int typeId, BtfLinkage linkage) implements BtfType {

    @Override
    public BtfKind kind() {
        return BtfKind.VAR;
    }
}
