package dev.bpfj.toolchain.btf;

/**
 * A parameter of a {@link BtfFuncProto}.
 *
 * @param name   the parameter name, empty when the prototype does not name it
 * @param typeId the id of the parameter's type; 0 (with an empty name) marks {@code ...}
 */
public record BtfParam(String name, int typeId) {
}
