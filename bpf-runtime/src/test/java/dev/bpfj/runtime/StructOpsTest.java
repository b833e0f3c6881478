package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** struct_ops maps: registration where the kernel allows it, a clear error where it refuses. */
@KernelTest(needs = KernelTest.Facility.CLANG)
class StructOpsTest {

    @Test
    void registeringATcpCongestionControlWorksOrSaysWhyNot() throws Exception {
        try (BpfObject object = Fixtures.open("struct_ops")) {
            BpfMap ops = object.map("bpfj_cc");
            assertEquals(MapType.STRUCT_OPS, ops.type());
            IllegalStateException early = assertThrows(IllegalStateException.class, ops::attachStructOps);
            assertTrue(early.getMessage().contains("not loaded yet"), early.getMessage());
            try {
                object.load();
            } catch (BpfException refused) {
                // This kernel refuses struct_ops programs (EPERM even as root): the error names the program and why.
                assertEquals("EPERM", refused.errnoName(), refused.getMessage());
                assertTrue(refused.getMessage().contains("is a struct_ops program and this kernel refused it"), refused.getMessage());
                return;
            }
            try (BpfLink registration = ops.attachStructOps()) {
                String available = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control"));
                assertTrue(available.contains("bpfj_cc"), available);
            }
            String after = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control"));
            assertTrue(!after.contains("bpfj_cc"), "closing the link unregisters: " + after);
        }
    }

    @Test
    void onlyStructOpsMapsRegister() {
        try (BpfObject object = Fixtures.open("counter")) {
            object.load();
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> object.map("counts").attachStructOps());
            assertTrue(wrong.getMessage().startsWith("cannot register map counts: it is a HASH map, not STRUCT_OPS"),
                    wrong.getMessage());
        }
    }
}
