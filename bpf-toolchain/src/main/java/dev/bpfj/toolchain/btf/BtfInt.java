package dev.bpfj.toolchain.btf;

/**
 * An integer type: {@code int}, {@code unsigned long}, {@code char}, {@code _Bool}, {@code __u8}'s
 * underlying type and so on.
 *
 * @param id       the type id
 * @param name     the C name, e.g. {@code "unsigned int"}
 * @param size     the storage size in bytes (1, 2, 4, 8 or 16)
 * @param encoding a combination of {@link #SIGNED}, {@link #CHAR} and {@link #BOOL}
 * @param offset   the bit offset of the value within its storage (0 for every type clang emits)
 * @param bits     the number of value bits (normally {@code 8 * size})
 */
public record BtfInt(int id, String name, int size, int encoding, int offset, int bits) implements BtfType {

    /** Encoding bit: the integer is signed. */
    public static final int SIGNED = 1;
    /** Encoding bit: the integer is a character type. */
    public static final int CHAR = 2;
    /** Encoding bit: the integer is a boolean. */
    public static final int BOOL = 4;

    /** @return true when the integer is signed */
    public boolean isSigned() {
        return (encoding & SIGNED) != 0;
    }

    /** @return true for character types */
    public boolean isChar() {
        return (encoding & CHAR) != 0;
    }

    /** @return true for {@code _Bool} */
    public boolean isBool() {
        return (encoding & BOOL) != 0;
    }

    @Override
    public BtfKind kind() {
        return BtfKind.INT;
    }
}
