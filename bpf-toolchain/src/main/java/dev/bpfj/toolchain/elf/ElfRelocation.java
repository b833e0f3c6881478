package dev.bpfj.toolchain.elf;

/**
 * One relocation entry of a {@code SHT_REL} or {@code SHT_RELA} section, applying to the section
 * named by the relocation section's {@code sh_info}.
 *
 * @param offset byte offset of the relocated location within the target section
 * @param symbol the symbol the relocation refers to
 * @param type   the relocation type ({@code ELF64_R_TYPE}), for BPF one of {@link #R_BPF_64_64},
 *               {@link #R_BPF_64_ABS64}, {@link #R_BPF_64_ABS32}, {@link #R_BPF_64_NODYLD32},
 *               {@link #R_BPF_64_32}
 * @param addend the explicit addend of a {@code SHT_RELA} entry; 0 for {@code SHT_REL}, which is what
 *               clang emits for BPF (the addend then lives in the relocated bytes)
 */
public record ElfRelocation(long offset, ElfSymbol symbol, int type, long addend) {

    /** No relocation. */
    public static final int R_BPF_NONE = 0;
    /** 64-bit immediate of an {@code ld_imm64} instruction (maps, global data, kfunc/ksym addresses). */
    public static final int R_BPF_64_64 = 1;
    /** 64-bit absolute data, e.g. in {@code .maps} for inner map and program array slots. */
    public static final int R_BPF_64_ABS64 = 2;
    /** 32-bit absolute data, used in DWARF and {@code .BTF.ext}. */
    public static final int R_BPF_64_ABS32 = 3;
    /** 32-bit data that needs no dynamic relocation (BTF sections). */
    public static final int R_BPF_64_NODYLD32 = 4;
    /** 32-bit immediate of a call instruction (subprogram and kfunc calls). */
    public static final int R_BPF_64_32 = 10;
}
