/**
 * JUnit 5 support for bpfj's tests that need a real, BPF-capable kernel: {@link
 * dev.bpfj.test.KernelTest} and the environment checks behind it.
 */
package dev.bpfj.test;
