package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What may be changed between open and load (map sizes), global-data bounds, and the checks made before load. */
@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
class OpenPhaseTest {

    @TempDir
    Path dir;

    @Test
    void ringBufferResizedBeforeLoadIsWhatTheKernelCreates() {
        try (BpfObject object = Fixtures.open("events")) {
            BpfMap ring = object.map("ring");
            assertEquals(256 * 1024, ring.maxEntries());
            // libbpf rounds a ring's size up to a power-of-two multiple of the page size, as the kernel requires.
            ring.maxEntries(5000);
            assertEquals(8192, ring.maxEntries());
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            object.load();
            assertEquals(8192, ring.maxEntries());
            assertEquals(8192, kernelInfo(object, "emit_openat", "ring").maxEntries());

            // The reader maps the ring at its new size and still sees every record.
            object.attachAll();
            List<Integer> seqs = new ArrayList<>();
            RingBuffer reader = RingBuffer.builder().add(ring, record -> seqs.add(record.get(
                    java.lang.foreign.ValueLayout.JAVA_INT, 0))).build();
            for (int i = 0; i < 10; i++) {
                Fixtures.openat("/bpfj-resized-" + i);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (seqs.size() < 10 && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(100));
            }
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seqs);

            IllegalStateException late = assertThrows(IllegalStateException.class, () -> ring.maxEntries(4096));
            assertEquals("cannot set max_entries of map ring of object events: the object is already loaded "
                    + "(do this between open and load)", late.getMessage());
        }
    }

    @Test
    void hashMapShrunkBeforeLoadIsFullAtTheNewSize() {
        try (BpfObject object = Fixtures.open("counter")) {
            BpfMap counts = object.map("counts");
            counts.maxEntries(2);
            object.load();
            assertEquals(2, kernelInfo(object, "count_openat", "counts").maxEntries());
            counts.updateLong(1, 10);
            counts.updateLong(2, 20);
            BpfException full = assertThrows(BpfException.class, () -> counts.updateLong(3, 30));
            assertEquals("E2BIG", full.errnoName());
        }
    }

    @Test
    void sizeSettersRejectBadValuesAndMaps() {
        try (BpfObject object = Fixtures.open("counter"); BpfMap standalone = BpfMap.create(MapType.HASH, "bpfj_fixed", 4, 4, 4)) {
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> object.map("counts").maxEntries(0));
            assertEquals("max_entries of map counts must be positive, got 0", zero.getMessage());
            BpfMap rodata = object.globalData(".rodata").map();
            IllegalArgumentException global = assertThrows(IllegalArgumentException.class, () -> rodata.valueSize(64));
            assertTrue(global.getMessage().startsWith("cannot set value_size of map " + rodata.name() + " of object counter: "),
                    global.getMessage());
            IllegalStateException created = assertThrows(IllegalStateException.class, () -> standalone.maxEntries(8));
            assertTrue(created.getMessage().startsWith("cannot set max_entries of map bpfj_fixed: "), created.getMessage());

            object.map("counts").valueSize(16);
            assertEquals(16, object.map("counts").valueSize());
            object.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> object.map("counts").keySize(8));
            assertTrue(closed.getMessage().endsWith("the object is closed"), closed.getMessage());
        }
    }

    @Test
    void globalDataOffsetsOutsideTheSectionNameIt() {
        try (BpfObject object = Fixtures.open("counter")) {
            GlobalData rodata = object.globalData(".rodata");
            long size = rodata.byteSize();
            IndexOutOfBoundsException before = assertThrows(IndexOutOfBoundsException.class, () -> rodata.setInt(size - 2, 1));
            assertEquals("offset " + (size - 2) + " (4 bytes) is outside .rodata of object counter, which is " + size
                    + " bytes: valid offsets for this access are 0 to " + (size - 4), before.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> rodata.getLong(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> rodata.setBytes(size, new byte[1]));
            assertThrows(IndexOutOfBoundsException.class, () -> rodata.getString(0, (int) size + 1));
            object.load();
            GlobalData bss = object.globalData(".bss");
            IndexOutOfBoundsException after = assertThrows(IndexOutOfBoundsException.class, () -> bss.getLong(bss.byteSize()));
            assertTrue(after.getMessage().contains("outside .bss of object counter"), after.getMessage());
            assertEquals(0, bss.getLong(bss.byteSize() - 8));
        }
    }

    @Test
    void coReObjectIsRecognisedAndLoadsAgainstKernelBtf() throws Exception {
        assertEquals(0, CoReRelocations.needingKernelBtf(Fixtures.bytes("counter")));
        assertTrue(CoReRelocations.needingKernelBtf(Fixtures.bytes("core")) > 0);
        assertEquals(0, CoReRelocations.needingKernelBtf("not an ELF".getBytes()));

        try (BpfObject object = BpfObject.open(Fixtures.bytes("core"), OpenOptions.defaults().withObjectName("core"))) {
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            object.load();
            object.attachAll();
            Fixtures.openat("/bpfj-core");
            // The relocated field offset is right: the program read this process's tgid out of task_struct.
            assertEquals(Fixtures.tgid(), object.globalData(".bss").getInt(0));
        }
    }

    @Test
    void missingBtfIsReportedBeforeLoad() {
        Path missing = dir.resolve("no-such-vmlinux.btf");
        try (BpfObject object = BpfObject.open(Fixtures.object("core"),
                OpenOptions.defaults().withObjectName("core").withBtfCustomPath(missing))) {
            BpfException e = assertThrows(BpfException.class, object::load);
            assertTrue(e.getMessage().startsWith("load object core: "), e.getMessage());
            assertTrue(e.hint().contains(missing.toString()), e.hint());
            assertEquals(BpfObject.Phase.OPENED, object.phase());
        }
        String noKernelBtf = BpfObject.coreProblem(3, false, null);
        assertTrue(noKernelBtf.contains("3 CO-RE relocations") && noKernelBtf.contains("/sys/kernel/btf/vmlinux")
                && noKernelBtf.contains("withBtfCustomPath"), noKernelBtf);
        assertNull(BpfObject.coreProblem(0, false, null));
        assertNull(BpfObject.coreProblem(3, true, null));
    }

    private static MapInfo kernelInfo(BpfObject object, String program, String map) {
        for (int id : object.program(program).info().mapIds()) {
            MapInfo info = BpfSystem.map(id).orElse(null);
            if (info != null && info.name().equals(map)) {
                return info;
            }
        }
        throw new AssertionError("program " + program + " uses no map " + map);
    }
}
