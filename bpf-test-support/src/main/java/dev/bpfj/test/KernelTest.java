package dev.bpfj.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that needs a BPF-capable kernel: root (or CAP_BPF with
 * CAP_PERFMON), kernel BTF at {@code /sys/kernel/btf/vmlinux}, the {@code bpf()} system call and
 * {@code libbpf.so.1}, plus whatever {@link #needs()} adds.
 *
 * <p>On a developer machine that lacks any of these the test is skipped and the skip names the
 * reason. When the environment variable {@code CI} is {@code true}, or the system property
 * {@code bpf.kernelTests} is {@code required}, a test that would be skipped fails instead, so
 * that CI can never pass by skipping the tests that matter.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(KernelTestExtension.class)
public @interface KernelTest {

    /** Further facilities the test needs beyond the basic ones. */
    Facility[] needs() default {};

    /** Optional facilities a kernel test may ask for. */
    enum Facility {
        /** tracefs mounted at {@code /sys/kernel/tracing} (tracepoint attach, trace_pipe). */
        TRACEFS,
        /** bpffs mounted at {@code /sys/fs/bpf} (pinning). */
        BPFFS,
        /** {@code clang} on the PATH, able to target BPF. */
        CLANG,
        /** {@code bpftool} on the PATH. */
        BPFTOOL
    }
}
