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
    void keepsTheIncludeChainOfADiagnosticInAHeader() {
        String output = String.join("\n",
                "In file included from src/main/bpf/x.bpf.c:8:",
                "In file included from /p/common/helpers.h:27:",
                "/usr/include/x86_64-linux-gnu/gnu/stubs.h:7:11: fatal error: 'gnu/stubs-32.h' file not found",
                "# include <gnu/stubs-32.h>",
                "          ^~~~~~~~~~~~~~~~",
                "src/main/bpf/x.bpf.c:9:1: error: expected ';' after top level declarator",
                "/p/common/helpers.h:3:1: note: previous definition is here",
                "2 errors generated.");
        List<Diagnostic> diagnostics = Diagnostic.parse(output);
        assertEquals(3, diagnostics.size(), diagnostics.toString());
        Diagnostic missing = diagnostics.get(0);
        assertEquals(List.of("src/main/bpf/x.bpf.c:8", "/p/common/helpers.h:27"), missing.includedFrom());
        String text = missing.toString();
        assertTrue(text.startsWith("/usr/include/x86_64-linux-gnu/gnu/stubs.h:7:11: fatal: 'gnu/stubs-32.h' file not found"
                + " (included from /p/common/helpers.h:27 <- src/main/bpf/x.bpf.c:8). Fix: "), text);
        assertTrue(text.contains("libc6-dev-i386"), text);
        // The chain belongs to the one diagnostic it preceded.
        assertEquals(List.of(), diagnostics.get(1).includedFrom());
        assertEquals("src/main/bpf/x.bpf.c:9:1: error: expected ';' after top level declarator", diagnostics.get(1).toString());
        assertEquals(List.of(), diagnostics.get(2).includedFrom());
    }

    @Test
    void locatesWhatAnOlderBpfBackendCannotCompileInsteadOfOnlyItsCrash() {
        // clang 17 and older: the BPF backend's report, a crash in instruction selection and a stack dump.
        String output = String.join("\n",
                "Error at line 40: Unsupport signed division for DAG: 0x1790eab0: i64 = sdiv 0x178f9f90, Constant:i64<2>,"
                        + " src/main/bpf/x.bpf.c:40:2 @[ src/main/bpf/x.bpf.c:15:5 ]Please convert to unsigned div/mod.",
                "fatal error: error in backend: Cannot select: 0x1790eab0: i64 = sdiv 0x178f9f90, Constant:i64<2>,"
                        + " src/main/bpf/x.bpf.c:40:2 @[ src/main/bpf/x.bpf.c:15:5 ]",
                "  0x178f9f90: i64 = sra 0x1790e020, Constant:i64<56>, src/main/bpf/x.bpf.c:40:2",
                "In function: scale",
                "PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/ and include the crash backtrace.",
                "Stack dump:",
                "0.\tProgram arguments: clang -g -O2 -target bpf -c src/main/bpf/x.bpf.c",
                " #0 0x00007f59956a5291 llvm::sys::PrintStackTrace(llvm::raw_ostream&, int) (/lib/libLLVM-14.so.1+0xea5291)",
                "clang: error: clang frontend command failed with exit code 70 (use -v to see invocation)",
                "clang: note: diagnostic msg: /tmp/x-a6ebb3.c");
        List<Diagnostic> errors = Diagnostic.parse(output).stream().filter(Diagnostic::isError).toList();
        assertEquals(2, errors.size(), errors.toString());
        assertEquals("src/main/bpf/x.bpf.c:40:2: error: Unsupport signed division (clang's BPF backend cannot compile this)."
                + " Please convert to unsigned div/mod.", errors.get(0).toString());
        assertTrue(errors.get(1).toString().startsWith("clang: error: clang frontend command failed with exit code 70"
                + " (use -v to see invocation). Fix: clang crashed on this source"), errors.get(1).toString());

        // Without the "Error at line" report the backend's crash line is the clue, without its node dump.
        List<Diagnostic> crash = Diagnostic.parse(String.join("\n",
                "fatal error: error in backend: Cannot select: 0x2d2aae8: i64 = sdiv 0x2d2a8e0, 0x2d2abb8, x.bpf.c:12:17",
                "In function: halve",
                "clang: error: clang frontend command failed with exit code 70 (use -v to see invocation)"));
        assertEquals("clang: fatal: error in backend: Cannot select: (in function halve)", crash.get(0).toString());
        assertEquals(2, crash.size(), crash.toString());
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
