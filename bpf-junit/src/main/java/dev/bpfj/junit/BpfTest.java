package dev.bpfj.junit;

import dev.bpfj.test.KernelTest;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class (or method) that runs BPF programs in the kernel. It loads what its
 * {@link LoadBpf} fields and parameters ask for and closes it afterwards, and it needs a kernel
 * that can load programs: root (or CAP_BPF with CAP_PERFMON), kernel BTF and {@code libbpf.so.1}.
 * Without them the test is skipped with the reason on a developer machine and fails when the
 * environment variable {@code CI} is {@code true} (or {@code -Dbpf.kernelTests=required}), so that
 * CI never passes by skipping.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@KernelTest
@ExtendWith(BpfExtension.class)
public @interface BpfTest {
}
