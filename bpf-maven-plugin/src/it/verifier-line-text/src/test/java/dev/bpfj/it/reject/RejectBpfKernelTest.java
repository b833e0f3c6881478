package dev.bpfj.it.reject;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.runtime.VerifierException;
import dev.bpfj.test.KernelTest;
import org.junit.jupiter.api.Test;

/** The verifier's rejection of a plugin-built program quotes the offending C line. */
class RejectBpfKernelTest {

    @Test
    @KernelTest
    void verifierLogShowsTheCSourceOfTheRejectedLine() {
        try (RejectBpf skel = RejectBpf.open()) {
            VerifierException rejected = assertThrows(VerifierException.class, skel::load);
            String log = rejected.log();
            // The verifier prints "; <source line> @ <file>:<line>" from .BTF.ext line_info.
            assertTrue(log.contains("; *total += 7; /* no NULL check */ @ reject.bpf.c:19"),
                    "the verifier log lacks the C text of line 19:\n" + log);
            assertTrue(log.contains("__u64 *total = bpf_map_lookup_elem(&totals, &key);"), log);
            assertTrue(log.contains("map_value_or_null"), log);
        }
    }
}
