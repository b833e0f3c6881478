package dev.bpfj.toolchain.object;

import dev.bpfj.toolchain.btf.BtfLinkage;

/**
 * A variable in a global data section ({@code .rodata}, {@code .data}, {@code .bss} and their
 * named variants) or an extern in {@code .kconfig}/{@code .ksyms}.
 *
 * @param name       the C variable name
 * @param section    the section it lives in, e.g. {@code ".rodata"} or {@code ".kconfig"}
 * @param offset     its byte offset within the section
 * @param size       its size in bytes
 * @param btfTypeId  the BTF id of its type (not of its VAR), 0 when the object has no BTF for it
 * @param linkage    global, static or extern
 */
public record GlobalVariable(String name, String section, long offset, long size, int btfTypeId,
                             BtfLinkage linkage) {
}
