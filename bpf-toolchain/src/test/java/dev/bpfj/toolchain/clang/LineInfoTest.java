package dev.bpfj.toolchain.clang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.RecordingLog;
import dev.bpfj.toolchain.btf.BtfExt;
import dev.bpfj.toolchain.btf.BtfLineInfo;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects built the plugin's way (reproducible paths) keep the C source text of every line in
 * .BTF.ext line_info, which the verifier log and {@code bpftool prog dump xlated linum} print.
 */
class LineInfoTest {

    private static final String PROGRAM = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>

            struct {
                __uint(type, BPF_MAP_TYPE_ARRAY);
                __uint(max_entries, 1);
                __type(key, __u32);
                __type(value, __u64);
            } counts SEC(".maps");

            SEC("tracepoint/syscalls/sys_enter_openat")
            int count_opens(void *ctx)
            {
                __u32 key = 0;
                __u64 *value = bpf_map_lookup_elem(&counts, &key);
                if (value)
                    __sync_fetch_and_add(value, 3);
                return 0;
            }

            char LICENSE[] SEC("license") = "GPL";
            """;

    @TempDir
    Path dir;

    @Test
    void lineInfoCarriesTheCSourceText() throws Exception {
        Path root = dir.resolve("project");
        Path sources = Files.createDirectories(root.resolve("src/main/bpf/nested"));
        Files.writeString(sources.resolve("lines.bpf.c"), PROGRAM);
        new BpfCompiler(new RecordingLog(), ObjectChecker.none()).compile(
                CompileRequest.builder(root.resolve("src/main/bpf"), root.resolve("target/bpf")).projectDirectory(root)
                        .build());
        Path object = root.resolve("target/bpf/nested/lines.bpf.o");
        BtfExt ext = BpfObjectSpec.read(object).btfExt().orElseThrow();
        List<BtfLineInfo> lines = ext.lineInfos("tracepoint/syscalls/sys_enter_openat");
        assertTrue(lines.size() >= 3, lines.toString());
        for (BtfLineInfo line : lines) {
            // Line 0 marks compiler-made code, which has no source line.
            assertTrue(line.line() == 0 || !line.sourceLine().isBlank(), "line_info without source text: " + line);
            // Reproducible: the recorded path is relative to the project, never absolute.
            assertTrue(!line.fileName().contains(root.toString()), line.fileName());
        }
        assertTrue(lines.stream().anyMatch(l -> l.sourceLine().contains("bpf_map_lookup_elem(&counts, &key);")),
                lines.toString());
        BtfLineInfo add = lines.stream().filter(l -> l.sourceLine().contains("__sync_fetch_and_add(value, 3);"))
                .findFirst().orElseThrow(() -> new AssertionError(lines.toString()));
        assertEquals(17, add.line());
        assertTrue(add.fileName().endsWith("src/main/bpf/nested/lines.bpf.c"), add.fileName());
    }
}
