package dev.bpfj.examples.opensnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.runtime.BpfSystem;
import dev.bpfj.runtime.MapInfo;
import dev.bpfj.runtime.MapType;
import dev.bpfj.test.KernelTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Checks, in this JVM, that the options reach the BPF object through the generated skeleton:
 * the {@code .rodata} filters, the ring size (also as the kernel created it), and which programs
 * load.
 */
@KernelTest(needs = KernelTest.Facility.TRACEFS)
class OpensnoopProbeIT {

    private static Options options(boolean perfBuffer, long ringSize) {
        return new Options(42, 7, Optional.of(1000), true, Optional.empty(), Optional.empty(),
                false, false, false, false, false, perfBuffer, ringSize, 0);
    }

    @Test
    void optionsSetTheFiltersTheRingSizeAndTheProgramsToLoad() {
        try (OpensnoopBpf skeleton = OpensnoopBpf.open()) {
            int defaultRing = skeleton.maps().events().maxEntries();
            OpensnoopProbe.configure(skeleton, options(false, 64 * 1024), name -> !name.endsWith("_openat2"));
            OpensnoopBpf.Rodata rodata = skeleton.rodata();
            assertEquals(42, rodata.targPid());
            assertEquals(7, rodata.targTid());
            assertEquals(1000, rodata.targUid());
            assertTrue(rodata.targFailed());
            assertFalse(rodata.usePerfBuffer());
            assertEquals(4 * 1024 * 1024, defaultRing, "the ring size compiled into opensnoop.bpf.c");
            assertEquals(64 * 1024, skeleton.maps().events().maxEntries());
            assertTrue(skeleton.progs().sysEnterOpenat().autoload());
            assertTrue(skeleton.progs().sysExitOpenat().autoload());
            assertFalse(skeleton.progs().sysEnterOpenat2().autoload());
            assertFalse(skeleton.progs().sysExitOpenat2().autoload());
        }
    }

    @Test
    void anyUserIsTheInvalidUidAndThePerfBufferShrinksTheRingToAPage() throws Exception {
        try (OpensnoopBpf skeleton = OpensnoopBpf.open()) {
            OpensnoopProbe.configure(skeleton, Options.defaults(), name -> true);
            assertEquals(-1, skeleton.rodata().targUid(), "(u32)-1 means any user in opensnoop.bpf.c");
            assertEquals(4 * 1024 * 1024, skeleton.maps().events().maxEntries(), "no --ring-size keeps the default");
        }
        try (OpensnoopBpf skeleton = OpensnoopBpf.open()) {
            OpensnoopProbe.configure(skeleton, options(true, 0), name -> true);
            assertTrue(skeleton.rodata().usePerfBuffer());
            assertEquals(Math.max(OpensnoopProbe.UNUSED_RING_SIZE, pageSize()), skeleton.maps().events().maxEntries());
        }
    }

    @Test
    void theKernelsRingHasTheRequestedSize() {
        try (OpensnoopProbe probe = OpensnoopProbe.start(options(false, 128 * 1024), event -> { })) {
            assertEquals(128 * 1024, probe.ringSize());
            List<Integer> mapIds = probe.skeleton().progs().sysExitOpenat().info().mapIds();
            List<MapInfo> rings = mapIds.stream().map(BpfSystem::map).flatMap(Optional::stream)
                    .filter(info -> info.type() == MapType.RINGBUF).toList();
            assertEquals(1, rings.size(), "ring buffers used by sys_exit_openat: " + rings);
            assertEquals(128 * 1024, rings.get(0).maxEntries());
        }
    }

    private static int pageSize() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "PAGESIZE").redirectErrorStream(true).start();
        String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals(0, getconf.waitFor(), out);
        return Integer.parseInt(out);
    }
}
