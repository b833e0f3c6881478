package dev.bpfj.toolchain.btf;

/**
 * One enumerator of a {@link BtfEnum}.
 *
 * @param name  the enumerator's name
 * @param value its value: sign-extended for signed enums, zero-extended for unsigned ones
 */
public record BtfEnumValue(String name, long value) {
}
