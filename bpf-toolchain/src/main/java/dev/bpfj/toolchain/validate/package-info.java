/**
 * Build-time checks of a compiled BPF object: everything the kernel or libbpf would reject at
 * load time that can be seen in the ELF file alone (machine, sections, license, GPL-only
 * helpers, BTF, map definitions), plus warnings for likely mistakes. The checks are pure Java
 * over {@link dev.bpfj.toolchain.object.BpfObjectSpec}, so they give the same answer on every
 * machine and need neither root nor a kernel.
 *
 * <p>Each check is a {@link dev.bpfj.toolchain.validate.Rule} with a stable id; a build's
 * {@link dev.bpfj.toolchain.validate.ValidationSettings} name the oldest libbpf the application
 * targets (checked against the version table {@code libbpf-versions.txt}, read by
 * {@link dev.bpfj.toolchain.validate.LibbpfFeatures}) and may change a rule's severity.
 * {@link dev.bpfj.toolchain.validate.RuntimeRequirement} lists what an object leaves to the
 * application (sizes, attach targets, inner maps) for the skeleton generator.
 */
package dev.bpfj.toolchain.validate;
