/**
 * {@code bpf:verify}: loading every built object into the running kernel without attaching it, so
 * that a program the verifier rejects fails the build with its C line. The toolchain stays free of
 * native code: {@link dev.bpfj.toolchain.verify.KernelVerifier} forks a Java 22+ process with the
 * runtime to do the loading, {@link dev.bpfj.toolchain.verify.KernelAccess} says whether this
 * machine can load at all, and {@link dev.bpfj.toolchain.verify.VerifierLog} annotates the
 * verifier's log with the C source and picks out the cause.
 */
package dev.bpfj.toolchain.verify;
