package dev.bpfj.toolchain.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.toolchain.BpfFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Objects that clang compiles but that cannot describe their maps: the error names what and how to fix it. */
class ObjectErrorsTest {

    private static final String HEADER = "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n"
            + "char LICENSE[] SEC(\"license\") = \"GPL\";\n";

    private static Path compile(Path dir, String name, String body, String... extraArgs) throws Exception {
        Path source = dir.resolve(name + ".bpf.c");
        Files.writeString(source, HEADER + body);
        return ClangFixtures.compile(source, dir.resolve("out"), List.of(extraArgs));
    }

    @Test
    void mapsWithoutBtfAskForDebugInfo(@TempDir Path dir) throws Exception {
        Path object = compile(dir, "nobtf", "struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1);"
                + " __type(key, int); __type(value, int); } m SEC(\".maps\");\n"
                + "SEC(\"xdp\") int x(void *ctx) { int k = 0; return bpf_map_lookup_elem(&m, &k) != 0; }\n", "-g0");
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> BpfObjectSpec.read(object));
        assertEquals(".maps", e.section());
        assertTrue(e.getMessage().contains(object.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("compile with clang -g"), e.getMessage());
        assertTrue(e.byteOffset() > 0);
    }

    @Test
    void mapAttributesMustUseTheLibbpfMacros(@TempDir Path dir) throws Exception {
        Path object = compile(dir, "badmap", "struct { int type; int max_entries; } bad SEC(\".maps\");\n"
                + "SEC(\"xdp\") int x(void *ctx) { return 0; }\n");
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> BpfObjectSpec.read(object));
        assertTrue(e.getMessage().contains("map bad: attribute type is not written as __uint(type, value)"),
                e.getMessage());
    }

    @Test
    void objectWithoutBtfStillListsProgramsAndGlobals(@TempDir Path dir) throws Exception {
        Path object = compile(dir, "plain", "int counter = 3; const volatile int limit = 9;\n"
                + "SEC(\"xdp\") int x(void *ctx) { return counter + limit; }\n", "-g0");
        BpfObjectSpec spec = BpfObjectSpec.read(object);
        assertTrue(spec.btf().isEmpty());
        assertEquals(List.of("x"), spec.programs().stream().map(ProgramSpec::name).toList());
        GlobalVariable counter = spec.globalSection(".data").orElseThrow().variable("counter").orElseThrow();
        assertEquals(4, counter.size());
        assertEquals(0, counter.btfTypeId());
        assertEquals(0, spec.programs().get(0).btfFuncId());
        assertEquals("limit", spec.globalSection(".rodata").orElseThrow().variables().get(0).name());
    }
}
