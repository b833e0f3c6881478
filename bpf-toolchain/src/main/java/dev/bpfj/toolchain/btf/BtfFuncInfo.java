package dev.bpfj.toolchain.btf;

/**
 * A {@code .BTF.ext} function info record: which BTF function starts at an instruction.
 *
 * @param section           the name of the code section the instruction is in
 * @param instructionOffset the instruction's byte offset within that section
 * @param typeId            the id of the {@link BtfFunc}
 */
public record BtfFuncInfo(String section, long instructionOffset, int typeId) {

    /** @return the index of the instruction in 8-byte slots ({@code instructionOffset / 8}) */
    public int instructionIndex() {
        return (int) (instructionOffset / 8);
    }
}
