/**
 * Writes {@code vmlinux.h}, the C header of every kernel type, from kernel BTF such as
 * {@code /sys/kernel/btf/vmlinux}: the pure-Java equivalent of
 * {@code bpftool btf dump file /sys/kernel/btf/vmlinux format c}.
 *
 * <p>{@link dev.bpfj.toolchain.vmlinux.VmlinuxHeaderWriter} turns parsed BTF (a
 * {@link dev.bpfj.toolchain.btf.BtfTable}, or a {@link dev.bpfj.toolchain.btf.Btf}) into header
 * text, whole or filtered to named roots;
 * {@link dev.bpfj.toolchain.vmlinux.VmlinuxGenerator} reads a BTF file and writes the header
 * for the {@code bpf:vmlinux} goal; {@link dev.bpfj.toolchain.vmlinux.KernelBtfHeaderProvider}
 * supplies the header to {@code bpf:compile} when a source includes {@code vmlinux.h}, cached
 * by the BTF's content hash so a kernel's header is generated once.
 *
 * <p>The header must reproduce every size and member offset of the BTF when clang compiles it
 * for {@code -target bpf}, because CO-RE relocations are computed from it. BTF records offsets
 * but not the attributes that produced them, so the writer lays every struct out the way clang
 * would and adds {@code __attribute__((packed))}, explicit padding or {@code aligned} only where
 * the natural layout differs from the BTF.
 */
package dev.bpfj.toolchain.vmlinux;
