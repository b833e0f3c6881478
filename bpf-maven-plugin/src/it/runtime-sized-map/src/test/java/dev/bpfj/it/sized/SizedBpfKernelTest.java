package dev.bpfj.it.sized;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.runtime.BpfObject;
import dev.bpfj.test.KernelTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The generated SizedBpf makes the run-time size visible, and the sized map works in the kernel. */
class SizedBpfKernelTest {

    private static final int SELF = (int) ProcessHandle.current().pid();

    @Test
    @KernelTest(needs = KernelTest.Facility.TRACEFS)
    void loadRefusesUntilTheMapIsSizedThenTheSizedMapCounts() throws IOException {
        try (SizedBpf skel = SizedBpf.open()) {
            assertEquals(0, skel.maps().opensByTgid().maxEntries());
            IllegalStateException missing = assertThrows(IllegalStateException.class, skel::load);
            assertTrue(missing.getMessage().contains("map opens_by_tgid (BPF_MAP_TYPE_HASH) has max_entries 0: "
                    + "call maps().opensByTgid().maxEntries(n)"), missing.getMessage());
            // The check ran before libbpf: the object is still open and can be loaded once sized.
            assertEquals(BpfObject.Phase.OPENED, skel.object().phase());

            skel.maps().opensByTgid().maxEntries(64);
            skel.rodata().targTgid(SELF);
            skel.load();
            assertEquals(64, skel.maps().opensByTgid().maxEntries());
            // libbpf 1.x rounds the 1000-byte ring buffer up to a power-of-two multiple of the page size.
            assertEquals(4096, skel.maps().events().maxEntries(), "ring buffer size after libbpf's rounding");

            skel.attach();
            for (int i = 0; i < 5; i++) {
                try (InputStream in = Files.newInputStream(Path.of("/proc/self/stat"))) {
                    in.readAllBytes();
                }
            }
            long count = skel.maps().opensByTgid().get(SELF).orElse(0L);
            assertTrue(count >= 5, "the program counted this process's openat calls in the sized map: " + count);
        }
    }
}
