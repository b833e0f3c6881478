package dev.bpfj.toolchain.btf;

/** What a CO-RE relocation asks the loader to compute, with the format's numbers. */
public enum BtfCoreRelocationKind {
    /** Byte offset of a field. */
    FIELD_BYTE_OFFSET(0),
    /** Byte size of a field. */
    FIELD_BYTE_SIZE(1),
    /** Whether a field exists in the target kernel. */
    FIELD_EXISTS(2),
    /** Whether a field is signed. */
    FIELD_SIGNED(3),
    /** Left shift for bitfield extraction. */
    FIELD_LSHIFT_U64(4),
    /** Right shift for bitfield extraction. */
    FIELD_RSHIFT_U64(5),
    /** Local BTF type id. */
    TYPE_ID_LOCAL(6),
    /** Target (kernel) BTF type id. */
    TYPE_ID_TARGET(7),
    /** Whether a type exists in the target kernel. */
    TYPE_EXISTS(8),
    /** Size of a type in the target kernel. */
    TYPE_SIZE(9),
    /** Whether an enumerator exists in the target kernel. */
    ENUMVAL_EXISTS(10),
    /** Value of an enumerator in the target kernel. */
    ENUMVAL_VALUE(11),
    /** Whether a type matches the target kernel's type. */
    TYPE_MATCHES(12),
    /** A number this reader does not know (from a newer compiler). */
    UNKNOWN(-1);

    private final int code;

    BtfCoreRelocationKind(int code) {
        this.code = code;
    }

    /** @return the format's number for this kind, -1 for {@link #UNKNOWN} */
    public int code() {
        return code;
    }

    /**
     * Maps a number to the kind.
     *
     * @param code the number from the relocation record
     * @return the kind, {@link #UNKNOWN} when the number is not known
     */
    public static BtfCoreRelocationKind ofCode(long code) {
        for (BtfCoreRelocationKind kind : values()) {
            if (kind.code == code && kind != UNKNOWN) {
                return kind;
            }
        }
        return UNKNOWN;
    }
}
