package dev.bpfj.toolchain.object;

/**
 * A relocation in a program's code: an instruction the loader must patch with a map fd, a
 * global data address, a subprogram or kfunc target, or an extern's value.
 *
 * @param instructionIndex the slot index of the relocated instruction, counted from the program's first slot
 * @param kind             what the instruction refers to
 * @param symbolName       the referenced symbol's name (for section-relative references to static data
 *                         this is the section's name)
 * @param targetSection    the section the symbol is defined in, empty for externs
 * @param symbolValue      the symbol's value (its offset within its section)
 */
public record ProgramRelocation(int instructionIndex, Kind kind, String symbolName, String targetSection,
                                long symbolValue) {

    /** What a relocated instruction refers to. */
    public enum Kind {
        /** A map from {@code .maps}: {@code ld_imm64} of a map fd. */
        MAP,
        /** A variable in a global data section: {@code ld_imm64} of a map value address. */
        DATA,
        /** A call of a function defined in this object. */
        CALL,
        /** The address of a function defined in this object ({@code ld_imm64}, for callbacks). */
        FUNCTION_ADDRESS,
        /** A call of a kernel function declared {@code extern ... __ksym}. */
        KFUNC,
        /** An extern variable: a kernel symbol ({@code __ksym}) or a kconfig value ({@code __kconfig}). */
        EXTERN,
        /** Anything else (such as a legacy {@code maps} section reference). */
        OTHER
    }
}
