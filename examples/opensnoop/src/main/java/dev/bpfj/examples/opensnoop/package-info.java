/**
 * opensnoop: traces {@code open()}, {@code openat()} and {@code openat2()} system-wide and
 * prints one line per call, with the options and output columns of the classic tool.
 *
 * <p>{@link dev.bpfj.examples.opensnoop.Opensnoop} is the entry point;
 * {@link dev.bpfj.examples.opensnoop.CommandLine} and
 * {@link dev.bpfj.examples.opensnoop.LineFormatter} are plain classes tested without a kernel;
 * {@link dev.bpfj.examples.opensnoop.OpensnoopProbe} is the only class that talks to the BPF
 * object, through the skeleton {@code OpensnoopBpf} that {@code bpf:skeleton} generates from
 * opensnoop.bpf.o.
 */
package dev.bpfj.examples.opensnoop;
