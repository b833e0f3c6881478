package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.runtime.internal.libbpf.Environment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The environment facts behind the hints: kernel release and memlock limit parsing. */
class EnvironmentTest {

    @Test
    void kernelsBefore511AccountMemlock() {
        assertTrue(Environment.releaseBefore511("5.10.0-21-amd64"));
        assertTrue(Environment.releaseBefore511("4.19.282"));
        assertFalse(Environment.releaseBefore511("5.11.0"));
        assertFalse(Environment.releaseBefore511("6.18.1-arch1-1"));
        assertFalse(Environment.releaseBefore511("garbage"));
    }

    @Test
    void memlockLimitIsReadFromProcLimits() {
        assertEquals("8388608 bytes", Environment.memlockLimit(List.of(
                "Limit                     Soft Limit           Hard Limit           Units     ",
                "Max locked memory         8388608              8388608              bytes     ")));
        assertEquals("unlimited", Environment.memlockLimit(List.of(
                "Max locked memory         unlimited            unlimited            bytes     ")));
        assertNull(Environment.memlockLimit(List.of("Max open files            1024                 4096                 files     ")));
        assertTrue(Environment.memlockHint().startsWith(Environment.MEMLOCK_HINT));
    }
}
