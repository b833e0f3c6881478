package dev.bpfj.toolchain.btf;

import java.util.List;

/**
 * A data section and the variables in it: {@code .data}, {@code .rodata}, {@code .bss},
 * {@code .data.*}, {@code .rodata.*}, {@code .maps}, {@code .kconfig}, {@code .ksyms} and so on.
 *
 * @param id   the type id
 * @param name the section name
 * @param size the section size in bytes as clang wrote it (often 0 in object files: the
 *             loader fills it in from the ELF section)
 * @param vars the variables in the section
 */
public record BtfDatasec(int id, String name, int size, List<BtfVarSecinfo> vars) implements BtfType {

    /** Copies the variable list so the record stays immutable. */
    public BtfDatasec {
        vars = List.copyOf(vars);
    }

    @Override
    public BtfKind kind() {
        return BtfKind.DATASEC;
    }
}
