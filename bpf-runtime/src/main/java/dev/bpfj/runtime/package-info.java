/**
 * Load and run BPF objects from Java: {@link dev.bpfj.runtime.BpfObject} opens an object
 * (open -> set globals and autoload -> load -> attach), {@link dev.bpfj.runtime.BpfMap} reads
 * and writes maps, {@link dev.bpfj.runtime.RingBuffer} and {@link dev.bpfj.runtime.PerfBuffer}
 * receive events, {@link dev.bpfj.runtime.BpfSystem} lists what is loaded in the kernel and
 * {@link dev.bpfj.runtime.TracePipe} reads {@code bpf_printk} output.
 *
 * <p>Errors are unchecked: {@link dev.bpfj.runtime.BpfException} for what the kernel or libbpf
 * refused, {@link IllegalStateException} for a call in the wrong phase and
 * {@link IllegalArgumentException} for a bad name or size.
 */
package dev.bpfj.runtime;
