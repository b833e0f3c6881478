package dev.bpfj.toolchain.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierLogTest {

    @TempDir
    Path sources;

    /** A log as the kernel prints it for an object whose .BTF.ext lost the line strings. */
    private static final String LOG_WITHOUT_TEXT = String.join("\n",
            "0: R1=ctx() R10=fp0",
            ";  @ /build/src/main/bpf/net/count.bpf.c:4",
            "0: (61) r1 = *(u32 *)(r1 +12)         ; R1=scalar()",
            ";  @ count.bpf.c:0",
            "3: (07) r2 += -4                      ; R2=fp-4",
            ";  @ /build/src/main/bpf/net/count.bpf.c:5",
            "6: (85) call bpf_map_lookup_elem#1    ; R0=map_value_or_null(id=1,map=counts,ks=4,vs=8)",
            ";  @ /build/src/main/bpf/net/count.bpf.c:7",
            "7: (79) r1 = *(u64 *)(r0 +0)",
            "R0 invalid mem access 'map_value_or_null'",
            "processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0");

    @Test
    void missingLineTextIsReadFromTheSourceFoundByName() throws IOException {
        Files.createDirectories(sources.resolve("net"));
        Files.writeString(sources.resolve("net/count.bpf.c"), String.join("\n",
                "int count(struct xdp_md *ctx)", "{", "\t/* key */", "\t__u32 key = ctx->ingress_ifindex;",
                "\t__u64 *value = bpf_map_lookup_elem(&counts, &key);", "", "\t*value += 1;", "}"));
        VerifierLog log = VerifierLog.annotate(LOG_WITHOUT_TEXT, List.of(sources));
        assertEquals("R0 invalid mem access 'map_value_or_null'", log.cause());
        assertEquals("count.bpf.c:7: *value += 1;", log.location().orElseThrow());
        assertTrue(log.lines().contains("; __u32 key = ctx->ingress_ifindex;   @ count.bpf.c:4"), log.lines().toString());
        assertTrue(log.lines().contains("; __u64 *value = bpf_map_lookup_elem(&counts, &key);   @ count.bpf.c:5"));
        assertTrue(log.lines().contains("; @ count.bpf.c:0"), "line 0 has no source line");
    }

    @Test
    void withoutTheSourceTheLocationSaysSo() {
        VerifierLog log = VerifierLog.annotate(LOG_WITHOUT_TEXT, List.of(sources));
        assertEquals("count.bpf.c:7: (source line not found)", log.location().orElseThrow());
    }

    @Test
    void stateDumpsAfterTheCauseAreSkipped() {
        VerifierLog log = VerifierLog.annotate(String.join("\n",
                "; while (bpf_get_prandom_u32() != 42) @ spin.bpf.c:12",
                "6: (85) call bpf_get_prandom_u32#7",
                "infinite loop detected at insn 7",
                "cur state: R0=scalar() R10=fp0",
                "old state: R0=scalar() R10=fp0",
                "processed 15 insns (limit 1000000)"), List.of());
        assertEquals("infinite loop detected at insn 7", log.cause());
        assertEquals("spin.bpf.c:12: while (bpf_get_prandom_u32() != 42)", log.location().orElseThrow());
    }

    @Test
    void aLogWithoutLineInfoHasNoLocation() {
        VerifierLog log = VerifierLog.annotate("0: (b7) r0 = 0\nR0 !read_ok", List.of());
        assertEquals("R0 !read_ok", log.cause());
        assertFalse(log.location().isPresent());
    }

    @Test
    void kernelVersionsCompareByTheirNumbers() {
        assertTrue(KernelAccess.atLeast("6.18.44-fc-v1045", "6.6"));
        assertTrue(KernelAccess.atLeast("6.6.0", "6.6"));
        assertFalse(KernelAccess.atLeast("5.15.0-91-generic", "6.1"));
        assertFalse(KernelAccess.atLeast("6.18.44", "99.0"));
        assertTrue(KernelAccess.atLeast("6.10", "6.9.12"));
    }

    @Test
    void privilegesComeFromTheEffectiveCapabilities() throws IOException {
        Path status = sources.resolve("status");
        Files.writeString(status, "Name:\tjava\nCapEff:\t0000000000000000\n");
        assertFalse(KernelAccess.privileged(status));
        Files.writeString(status, "CapEff:\t000000c000000000\n"); // CAP_PERFMON (38) + CAP_BPF (39)
        assertTrue(KernelAccess.privileged(status));
        Files.writeString(status, "CapEff:\t0000008000000000\n"); // CAP_BPF alone
        assertFalse(KernelAccess.privileged(status));
    }
}
