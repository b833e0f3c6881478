package dev.bpfj.toolchain.btf;

/**
 * One variable placed in a {@link BtfDatasec}.
 *
 * @param typeId the id of the variable's {@link BtfVar} (or {@link BtfFunc} for extern kfuncs in {@code .ksyms})
 * @param offset the variable's byte offset in the section
 * @param size   the variable's size in bytes
 */
public record BtfVarSecinfo(int typeId, long offset, long size) {
}
