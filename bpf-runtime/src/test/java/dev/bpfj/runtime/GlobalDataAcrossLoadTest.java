package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * Global-data segments taken before load either keep working after load (.data, .bss: they are
 * the live map memory then) or throw (.rodata, .kconfig: frozen); nothing is silently lost.
 */
@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
class GlobalDataAcrossLoadTest {

    private static final int OPENS = 10;

    @Test
    void dataAndBssSegmentsTakenBeforeLoadAreTheLiveMapAfterLoad() {
        try (BpfObject object = Fixtures.open("counter")) {
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            MemorySegment bss = object.globalData(".bss").segment();
            MemorySegment data = object.globalData(".data").segment();
            assertEquals(0x5eed, data.get(ValueLayout.JAVA_INT, 0));
            // Written before load: the program starts from these values.
            bss.set(ValueLayout.JAVA_LONG, 0, 1000);
            data.set(ValueLayout.JAVA_INT, 0, 0x1234);
            object.load();
            assertEquals(1000, object.globalData(".bss").getLong(0));
            assertEquals(0x1234, object.globalData(".data").getInt(0));

            object.attachAll();
            for (int i = 0; i < OPENS; i++) {
                Fixtures.openat("/bpfj-globals-" + i);
            }
            object.detachAll();
            // Reads through the pre-load segment see what the program counted.
            long counted = bss.get(ValueLayout.JAVA_LONG, 0);
            assertTrue(counted >= 1000 + OPENS, "the pre-load .bss segment shows " + counted);
            assertEquals(counted, object.globalData(".bss").getLong(0));

            // Writes through the pre-load segment reach the map the program uses.
            data.set(ValueLayout.JAVA_INT, 0, 77);
            MemorySegment value = MemorySegment.ofArray(new byte[object.globalData(".data").map().valueSize()]);
            assertTrue(object.globalData(".data").map().lookup(MemorySegment.ofArray(new int[] {0}), value));
            assertEquals(77, value.get(ValueLayout.JAVA_INT_UNALIGNED, 0));
        }
    }

    @Test
    void rodataSegmentTakenBeforeLoadRefusesWritesAfterLoad() {
        try (BpfObject object = Fixtures.open("counter")) {
            GlobalData rodata = object.globalData(".rodata");
            MemorySegment before = rodata.segment();
            assertFalse(before.isReadOnly());
            before.set(ValueLayout.JAVA_INT, 0, Fixtures.tgid());
            object.load();
            // The write made before load is what the kernel froze.
            assertEquals(Fixtures.tgid(), rodata.getInt(0));

            IllegalStateException write = assertThrows(IllegalStateException.class,
                    () -> before.set(ValueLayout.JAVA_INT, 0, 1));
            assertTrue(write.getMessage() != null && !write.getMessage().isEmpty());
            assertEquals(Fixtures.tgid(), rodata.getInt(0));

            MemorySegment after = rodata.segment();
            assertTrue(after.isReadOnly());
            assertEquals(Fixtures.tgid(), after.get(ValueLayout.JAVA_INT, 0));
            IllegalStateException set = assertThrows(IllegalStateException.class, () -> rodata.setInt(0, 1));
            assertTrue(set.getMessage().contains("the kernel froze it"), set.getMessage());
        }
    }

    @Test
    void segmentsFailCleanlyOnceTheObjectIsClosed() {
        BpfObject object = Fixtures.open("counter");
        MemorySegment bss = object.globalData(".bss").segment();
        object.load();
        MemorySegment rodata = object.globalData(".rodata").segment();
        object.close();
        // Scopes closed before libbpf unmapped the memory: an exception, not a crash.
        assertThrows(IllegalStateException.class, () -> bss.get(ValueLayout.JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, () -> rodata.get(ValueLayout.JAVA_INT, 0));
    }
}
