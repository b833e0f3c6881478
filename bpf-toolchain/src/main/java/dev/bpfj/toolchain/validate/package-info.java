/**
 * Build-time checks of a compiled BPF object: everything the kernel or libbpf would reject at
 * load time that can be seen in the ELF file alone (machine, sections, license, GPL-only
 * helpers, BTF, map definitions), plus warnings for likely mistakes. The checks are pure Java
 * over {@link dev.bpfj.toolchain.object.BpfObjectSpec}, so they give the same answer on every
 * machine and need neither root nor a kernel.
 */
package dev.bpfj.toolchain.validate;
