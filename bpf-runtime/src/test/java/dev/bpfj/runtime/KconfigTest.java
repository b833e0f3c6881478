package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The {@code .kconfig} section: libbpf lays out and fills the {@code __kconfig} externs, the
 * runtime finds them with {@link GlobalData#offsetOf(String)} and reads the frozen map memory.
 */
@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
class KconfigTest {

    private static final List<String> EXTERNS = List.of("LINUX_KERNEL_VERSION", "CONFIG_HZ", "CONFIG_BPF_SYSCALL",
            "CONFIG_BPFJ_NOT_A_REAL_OPTION");

    @Test
    void kconfigValuesMatchTheRunningKernelOnBothSides() throws IOException {
        try (BpfObject object = Fixtures.open("kconfig")) {
            assertTrue(object.globalSections().contains(".kconfig"), object.globalSections().toString());
            GlobalData kconfig = object.globalData(".kconfig");
            assertFalse(kconfig.writable());
            Set<Long> offsets = new HashSet<>();
            for (String name : EXTERNS) {
                long offset = kconfig.offsetOf(name);
                assertTrue(offset >= 0 && offset < kconfig.byteSize(), name + " at " + offset);
                offsets.add(offset);
            }
            assertEquals(EXTERNS.size(), offsets.size(), "each extern has its own slot");
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> kconfig.offsetOf("CONFIG_NOPE"));
            assertTrue(unknown.getMessage().startsWith("object kconfig has no variable 'CONFIG_NOPE' in .kconfig; "
                    + "its variables there are "), unknown.getMessage());
            for (String name : EXTERNS) {
                assertTrue(unknown.getMessage().contains(name), unknown.getMessage());
            }
            IllegalStateException write = assertThrows(IllegalStateException.class,
                    () -> kconfig.setInt(kconfig.offsetOf("CONFIG_HZ"), 1));
            assertTrue(write.getMessage().startsWith("cannot write .kconfig of kconfig: libbpf fills"), write.getMessage());

            object.globalData(".rodata").setInt(object.globalData(".rodata").offsetOf("targ_tgid"), Fixtures.tgid());
            object.load();

            int version = kconfig.getInt(kconfig.offsetOf("LINUX_KERNEL_VERSION"));
            assertEquals(expectedKernelVersion(), version, Integer.toHexString(version));
            assertEquals(configHz(), kconfig.getInt(kconfig.offsetOf("CONFIG_HZ")));
            assertTrue(kconfig.getBoolean(kconfig.offsetOf("CONFIG_BPF_SYSCALL")), "bpf(2) exists, so BPF_SYSCALL=y");
            assertFalse(kconfig.getBoolean(kconfig.offsetOf("CONFIG_BPFJ_NOT_A_REAL_OPTION")), "missing __weak is 0");
            assertThrows(IllegalStateException.class, () -> kconfig.setInt(0, 1));
            assertTrue(kconfig.segment().isReadOnly());

            object.attachAll();
            GlobalData bss = object.globalData(".bss");
            for (int i = 0; i < 5; i++) {
                Fixtures.openat("/bpfj-kconfig-" + i);
            }
            object.detachAll();
            assertTrue(bss.getInt(bss.offsetOf("runs")) > 0, "the program ran");
            // The BPF side read the same values from the same map.
            assertEquals(version, bss.getInt(bss.offsetOf("seen_version")));
            assertEquals(configHz(), bss.getInt(bss.offsetOf("seen_hz")));
            assertTrue(bss.getBoolean(bss.offsetOf("seen_bpf_syscall")));
            GlobalData data = object.globalData(".data"); // seen_missing starts at 1, so it lives in .data
            assertFalse(data.getBoolean(data.offsetOf("seen_missing")));
        }
    }

    @Test
    void offsetOfOrdinarySectionsAndAfterClose() {
        BpfObject object = Fixtures.open("counter");
        GlobalData data;
        try (object) {
            data = object.globalData(".data");
            assertEquals(0, data.offsetOf("data_marker"));
            assertEquals(0x5eed, data.getInt(data.offsetOf("data_marker")));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> object.globalData(".kconfig"));
            assertTrue(e.getMessage().startsWith("object counter has no global section '.kconfig'"), e.getMessage());
        }
        // Answers found before close stay cached; a section never asked before cannot ask a closed object.
        assertEquals(0, data.offsetOf("data_marker"));
    }

    /** LINUX_KERNEL_VERSION as libbpf computes it: major << 16 | minor << 8 | min(patch, 255). */
    private static int expectedKernelVersion() throws IOException {
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        Matcher m = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?").matcher(release);
        assertTrue(m.lookingAt(), release);
        int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return Integer.parseInt(m.group(1)) << 16 | Integer.parseInt(m.group(2)) << 8 | Math.min(patch, 255);
    }

    /** CONFIG_HZ from the kernel's own config (/proc/config.gz), or 0 when it is not built in. */
    private static int configHz() throws IOException {
        Path config = Path.of("/proc/config.gz");
        assertTrue(Files.isReadable(config), "this test needs /proc/config.gz to know the expected CONFIG_HZ");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(config)), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("CONFIG_HZ=")) {
                    return Integer.parseInt(line.substring("CONFIG_HZ=".length()));
                }
            }
        }
        return 0;
    }
}
