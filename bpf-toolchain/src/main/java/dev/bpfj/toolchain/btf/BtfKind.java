package dev.bpfj.toolchain.btf;

/** The kinds of BTF type, with the numbers the format uses for them. */
public enum BtfKind {
    /** The void type, id 0; never stored in the type section. */
    VOID(0),
    /** An integer, char or bool. */
    INT(1),
    /** A pointer. */
    PTR(2),
    /** An array. */
    ARRAY(3),
    /** A struct. */
    STRUCT(4),
    /** A union. */
    UNION(5),
    /** An enum with 32-bit values. */
    ENUM(6),
    /** A forward declaration of a struct or union. */
    FWD(7),
    /** A typedef. */
    TYPEDEF(8),
    /** The volatile qualifier. */
    VOLATILE(9),
    /** The const qualifier. */
    CONST(10),
    /** The restrict qualifier. */
    RESTRICT(11),
    /** A function (name, linkage, and its prototype). */
    FUNC(12),
    /** A function prototype. */
    FUNC_PROTO(13),
    /** A variable. */
    VAR(14),
    /** A data section with its variables. */
    DATASEC(15),
    /** A floating point type. */
    FLOAT(16),
    /** A declaration tag ({@code __attribute__((btf_decl_tag("...")))}). */
    DECL_TAG(17),
    /** A type tag ({@code __attribute__((btf_type_tag("...")))}). */
    TYPE_TAG(18),
    /** An enum with 64-bit values. */
    ENUM64(19);

    private final int code;

    BtfKind(int code) {
        this.code = code;
    }

    /** @return the number the BTF format uses for this kind */
    public int code() {
        return code;
    }

    /**
     * Looks a kind up by its number.
     *
     * @param code the kind number from a type's info word
     * @return the kind, or {@code null} when the number is unknown
     */
    public static BtfKind ofCode(int code) {
        // Called once per type of a parse (126k times for kernel BTF): values() would copy the array each time.
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** Kinds indexed by code; codes are dense from 0. */
    private static final BtfKind[] BY_CODE = byCode();

    private static BtfKind[] byCode() {
        BtfKind[] kinds = new BtfKind[values().length];
        for (BtfKind kind : values()) {
            kinds[kind.code] = kind;
        }
        return kinds;
    }
}
