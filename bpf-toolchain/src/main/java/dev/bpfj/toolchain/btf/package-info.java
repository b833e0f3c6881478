/**
 * The BPF Type Format: {@link dev.bpfj.toolchain.btf.Btf} reads raw BTF (such as
 * {@code /sys/kernel/btf/vmlinux}) and the {@code .BTF} section of an object into one record per
 * type, every kind included, and resolves sizes and alignments through typedef and qualifier
 * chains. Both are built on {@link dev.bpfj.toolchain.btf.BtfTable}, which parses and checks
 * the blob into flat arrays; passes over every type of kernel BTF (writing {@code vmlinux.h})
 * read the table directly instead of 126k objects. {@link dev.bpfj.toolchain.btf.BtfExt} reads {@code .BTF.ext}: function info, line info
 * with source text, and CO-RE relocations.
 */
package dev.bpfj.toolchain.btf;
