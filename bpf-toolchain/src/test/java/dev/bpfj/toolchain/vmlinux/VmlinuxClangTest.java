package dev.bpfj.toolchain.vmlinux;

import static dev.bpfj.toolchain.vmlinux.VmlinuxTestSupport.clangCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.test.KernelTest;
import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Headers written from the BTF of a fixture full of layout traps (packed, aligned, bitfields,
 * enum sizes, anonymous records, function pointers) reproduce every size and offset when clang
 * compiles them.
 */
@KernelTest(needs = KernelTest.Facility.CLANG)
class VmlinuxClangTest {

    private static Btf fixtureBtf() throws Exception {
        Path object = ClangFixtures.compile(VmlinuxTestSupport.FIXTURES.resolve("layouts.bpf.c"),
                VmlinuxTestSupport.workDir("objects"));
        return BpfObjectSpec.read(object).btf().orElseThrow();
    }

    @Test
    void fullHeaderReproducesEveryLayout() throws Exception {
        Btf btf = fixtureBtf();
        VmlinuxHeader header = VmlinuxHeaderWriter.of(btf).write();
        assertEquals(List.of(), header.warnings());
        Path dir = VmlinuxTestSupport.workDir("layouts-full");
        Files.writeString(dir.resolve("vmlinux.h"), header.text());
        LayoutProbe probe = new LayoutProbe(btf).addAll(id -> true);
        Files.writeString(dir.resolve("probe.c"), "#include \"vmlinux.h\"\n" + probe.text());

        VmlinuxTestSupport.Outcome outcome = clangCheck(dir, "probe.c", "-Werror");
        assertTrue(outcome.ok(), outcome.output());
        assertTrue(probe.assertions() > 60, "probe checks " + probe.assertions());
        String text = header.text();
        assertTrue(text.contains("} __attribute__((packed));"), "packed records are marked");
        assertTrue(text.contains("} __attribute__((aligned(8)));"), "the over-aligned union is marked");
        assertTrue(text.contains("struct only_in_params;"), "a tag first seen in a prototype is declared");
    }

    @Test
    void filteredHeaderCompilesAndKeepsRootLayouts() throws Exception {
        Btf btf = fixtureBtf();
        VmlinuxHeader header = VmlinuxHeaderWriter.of(btf).withRoots(List.of("struct all", "handler_t")).write();
        String text = header.text();
        assertTrue(text.contains("struct all {") && text.contains("typedef int (*handler_t)("), text);
        assertTrue(!text.contains("struct list {"), "a struct only pointed to is not defined:\n" + text);
        Path dir = VmlinuxTestSupport.workDir("layouts-filtered");
        Files.writeString(dir.resolve("vmlinux.h"), text);
        LayoutProbe probe = new LayoutProbe(btf).addAll(id -> {
            String name = btf.type(id).name();
            return text.contains("struct " + name + " {") || text.contains("union " + name + " {");
        });
        Files.writeString(dir.resolve("probe.c"), "#include \"vmlinux.h\"\n" + probe.text());
        VmlinuxTestSupport.Outcome outcome = clangCheck(dir, "probe.c", "-Werror");
        assertTrue(outcome.ok(), outcome.output());
    }
}
