/**
 * {@link dev.bpfj.toolchain.object.BpfObjectSpec}: the deterministic blueprint of a BPF object
 * file built from its ELF, BTF and instructions: programs, BTF-defined maps, global data sections
 * and their variables, license and kernel version. It needs no kernel; the runtime turns it into
 * live objects.
 */
package dev.bpfj.toolchain.object;
