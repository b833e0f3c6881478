package dev.bpfj.toolchain.btf;

/**
 * Linkage of a {@link BtfFunc} or {@link BtfVar}. Both kinds use the numbers 0, 1, 2 in this
 * order; for variables, 1 means "global, allocated here".
 */
public enum BtfLinkage {
    /** Static: visible only in its compilation unit. */
    STATIC,
    /** Global: defined here, visible to other units. */
    GLOBAL,
    /** Extern: declared here, defined elsewhere (kernel symbols, kconfig, other objects). */
    EXTERN;

    /**
     * Maps the format's linkage number to the enum.
     *
     * @param code 0, 1 or 2
     * @return the linkage, or {@code null} for any other number
     */
    public static BtfLinkage ofCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }

    /** values() copies its array on every call; a parse asks once per function and variable. */
    private static final BtfLinkage[] BY_CODE = values();
}
