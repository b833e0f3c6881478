package dev.bpfj.toolchain.clang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The text parsers of the clang driver: versions, depfiles, diagnostics, arch names. */
class ParsingTest {

    @Test
    void readsClangVersionsOfSeveralVendors() {
        assertEquals(Optional.of(new ClangVersion(14, 0, 6)),
                ClangVersion.parse("Debian clang version 14.0.6\nTarget: x86_64-pc-linux-gnu\n"));
        assertEquals(Optional.of(new ClangVersion(18, 1, 3)),
                ClangVersion.parse("Ubuntu clang version 18.1.3 (1ubuntu1)\nTarget: x86_64-pc-linux-gnu"));
        assertEquals(Optional.of(new ClangVersion(17, 0, 0)), ClangVersion.parse("clang version 17.0.0git (https://x y)"));
        assertEquals(Optional.of(new ClangVersion(11, 1, 0)), ClangVersion.parse("clang version 11.1"));
        assertEquals(Optional.empty(), ClangVersion.parse("gcc (Debian 12.2.0-14) 12.2.0"));
        assertTrue(new ClangVersion(12, 0, 0).isSupported());
        assertFalse(new ClangVersion(11, 1, 0).isSupported());
    }

    @Test
    void readsDepFilesWithContinuationsAndEscapes() {
        String text = "/out/x.o: /src/x.bpf.c /usr/include/linux/bpf.h \\\n"
                + "  /src/my\\ dir/common.h /src/cost$$.h \\\n  /src/x.bpf.c\n";
        assertEquals(List.of("/src/x.bpf.c", "/usr/include/linux/bpf.h", "/src/my dir/common.h", "/src/cost$.h"),
                DepFile.prerequisites(text));
        assertEquals(List.of("a.h", "b.h"), DepFile.prerequisites("x.o : a.h\nb.h:\ny.o: b.h\n"));
        assertThrows(IllegalArgumentException.class, () -> DepFile.prerequisites("just words"));
    }

    @Test
    void picksDiagnosticsOutOfClangOutput() {
        String output = String.join("\n",
                "/p/src/x.bpf.c:6:29: warning: unused variable 'x' [-Wunused-variable]",
                "int handle(void *ctx) { int x; return 0; }",
                "                            ^",
                "/p/src/x.bpf.c:9:1: error: expected ';' after top level declarator",
                "/p/src/y.h:3: note: previous definition is here",
                "/p/src/x.bpf.c:2:10: fatal error: 'nope.h' file not found",
                "clang-14: error: unknown argument: '-fbogus'",
                "1 warning and 2 errors generated.");
        List<Diagnostic> diagnostics = Diagnostic.parse(output);
        assertEquals(5, diagnostics.size());
        assertEquals(new Diagnostic("/p/src/x.bpf.c", 6, 29, Diagnostic.Severity.WARNING,
                "unused variable 'x' [-Wunused-variable]"), diagnostics.get(0));
        assertEquals("/p/src/x.bpf.c:9:1: error: expected ';' after top level declarator",
                diagnostics.get(1).toString());
        assertEquals(new Diagnostic("/p/src/y.h", 3, 0, Diagnostic.Severity.NOTE, "previous definition is here"),
                diagnostics.get(2));
        assertTrue(diagnostics.get(3).isError());
        assertEquals(Diagnostic.Severity.FATAL, diagnostics.get(3).severity());
        assertEquals(new Diagnostic("clang-14", 0, 0, Diagnostic.Severity.ERROR, "unknown argument: '-fbogus'"),
                diagnostics.get(4));
        assertFalse(diagnostics.get(0).isError());
    }

    @Test
    void mapsOsArchToLibbpfArchAndMultiarch() {
        assertEquals(Optional.of("x86"), TargetArch.libbpfArch("amd64"));
        assertEquals(Optional.of("x86"), TargetArch.libbpfArch("x86_64"));
        assertEquals(Optional.of("arm64"), TargetArch.libbpfArch("aarch64"));
        assertEquals(Optional.of("s390"), TargetArch.libbpfArch("s390x"));
        assertEquals(Optional.of("powerpc"), TargetArch.libbpfArch("ppc64le"));
        assertEquals(Optional.of("riscv"), TargetArch.libbpfArch("riscv64"));
        assertEquals(Optional.empty(), TargetArch.libbpfArch("vax"));
        assertEquals(Optional.of("x86_64-linux-gnu"), TargetArch.multiarch("amd64"));
        assertEquals(Optional.of("aarch64-linux-gnu"), TargetArch.multiarch("aarch64"));
    }
}
