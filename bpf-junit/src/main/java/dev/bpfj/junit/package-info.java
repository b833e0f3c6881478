/**
 * Unit tests for BPF programs with JUnit 5. {@link dev.bpfj.junit.BpfTest} on a test class loads
 * skeletons or objects into fields and parameters marked {@link dev.bpfj.junit.LoadBpf} and closes
 * them after the test or the class, failed or not; {@link dev.bpfj.junit.Packet} builds test
 * packets with correct checksums, {@link dev.bpfj.junit.PacketView} reads what a program left,
 * {@link dev.bpfj.junit.SkBuff} is a {@code struct __sk_buff} context, and
 * {@link dev.bpfj.junit.BpfAssertions} and {@link dev.bpfj.junit.RingRecorder} check maps and ring
 * buffer records. Programs run through {@link dev.bpfj.runtime.BpfProgram#testRun}.
 */
package dev.bpfj.junit;
