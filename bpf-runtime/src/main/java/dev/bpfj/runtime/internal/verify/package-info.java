/**
 * The process {@code bpf:verify} forks: bpf-maven-plugin runs in Maven's JVM (Java 17+) and never
 * calls {@code java.lang.foreign} there, so it starts {@code java} 22+ with the runtime jar and
 * {@link dev.bpfj.runtime.internal.verify.VerifyMain}, which loads each object into the kernel
 * without attaching anything and writes what happened to a properties file.
 */
package dev.bpfj.runtime.internal.verify;
