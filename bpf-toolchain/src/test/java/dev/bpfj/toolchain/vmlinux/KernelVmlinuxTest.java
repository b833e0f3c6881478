package dev.bpfj.toolchain.vmlinux;

import static dev.bpfj.toolchain.vmlinux.VmlinuxTestSupport.clangCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.test.KernelTest;
import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.btf.BtfMember;
import dev.bpfj.toolchain.btf.BtfStruct;
import dev.bpfj.toolchain.btf.BtfType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The header of this machine's kernel compiles, reproduces the BTF's layouts and works for CO-RE. */
@KernelTest(needs = KernelTest.Facility.CLANG)
class KernelVmlinuxTest {

    static final List<String> ITER_ROOTS = List.of("bpf_iter__task", "struct bpf_iter_meta", "task_struct");

    @Test
    void compilesAloneWithoutADiagnostic() throws Exception {
        VmlinuxHeader header = VmlinuxTestSupport.kernelHeader();
        assertEquals(List.of(), header.warnings());
        Path dir = VmlinuxTestSupport.workDir("kernel-alone");
        Files.writeString(dir.resolve("vmlinux.h"), header.text());
        Files.writeString(dir.resolve("alone.c"), "#include \"vmlinux.h\"\n#include \"vmlinux.h\"\n");
        VmlinuxTestSupport.Outcome outcome = clangCheck(dir, "alone.c", "-Wextra");
        assertTrue(outcome.ok() && outcome.output().isBlank(), outcome.output());
    }

    @Test
    void compilesWithLibbpfHeadersAndFixturePrograms() throws Exception {
        String header = VmlinuxTestSupport.kernelHeader().text();
        for (String fixture : List.of("core_iter.bpf.c", "core_tracing.bpf.c")) {
            Path dir = VmlinuxTestSupport.withHeader("kernel-" + fixture, fixture, header);
            VmlinuxTestSupport.Outcome outcome = clangCheck(dir, fixture, "-Werror");
            assertTrue(outcome.ok(), fixture + ":\n" + outcome.output());
            ClangFixtures.compile(dir.resolve(fixture), dir);
        }
    }

    @Test
    void reproducesEveryRecordAndTypedefLayout() throws Exception {
        Btf btf = VmlinuxTestSupport.kernelBtf();
        Set<Integer> vaList = containsVaListByValue(btf);
        LayoutProbe probe = new LayoutProbe(btf).addAll(id -> !vaList.contains(id));
        Path dir = VmlinuxTestSupport.workDir("kernel-probe");
        Files.writeString(dir.resolve("vmlinux.h"), VmlinuxTestSupport.kernelHeader().text());
        Files.writeString(dir.resolve("probe.c"), "#include \"vmlinux.h\"\n" + probe.text());
        VmlinuxTestSupport.Outcome outcome = clangCheck(dir, "probe.c");
        System.out.println("[vmlinux] layout probe: " + probe.assertions() + " sizeof/offsetof assertions over every"
                + " named struct, union and typedef of " + btf.fileName() + "; skipped (va_list by value): "
                + vaList.stream().map(id -> btf.describe(id)).collect(Collectors.joining(", ")));
        assertTrue(outcome.ok(), outcome.output());
    }

    /**
     * Types holding the x86 {@code va_list} by value. On {@code -target bpf} clang's own
     * {@code __builtin_va_list} is a pointer, so no header (bpftool's neither) can give these the
     * kernel's size; CO-RE never reads them by value.
     */
    static Set<Integer> containsVaListByValue(Btf btf) {
        Set<Integer> result = new java.util.HashSet<>();
        for (BtfType type : btf.types()) {
            if (holdsVaList(btf, type.id(), 0)) {
                result.add(type.id());
            }
        }
        return result;
    }

    private static boolean holdsVaList(Btf btf, int id, int depth) {
        BtfType type = btf.type(id);
        if (depth > 64) {
            return false;
        }
        if (type.name().equals("__builtin_va_list") || type.name().equals("va_list")) {
            return true;
        }
        if (type instanceof BtfStruct) {
            for (BtfMember member : ((BtfStruct) type).members()) {
                if (holdsVaList(btf, member.typeId(), depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        if (type instanceof dev.bpfj.toolchain.btf.BtfArray) {
            return holdsVaList(btf, ((dev.bpfj.toolchain.btf.BtfArray) type).elemType(), depth + 1);
        }
        if (type instanceof BtfType.Alias) {
            return holdsVaList(btf, ((BtfType.Alias) type).typeId(), depth + 1);
        }
        return false;
    }

    @Test
    void filteredHeaderIsSmallAndCompilesTheCoreProgram() throws Exception {
        VmlinuxHeader filtered = VmlinuxHeaderWriter.of(VmlinuxTestSupport.kernelBtf()).withRoots(ITER_ROOTS).write();
        int full = VmlinuxTestSupport.kernelHeader().text().length();
        assertTrue(filtered.text().length() < full / 4,
                "filtered " + filtered.text().length() + " bytes vs full " + full);
        Path dir = VmlinuxTestSupport.withHeader("kernel-filtered", "core_iter.bpf.c", filtered.text());
        VmlinuxTestSupport.Outcome outcome = clangCheck(dir, "core_iter.bpf.c", "-Werror");
        assertTrue(outcome.ok(), outcome.output());
    }
}
