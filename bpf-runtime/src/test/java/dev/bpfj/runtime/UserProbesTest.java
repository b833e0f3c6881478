package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.runtime.internal.libbpf.LibbpfAttach;
import dev.bpfj.test.KernelTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Uprobes by symbol in an executable and a shared library built here, USDT probes, uprobe.multi's clear error. */
@KernelTest(needs = KernelTest.Facility.CLANG)
class UserProbesTest {

    private static final int CALLS = 7;
    private static TestBinaries binaries;

    @BeforeAll
    static void build() throws Exception {
        binaries = TestBinaries.build();
    }

    @AfterAll
    static void cleanUp() {
        if (binaries != null) {
            binaries.close();
        }
    }

    @Test
    void uprobeBySymbolInAnExecutableAndASharedLibrary() throws Exception {
        try (BpfObject object = Fixtures.open("uprobe")) {
            object.load();
            BpfProgram program = object.program("count_calls");
            GlobalData bss = object.globalData(".bss");
            try (BpfLink link = program.attachUprobe(binaries.program, UprobeOptions.function("bpfj_exe_function"))) {
                binaries.run(CALLS);
                assertEquals(CALLS, bss.getLong(0), "uprobe on the executable's function");
            }
            // The shared library's function, found in the .so's dynamic symbols, with an offset of 0 explicitly.
            try (BpfLink link = program.attachUprobe(binaries.library,
                    UprobeOptions.function("bpfj_lib_function").withOffset(0).returning())) {
                binaries.run(CALLS);
                assertEquals(2L * CALLS, bss.getLong(0), "uretprobe on the library's function");
            }
            binaries.run(CALLS);
            assertEquals(2L * CALLS, bss.getLong(0), "closed links no longer count");
            // A uprobe for one process only: this JVM never runs the binary, so the child's calls do not count.
            try (BpfLink link = program.attachUprobe(binaries.program,
                    UprobeOptions.function("bpfj_exe_function").withPid(Fixtures.tgid()))) {
                binaries.run(CALLS);
                assertEquals(2L * CALLS, bss.getLong(0), "a uprobe for another pid does not see the child");
            }

            BpfException missing = assertThrows(BpfException.class, () -> program.attachUprobe(binaries.program,
                    UprobeOptions.function("no_such_function_here")));
            assertTrue(missing.getMessage().startsWith("attach program count_calls (uprobe) to uprobe " + binaries.program
                    + ":no_such_function_here: "), missing.getMessage());
            assertTrue(missing.getMessage().contains("no symbol no_such_function_here"), missing.getMessage());

            BpfException noFile = assertThrows(BpfException.class, () -> program.attachUprobe(
                    binaries.directory.resolve("absent"), UprobeOptions.function("main")));
            assertTrue(noFile.getMessage().contains("no such executable or shared library"), noFile.getMessage());
        }
    }

    @Test
    void usdtProbeByProviderAndName() throws Exception {
        try (BpfObject object = Fixtures.open("usdt")) {
            object.load();
            BpfProgram program = object.program("on_tick");
            GlobalData bss = object.globalData(".bss");
            try (BpfLink link = program.attachUsdt(-1, binaries.program, "bpfj", "tick", 42)) {
                binaries.run(CALLS);
            }
            assertEquals(CALLS, bss.getLong(0), "hits");
            assertEquals(CALLS * (CALLS + 1) / 2, bss.getLong(8), "sum of the probe's first argument");
            assertEquals(42, bss.getLong(16), "cookie");

            BpfException missing = assertThrows(BpfException.class,
                    () -> program.attachUsdt(-1, binaries.program, "bpfj", "no_such_probe"));
            assertTrue(missing.getMessage().startsWith("attach program on_tick (usdt) to USDT bpfj:no_such_probe in "),
                    missing.getMessage());
        }
    }

    @Test
    void uprobeMultiSaysWhichLibbpfItNeeds() {
        try (BpfObject object = Fixtures.open("uprobe")) {
            object.load();
            BpfProgram program = object.program("count_calls");
            if (LibbpfAttach.has("bpf_program__attach_uprobe_multi")) {
                // libbpf 1.2+: the call is real; on this kernel it attaches or fails with a named error.
                try (BpfLink link = program.attachUprobeMulti(false, -1, binaries.program, "bpfj_exe_*")) {
                    assertTrue(link.fd() >= 0);
                } catch (BpfException refused) {
                    assertTrue(refused.getMessage().startsWith("attach program count_calls (uprobe) to uprobe.multi "),
                            refused.getMessage());
                }
                return;
            }
            BpfException old = assertThrows(BpfException.class,
                    () -> program.attachUprobeMulti(false, -1, binaries.program, "bpfj_exe_*"));
            assertTrue(old.getMessage().contains("needs libbpf >= 1.2"), old.getMessage());
            assertTrue(old.getMessage().contains("count_calls"), old.getMessage());
        }
    }
}
