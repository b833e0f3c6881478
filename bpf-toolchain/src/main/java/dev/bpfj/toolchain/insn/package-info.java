/**
 * Decoding of BPF instructions: each 8-byte slot into an {@link dev.bpfj.toolchain.insn.Instruction},
 * with the 16-byte {@code ld_imm64} kept whole, and helpers that tell helper, kfunc and
 * subprogram calls apart.
 */
package dev.bpfj.toolchain.insn;
