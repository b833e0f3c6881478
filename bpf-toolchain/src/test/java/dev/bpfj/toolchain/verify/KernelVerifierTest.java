package dev.bpfj.toolchain.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.test.KernelTest;
import dev.bpfj.toolchain.RecordingLog;
import dev.bpfj.toolchain.clang.BpfBuildException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration mistakes stop bpf:verify before anything is loaded. Marked as a kernel test because
 * the machine check (privileges, BTF, libbpf) comes first: elsewhere the goal skips before reading
 * the configuration.
 */
@KernelTest(needs = KernelTest.Facility.CLANG)
class KernelVerifierTest {

    @TempDir
    Path dir;

    private Path objects() throws IOException {
        Path source = dir.resolve("src/knobs.bpf.c");
        Files.createDirectories(source.getParent());
        Files.writeString(source, String.join("\n",
                "#include <linux/bpf.h>",
                "#include <bpf/bpf_helpers.h>",
                "char LICENSE[] SEC(\"license\") = \"GPL\";",
                "const volatile __u16 port = 0;",
                "struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } seen SEC(\".maps\");",
                "SEC(\"xdp\") int knobs(struct xdp_md *ctx) { return port ? XDP_DROP : XDP_PASS; }", ""));
        Path out = dir.resolve("bpf");
        Path compiled = ClangFixtures.compile(source, dir.resolve("cache"));
        Files.createDirectories(out);
        Files.copy(compiled, out.resolve("knobs.bpf.o"));
        return out;
    }

    private VerifyRequest request(Path objects, Map<String, Integer> maxEntries, Map<String, String> rodata,
            List<String> skip) {
        return new VerifyRequest(objects, List.of(dir.resolve("src")), maxEntries, rodata, skip, Map.of(), Map.of(),
                true, "test", Path.of(System.getProperty("java.home"), "bin", "java"), dir.resolve("no-runtime.jar"),
                dir.resolve("work"));
    }

    @Test
    void aMapNameNoObjectHasFailsBeforeLoading() throws IOException {
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> new KernelVerifier(new RecordingLog())
                .verify(request(objects(), Map.of("sean", 8), Map.of(), List.of())));
        assertEquals("bpf:verify: <maxEntries> names map sean, which no object has; check the name (C names, like my_map)",
                e.getMessage());
    }

    @Test
    void aRodataValueThatIsNoNumberIsNamed() throws IOException {
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> new KernelVerifier(new RecordingLog())
                .verify(request(objects(), Map.of(), Map.of("port", "eighty"), List.of())));
        assertEquals("bpf:verify: rodata port = \"eighty\" is not a number (decimal, 0x hex, true or false)", e.getMessage());
    }

    @Test
    void anUnknownProgramToSkipIsNamed() throws IOException {
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> new KernelVerifier(new RecordingLog())
                .verify(request(objects(), Map.of(), Map.of(), List.of("knob"))));
        assertTrue(e.getMessage().startsWith("bpf:verify: <skipPrograms> names program knob, which no object has"),
                e.getMessage());
    }

    @Test
    void noObjectsIsNotAnError() throws Exception {
        RecordingLog log = new RecordingLog();
        assertEquals(0, new KernelVerifier(log).verify(request(dir.resolve("missing"), Map.of(), Map.of(), List.of())));
    }
}
