package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
class BpfObjectTest {

    private static final int OPENS = 25;

    @TempDir
    Path dir;

    @Test
    void tracepointCountsOpenatPerProcess() throws IOException {
        try (BpfObject object = BpfObject.open(Fixtures.bytes("counter"), OpenOptions.defaults().withObjectName("counter"))) {
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            object.load();
            List<BpfLink> links = object.attachAll();
            assertEquals(1, links.size());

            BpfMap counts = object.map("counts");
            long before = counts.lookupLong(Fixtures.tgid(), 0);
            openFiles(OPENS);
            long after = counts.lookupLong(Fixtures.tgid(), 0);
            // Other JVM threads may open files too, so at least our opens are counted.
            assertTrue(after - before >= OPENS, "counted " + (after - before) + " opens, made " + OPENS);
            // The .rodata filter admitted only this process.
            List<Integer> keys = counts.typed(Codec.INT32, Codec.INT64).keys();
            assertEquals(List.of(Fixtures.tgid()), keys);
            assertTrue(object.map("percpu_opens").lookupLongSum(0, 0) >= OPENS);
        }
    }

    @Test
    void rodataFilterSetBeforeLoadIsHonoured() throws IOException {
        try (BpfObject object = Fixtures.open("counter")) {
            GlobalData rodata = object.globalData(".rodata");
            assertTrue(rodata.writable());
            rodata.setInt(0, 0x3ffffff0); // above pid_max: no process matches
            object.load();
            assertEquals(0x3ffffff0, rodata.getInt(0));
            object.attachAll();
            openFiles(OPENS);
            assertEquals(0, object.map("counts").count());
            assertEquals(0, object.globalData(".bss").getLong(0));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> rodata.setInt(0, 1));
            assertEquals("cannot write .rodata of counter after load: the kernel froze it; set read-only globals "
                    + "between open() and load()", e.getMessage());
            assertFalse(rodata.writable());
        }
    }

    @Test
    void bssCounterIsReadLive() throws IOException {
        try (BpfObject object = Fixtures.open("counter")) {
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            GlobalData bss = object.globalData(".bss");
            GlobalData data = object.globalData(".data");
            assertEquals(0x5eed, data.getInt(0));
            object.load();
            object.attachAll();
            long before = bss.getLong(0);
            openFiles(OPENS);
            long after = bss.getLong(0);
            assertTrue(after - before >= OPENS, "bss moved by " + (after - before));
            // Both sides see the same memory: the program's count equals the map's.
            object.detachAll();
            assertEquals(bss.getLong(0), object.map("counts").lookupLong(Fixtures.tgid(), 0));
            // .data stays writable after load and the write reaches the map.
            data.setInt(0, 77);
            assertEquals(77, data.map().typed(Codec.INT32, Codec.bytes(data.map().valueSize())).get(0)
                    .map(b -> b[0] & 0xff).orElseThrow());
        }
    }

    @Test
    void programAndMapDescriptionsAndKernelInfo() {
        try (BpfObject object = Fixtures.open("counter")) {
            assertEquals("counter", object.name());
            assertEquals(BpfObject.Phase.OPENED, object.phase());
            BpfProgram program = object.program("count_openat");
            assertEquals("tp/syscalls/sys_enter_openat", program.sectionName());
            assertEquals(ProgramType.TRACEPOINT, program.type());
            assertTrue(program.autoload());
            BpfMap counts = object.map("counts");
            assertEquals(MapType.HASH, counts.type());
            assertEquals(4, counts.keySize());
            assertEquals(8, counts.valueSize());
            assertEquals(1024, counts.maxEntries());
            assertEquals(List.of(".rodata", ".data", ".bss"), sorted(object.globalSections()));

            object.load();
            assertEquals(BpfObject.Phase.LOADED, object.phase());
            ProgramInfo info = program.info();
            assertTrue(info.id() > 0);
            assertEquals("count_openat", info.name());
            assertEquals(ProgramType.TRACEPOINT, info.type());
            assertEquals(16, info.tag().length());
            assertTrue(info.xlatedSize() > 0);
            assertTrue(info.gplCompatible());
            assertEquals(0, info.uid());
            assertTrue(info.btfId() > 0);
            assertTrue(Math.abs(info.loadTime().getEpochSecond() - java.time.Instant.now().getEpochSecond()) < 600,
                    "load time " + info.loadTime());
            assertTrue(info.mapIds().size() >= 2, "map ids " + info.mapIds());
            ProgramInfo listed = BpfSystem.programs().stream().filter(p -> p.id() == info.id()).findFirst().orElseThrow();
            assertEquals(info.tag(), listed.tag());
            List<String> mapNames = new ArrayList<>();
            for (int id : info.mapIds()) {
                BpfSystem.map(id).ifPresent(m -> mapNames.add(m.name()));
            }
            assertTrue(mapNames.contains("counts"), "maps " + mapNames);
        }
    }

    @Test
    void wrongNamesAndPhasesAreClearErrors() {
        BpfObject object = Fixtures.open("counter");
        try (object) {
            IllegalArgumentException map = assertThrows(IllegalArgumentException.class, () -> object.map("cuonts"));
            assertTrue(map.getMessage().startsWith("object counter has no map named 'cuonts'; its maps are counts, "
                    + "percpu_opens"), map.getMessage());
            IllegalArgumentException program = assertThrows(IllegalArgumentException.class, () -> object.program("nope"));
            assertEquals("object counter has no program named 'nope'; its programs are count_openat", program.getMessage());
            assertThrows(IllegalArgumentException.class, () -> object.globalData(".rodata.missing"));

            IllegalStateException notLoaded = assertThrows(IllegalStateException.class,
                    () -> object.map("counts").lookupLong(1, 0));
            assertEquals("cannot use map counts of object counter: the object is not loaded yet (call load() first)",
                    notLoaded.getMessage());
            IllegalStateException attach = assertThrows(IllegalStateException.class,
                    () -> object.program("count_openat").attach());
            assertTrue(attach.getMessage().contains("not loaded yet"), attach.getMessage());

            object.load();
            IllegalStateException autoload = assertThrows(IllegalStateException.class,
                    () -> object.program("count_openat").autoload(false));
            assertEquals("cannot set autoload of program count_openat: the object is already loaded "
                    + "(do this between open and load)", autoload.getMessage());
            assertThrows(IllegalStateException.class, object::load);
        }
        object.close();
        assertEquals(BpfObject.Phase.CLOSED, object.phase());
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> object.map("counts").fd());
        assertTrue(closed.getMessage().endsWith("the object is closed"), closed.getMessage());
        assertThrows(IllegalStateException.class, () -> object.globalData(".bss").getLong(0));
    }

    @Test
    void explicitTracepointAttachAndAutoloadOff() throws IOException {
        try (BpfObject object = Fixtures.open("counter")) {
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            object.load();
            BpfLink link = object.program("count_openat").attachTracepoint("syscalls", "sys_enter_openat");
            assertTrue(link.fd() >= 0);
            openFiles(3);
            assertTrue(object.map("counts").lookupLong(Fixtures.tgid(), 0) >= 3);
            link.close();
            link.close();
            assertTrue(link.isClosed());
            long frozen = object.map("counts").lookupLong(Fixtures.tgid(), 0);
            openFiles(3);
            // Detached: this process's count no longer moves.
            assertEquals(frozen, object.map("counts").lookupLong(Fixtures.tgid(), 0));

            BpfException missing = assertThrows(BpfException.class,
                    () -> object.program("count_openat").attachTracepoint("syscalls", "sys_enter_no_such_call"));
            assertEquals("ENOENT", missing.errnoName());
            assertTrue(missing.getMessage().startsWith("attach program count_openat (tp/syscalls/sys_enter_openat): "),
                    missing.getMessage());
        }
        try (BpfObject object = Fixtures.open("counter")) {
            object.program("count_openat").autoload(false);
            object.load();
            assertEquals(List.of(), object.attachAll());
            assertThrows(IllegalStateException.class, () -> object.program("count_openat").fd());
        }
    }

    @Test
    void verifierRejectionCarriesTheLog() {
        try (BpfObject object = Fixtures.open("rejected")) {
            VerifierException e = assertThrows(VerifierException.class, object::load);
            assertEquals("unchecked_lookup", e.program());
            assertTrue(e.log().contains("invalid mem access"), e.log());
            assertTrue(e.getMessage().startsWith("load program unchecked_lookup of object rejected: "), e.getMessage());
            assertTrue(e.getMessage().contains("invalid mem access"), e.getMessage());
            assertNotNull(e.errnoName());
            IllegalStateException again = assertThrows(IllegalStateException.class, object::load);
            assertTrue(again.getMessage().contains("previous load failed"), again.getMessage());
        }
    }

    @Test
    void notAnObjectIsAClearError() {
        BpfException e = assertThrows(BpfException.class,
                () -> BpfObject.open("not an ELF file".getBytes(), OpenOptions.defaults().withObjectName("garbage")));
        assertTrue(e.getMessage().startsWith("open object garbage: "), e.getMessage());
        BpfException file = assertThrows(BpfException.class, () -> BpfObject.open(dir.resolve("missing.bpf.o")));
        assertEquals("ENOENT", file.errnoName());
    }

    private void openFiles(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Path file = dir.resolve("f" + i);
            Files.writeString(file, "x");
            Fixtures.openat(file.toString());
        }
    }

    private static List<String> sorted(List<String> names) {
        List<String> copy = new ArrayList<>(names);
        copy.sort((a, b) -> Integer.compare(order(a), order(b)));
        return copy;
    }

    private static int order(String section) {
        return switch (section) {
            case ".rodata" -> 0;
            case ".data" -> 1;
            default -> 2;
        };
    }
}
