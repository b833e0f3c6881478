package dev.bpfj.toolchain.btf;

/**
 * A {@code .BTF.ext} line info record: the source line an instruction was compiled from.
 *
 * @param section           the name of the code section the instruction is in
 * @param instructionOffset the instruction's byte offset within that section
 * @param fileName          the source file name as clang recorded it
 * @param sourceLine        the text of the source line (empty when clang did not record it)
 * @param line              the 1-based line number
 * @param column            the 1-based column, 0 when unknown
 */
public record BtfLineInfo(String section, long instructionOffset, String fileName, String sourceLine, int line,
                          int column) {

    /** @return the index of the instruction in 8-byte slots ({@code instructionOffset / 8}) */
    public int instructionIndex() {
        return (int) (instructionOffset / 8);
    }
}
