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

    @Test
    void structOpsLinkMapsNeedLibbpf12() {
        try (BpfObject object = Fixtures.open("struct_ops_link")) {
            boolean linkSections = !BpfSystem.libbpfVersion().matches("1\\.[01]");
            if (!linkSections) {
                // libbpf 1.1 ignores SEC(".struct_ops.link"): its programs load without their map, and the error says why.
                assertTrue(object.maps().stream().noneMatch(map -> map.type() == MapType.STRUCT_OPS));
                BpfException old = assertThrows(BpfException.class, object::load);
                assertTrue(old.getMessage().contains("maps in SEC(\".struct_ops.link\") need libbpf >= 1.2"), old.getMessage());
                return;
            }
            // libbpf 1.2+: the map exists; registering it works or fails as .struct_ops does here.
            assertEquals(MapType.STRUCT_OPS, object.map("bpfj_cc").type());
            try {
                object.load();
            } catch (BpfException refused) {
                assertTrue(refused.getMessage().contains("is a struct_ops program and this kernel refused it"), refused.getMessage());
                return;
            }
            object.map("bpfj_cc").attachStructOps().close();
        }
    }
}
