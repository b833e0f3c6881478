package dev.bpfj.toolchain.btf;

import java.util.List;

/**
 * A function prototype.
 *
 * @param id         the type id
 * @param returnType the id of the return type (0 for void)
 * @param params     the parameters in order, including a trailing {@code ...} marker for variadic functions
 */
public record BtfFuncProto(int id, int returnType, List<BtfParam> params) implements BtfType {

    /** Copies the parameter list so the record stays immutable. */
    public BtfFuncProto {
        params = List.copyOf(params);
    }

    /** @return true when the last parameter is the {@code ...} marker (type 0, no name) */
    public boolean isVariadic() {
        if (params.isEmpty()) {
            return false;
        }
        BtfParam last = params.get(params.size() - 1);
        return last.typeId() == 0 && last.name().isEmpty();
    }

    @Override
    public String name() {
        return "";
    }

    @Override
    public BtfKind kind() {
        return BtfKind.FUNC_PROTO;
    }
}
