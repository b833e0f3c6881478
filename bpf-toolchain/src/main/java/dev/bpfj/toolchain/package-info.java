/**
 * Pure-Java build-time tooling for BPF objects. The readers live in the subpackages
 * {@code elf}, {@code btf}, {@code insn} and {@code object}; all of them report malformed input
 * with the one checked {@link dev.bpfj.toolchain.BpfFormatException}.
 */
package dev.bpfj.toolchain;
