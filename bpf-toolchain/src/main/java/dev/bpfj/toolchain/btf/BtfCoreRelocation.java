package dev.bpfj.toolchain.btf;

/**
 * A {@code .BTF.ext} CO-RE relocation: an instruction whose immediate or offset the loader must
 * adjust to the running kernel's types.
 *
 * @param section           the name of the code section the instruction is in
 * @param instructionOffset the instruction's byte offset within that section
 * @param typeId            the id of the local root type the access starts from
 * @param accessor          the access string, e.g. {@code "0:1:2"} (type-based relocations use {@code "0"})
 * @param kindCode          the relocation kind's number as stored
 */
public record BtfCoreRelocation(String section, long instructionOffset, int typeId, String accessor, int kindCode) {

    /** @return the relocation kind, {@link BtfCoreRelocationKind#UNKNOWN} for numbers this reader does not know */
    public BtfCoreRelocationKind kind() {
        return BtfCoreRelocationKind.ofCode(kindCode);
    }

    /** @return the index of the instruction in 8-byte slots ({@code instructionOffset / 8}) */
    public int instructionIndex() {
        return (int) (instructionOffset / 8);
    }
}
