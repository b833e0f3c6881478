package dev.bpfj.toolchain.btf;

/**
 * A member of a {@link BtfStruct}.
 *
 * @param name         the member name, empty for anonymous struct/union members
 * @param typeId       the id of the member's type
 * @param bitOffset    the member's offset from the start of the struct, in bits
 * @param bitfieldSize the width in bits for a bitfield, 0 for an ordinary member. Both encodings
 *                     BTF has for bitfields (the struct's kind flag, or an INT type with fewer bits)
 *                     are normalised into this field and {@link #bitOffset()}.
 */
public record BtfMember(String name, int typeId, long bitOffset, int bitfieldSize) {

    /** @return true for a bitfield member */
    public boolean isBitfield() {
        return bitfieldSize != 0;
    }

    /** @return the byte offset of a non-bitfield member ({@code bitOffset / 8}) */
    public long byteOffset() {
        return bitOffset / 8;
    }
}
