package dev.bpfj.toolchain.skeleton;

/**
 * The Java primitive a C scalar maps to, with everything the generated code needs to read and
 * write it: the {@code ValueLayout} constant, the {@code GlobalData} accessor suffix, the boxed
 * type and the runtime's {@code Codec} constant. C unsigned integers keep their width (a
 * {@code __u32} is an {@code int}); the generated code adds unsigned helpers next to them.
 */
enum Prim {
    /** {@code bool}/{@code _Bool}. */
    BOOLEAN("boolean", "Boolean", "ValueLayout.JAVA_BOOLEAN", "Boolean", "Codec.INT8", 1),
    /** 8-bit integers and {@code char}. */
    BYTE("byte", "Byte", "ValueLayout.JAVA_BYTE", "Byte", "Codec.INT8", 1),
    /** 16-bit integers. */
    SHORT("short", "Short", "ValueLayout.JAVA_SHORT_UNALIGNED", "Short", "Codec.INT16", 2),
    /** 32-bit integers. */
    INT("int", "Integer", "ValueLayout.JAVA_INT_UNALIGNED", "Int", "Codec.INT32", 4),
    /** 64-bit integers and pointers. */
    LONG("long", "Long", "ValueLayout.JAVA_LONG_UNALIGNED", "Long", "Codec.INT64", 8),
    /** {@code float}. */
    FLOAT("float", "Float", "ValueLayout.JAVA_FLOAT_UNALIGNED", "Float", "Codec.FLOAT32", 4),
    /** {@code double}. */
    DOUBLE("double", "Double", "ValueLayout.JAVA_DOUBLE_UNALIGNED", "Double", "Codec.FLOAT64", 8);

    final String java;
    final String boxed;
    final String layout;
    final String globalSuffix;
    final String codec;
    final int size;

    Prim(String java, String boxed, String layout, String globalSuffix, String codec, int size) {
        this.java = java;
        this.boxed = boxed;
        this.layout = layout;
        this.globalSuffix = globalSuffix;
        this.codec = codec;
        this.size = size;
    }

    /**
     * The integer primitive of a size.
     *
     * @param size 1, 2, 4 or 8
     * @return the primitive, or null for other sizes
     */
    static Prim ofIntSize(long size) {
        return switch ((int) size) {
            case 1 -> BYTE;
            case 2 -> SHORT;
            case 4 -> INT;
            case 8 -> LONG;
            default -> null;
        };
    }

    /** @return true for the integer primitives */
    boolean isInteger() {
        return this == BYTE || this == SHORT || this == INT || this == LONG;
    }
}
