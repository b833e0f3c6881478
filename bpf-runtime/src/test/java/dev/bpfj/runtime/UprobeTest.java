package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

@KernelTest(needs = KernelTest.Facility.CLANG)
class UprobeTest {

    private static final int CALLS = 50;

    @Test
    @SuppressWarnings("restricted")
    void uprobeByFunctionNameCountsCalls() throws Throwable {
        Path libc = libcPath();
        MethodHandle getppid = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("getppid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        try (BpfObject object = Fixtures.open("uprobe")) {
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            object.load();
            // A bare SEC("uprobe") names no target: attachAll skips it, an explicit attach is needed.
            assertEquals(List.of(), object.attachAll());
            BpfLink link = object.program("count_calls").attachUprobe(false, Fixtures.tgid(), libc, "getppid");
            GlobalData bss = object.globalData(".bss");
            long before = bss.getLong(0);
            for (int i = 0; i < CALLS; i++) {
                int parent = (int) getppid.invokeExact();
                assertTrue(parent >= 0);
            }
            assertTrue(bss.getLong(0) - before >= CALLS, "uprobe saw " + (bss.getLong(0) - before) + " calls");
            link.close();
            long after = bss.getLong(0);
            int parent = (int) getppid.invokeExact();
            assertTrue(parent >= 0);
            assertEquals(after, bss.getLong(0));

            BpfException missing = assertThrows(() -> object.program("count_calls")
                    .attachUprobe(false, Fixtures.tgid(), libc, "no_such_function_in_libc"));
            assertTrue(missing.getMessage().startsWith("attach program count_calls (uprobe): "), missing.getMessage());
        }
    }

    private static BpfException assertThrows(org.junit.jupiter.api.function.Executable call) {
        return org.junit.jupiter.api.Assertions.assertThrows(BpfException.class, call);
    }

    private static Path libcPath() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int slash = line.indexOf('/');
            if (slash >= 0 && line.contains("libc.so.6")) {
                return Path.of(line.substring(slash));
            }
        }
        throw new IllegalStateException("libc.so.6 is not mapped into this process");
    }
}
