package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.runtime.internal.libbpf.LibbpfVersions;
import dev.bpfj.runtime.internal.libbpf.Native;
import dev.bpfj.test.KernelTest;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Sections that need a newer libbpf than the one this process loaded: load says which program,
 * which section, which libbpf it needs and which it found, instead of libbpf's bare "missing BPF
 * prog type"; with those programs' autoload off, the rest of the object loads and runs.
 */
@KernelTest(needs = KernelTest.Facility.CLANG)
class LibbpfVersionTest {

    /** Runs only where the loaded libbpf predates 1.3 (this project's CI has 1.1.2). */
    private static void requireLibbpfOlderThan13() {
        Assumptions.assumeTrue(Native.libbpfMajor() == 1 && Native.libbpfMinor() < 3,
                "needs a libbpf older than 1.3 to be loaded, found " + Native.libbpfVersion());
    }

    @Test
    void loadNamesTheProgramTheSectionAndBothVersions() {
        requireLibbpfOlderThan13();
        try (BpfObject object = Fixtures.open("newer_sections")) {
            assertEquals(ProgramType.UNSPEC, object.program("tcx_ingress").type(),
                    "libbpf " + Native.libbpfVersion() + " does not know tcx/ingress");
            BpfException failure = assertThrows(BpfException.class, object::load);
            String expected = "program tcx_ingress: SEC(\"tcx/ingress\") needs libbpf \u2265 1.3, this process loaded "
                    + "libbpf " + Native.libbpfVersion();
            assertTrue(failure.getMessage().startsWith("load object newer_sections: "), failure.getMessage());
            assertTrue(failure.getMessage().contains(expected), failure.getMessage());
            // multi_probe is SEC("?...") (autoload off), so it is not part of the complaint.
            assertTrue(!failure.getMessage().contains("multi_probe"), failure.getMessage());
            assertEquals(BpfObject.Phase.OPENED, object.phase(), "nothing was loaded, so the object can still be");

            // With the too-new program off, what this libbpf knows loads and runs in the kernel.
            object.program("tcx_ingress").autoload(false);
            object.load();
            object.attachAll();
            long before = object.globalData(".bss").getLong(0);
            long pid = getpid();
            assertEquals(ProcessHandle.current().pid(), pid);
            assertTrue(object.globalData(".bss").getLong(0) > before, "count_getpid ran in the kernel");
        }
    }

    @Test
    void theElfSectionsThatNeedANewerLibbpfAreNamed() {
        requireLibbpfOlderThan13();
        List<String> parts = LibbpfVersions.tooNewParts(Fixtures.bytes("newer_sections"));
        assertEquals(List.of("section \"tcx/ingress\" needs libbpf \u2265 1.3, this process loaded libbpf "
                + Native.libbpfVersion(), "section \"?uprobe.multi/proc/self/exe:main\" needs libbpf \u2265 1.3, this "
                + "process loaded libbpf " + Native.libbpfVersion()), parts);
        assertEquals(List.of(), LibbpfVersions.tooNewParts(new byte[] {1, 2, 3}), "not ELF: nothing to say");
    }

    @Test
    void openNamesTheElfSectionTheLoadedLibbpfIsTooOldFor() {
        Assumptions.assumeTrue(Native.libbpfMajor() == 1 && Native.libbpfMinor() < 4,
                "needs a libbpf older than 1.4 to be loaded, found " + Native.libbpfVersion());
        String expected = "section \".addr_space.1\" needs libbpf \u2265 1.4, this process loaded libbpf "
                + Native.libbpfVersion();
        BpfException fromFile = assertThrows(BpfException.class, () -> Fixtures.open("arena_global"));
        assertTrue(fromFile.getMessage().startsWith("open object "), fromFile.getMessage());
        assertTrue(fromFile.getMessage().contains(expected), fromFile.getMessage());
        BpfException fromMemory = assertThrows(BpfException.class, () -> BpfObject.open(Fixtures.bytes("arena_global")));
        assertTrue(fromMemory.getMessage().contains(expected), fromMemory.getMessage());
    }

    /** A real getpid(2) through libc: ProcessHandle caches the pid. */
    private static long getpid() {
        try {
            var linker = java.lang.foreign.Linker.nativeLinker();
            var handle = linker.downcallHandle(linker.defaultLookup().find("getpid").orElseThrow(),
                    java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT));
            return (int) handle.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
