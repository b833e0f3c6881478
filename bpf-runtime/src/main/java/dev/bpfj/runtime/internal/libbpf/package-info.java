/**
 * The FFM bindings to {@code libbpf.so.1} and libc: one holder class per native function,
 * initialised on first use and called with {@code invokeExact}, plus libbpf log capture and
 * errno naming. Not exported from the module; nothing here is API.
 */
package dev.bpfj.runtime.internal.libbpf;
