/**
 * The BPF Type Format: {@link dev.bpfj.toolchain.btf.Btf} reads raw BTF (such as
 * {@code /sys/kernel/btf/vmlinux}) and the {@code .BTF} section of an object into one record per
 * type, every kind included, and resolves sizes and alignments through typedef and qualifier
 * chains. {@link dev.bpfj.toolchain.btf.BtfExt} reads {@code .BTF.ext}: function info, line info
 * with source text, and CO-RE relocations.
 */
package dev.bpfj.toolchain.btf;
