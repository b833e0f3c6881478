package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.runtime.internal.libbpf.Native;
import dev.bpfj.test.KernelTest;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Damaged objects are refused with a message, never handed to libbpf 1.1, which reads outside its
 * tables on a damaged .BTF section and kills the JVM (the random part of this test crashed the
 * test JVM before {@link ObjectCheck} existed).
 */
@KernelTest(needs = KernelTest.Facility.CLANG)
class DamagedObjectTest {

    private static final int BTF_HEADER_SIZE = 24;
    private static final int KIND_FUNC = 12;
    private static final int KIND_STRUCT = 4;

    @Test
    void everyFixtureIsIntact() throws IOException {
        List<String> names;
        try (Stream<Path> sources = Files.list(Path.of("src/test/bpf"))) {
            names = sources.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bpf.c"))
                    .map(n -> n.substring(0, n.length() - ".bpf.c".length())).sorted().toList();
        }
        assertTrue(names.size() > 20, names.toString());
        for (String name : names) {
            assertNull(ObjectCheck.problem(Fixtures.bytes(name)), name);
        }
    }

    @Test
    void aFunctionWhoseTypeIsOutOfRangeIsRefusedByName() {
        byte[] elf = Fixtures.bytes("events");
        Btf btf = Btf.of(elf);
        int func = btf.firstOfKind(KIND_FUNC);
        btf.putInt(btf.typeStart(func) + 8, 0x7fff_0000);
        BpfException e = assertThrows(BpfException.class, () -> BpfObject.open(elf));
        assertTrue(e.getMessage().contains("the object is damaged: BTF type [" + func + "]"), e.getMessage());
        assertTrue(e.getMessage().contains("refers to type [2147418112], but there are only"), e.getMessage());
        assertTrue(e.getMessage().contains("rebuild it"), e.getMessage());
    }

    @Test
    void aMemberNamePastTheStringsIsRefused() {
        byte[] elf = Fixtures.bytes("events");
        Btf btf = Btf.of(elf);
        int struct = btf.firstOfKind(KIND_STRUCT);
        btf.putInt(btf.typeStart(struct) + 12, Integer.MAX_VALUE);
        BpfException e = assertThrows(BpfException.class, () -> BpfObject.open(elf));
        assertTrue(e.getMessage().contains("BTF type [" + struct + "]'s member 0's name is at offset 2147483647"),
                e.getMessage());
    }

    @Test
    void aSectionTablePastTheEndIsRefusedFromAFileToo() throws IOException {
        byte[] elf = Fixtures.bytes("events");
        ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).putLong(0x28, elf.length + 4096L);
        Path file = Files.createTempFile("damaged", ".bpf.o");
        try {
            Files.write(file, elf);
            BpfException e = assertThrows(BpfException.class, () -> BpfObject.open(file));
            assertTrue(e.getMessage().startsWith("open object " + file), e.getMessage());
            assertTrue(e.getMessage().contains("section header table"), e.getMessage());
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void anIntegerWiderThanItsBytesIsRefused() {
        byte[] elf = Fixtures.bytes("events");
        Btf btf = Btf.of(elf);
        int integer = btf.firstOfKind(1);
        // libbpf 1.1 sized an extern of such a type as -1073741820 bytes and returned that as an object
        btf.putInt(btf.typeStart(integer) + 8, 0xc000_0004);
        BpfException e = assertThrows(BpfException.class, () -> BpfObject.open(elf));
        assertTrue(e.getMessage().contains("BTF type [" + integer + "] is a 3221225476-byte integer"), e.getMessage());
    }

    @Test
    void anErrorEncodedInAPointerIsAFailureWithItsErrno() {
        MemorySegment capture = Native.captureSegment(Arena.global());
        assertTrue(Native.isErrorPointer(MemorySegment.NULL));
        assertTrue(Native.isErrorPointer(MemorySegment.ofAddress(-22)));
        assertEquals(22, Native.pointerErrno(MemorySegment.ofAddress(-22), capture));
        assertTrue(Native.isErrorPointer(MemorySegment.ofAddress(0xffff_ffff_c000_0004L)));
        assertEquals(22, Native.pointerErrno(MemorySegment.ofAddress(0xffff_ffff_c000_0004L), capture));
        assertTrue(!Native.isErrorPointer(MemorySegment.ofAddress(0x7f00_0000_1000L)));
    }

    /** Random damage, most of it to .BTF where libbpf 1.1 crashed: every outcome is an object or a BpfException. */
    @Test
    void randomDamageNeverCrashesTheJvm() {
        byte[] original = Fixtures.bytes("events");
        Btf btf = Btf.of(original);
        Random random = new Random(20261202);
        int refused = 0;
        int opened = 0;
        for (int i = 0; i < 4000; i++) {
            byte[] elf = original.clone();
            int changes = 1 + random.nextInt(4);
            for (int c = 0; c < changes; c++) {
                int at = i % 4 == 3 ? random.nextInt(elf.length) : btf.start + random.nextInt(btf.length);
                elf[at] = (byte) random.nextInt(256);
            }
            try (BpfObject object = BpfObject.open(elf)) {
                opened++;
            } catch (BpfException e) {
                refused++;
            }
        }
        assertEquals(4000, opened + refused);
        assertTrue(refused > 0 && opened > 0, "opened " + opened + ", refused " + refused);
    }

    /** The .BTF section of an image, for damaging it on purpose. */
    private record Btf(byte[] elf, int start, int length, ByteOrder order) {

        static Btf of(byte[] elf) {
            ByteBuffer section = ElfSections.find(elf, ".BTF");
            return new Btf(elf, section.arrayOffset(), section.limit(), section.order());
        }

        int getInt(int offset) {
            return ByteBuffer.wrap(elf).order(order).getInt(start + offset);
        }

        void putInt(int offset, int value) {
            ByteBuffer.wrap(elf).order(order).putInt(start + offset, value);
        }

        /** The offset (in the section) of type {@code id}'s record. */
        int typeStart(int id) {
            int position = BTF_HEADER_SIZE + getInt(8);
            for (int current = 1; current < id; current++) {
                position += 12 + extra(getInt(position + 4));
            }
            return position;
        }

        int firstOfKind(int kind) {
            int end = BTF_HEADER_SIZE + getInt(8) + getInt(12);
            int position = BTF_HEADER_SIZE + getInt(8);
            for (int id = 1; position < end; id++) {
                int info = getInt(position + 4);
                if ((info >>> 24 & 0x1f) == kind) {
                    return id;
                }
                position += 12 + extra(info);
            }
            throw new IllegalStateException("no BTF type of kind " + kind);
        }

        private static int extra(int info) {
            int vlen = info & 0xffff;
            return switch (info >>> 24 & 0x1f) {
                case 1, 14, 17 -> 4;
                case 3 -> 12;
                case 4, 5, 15, 19 -> 12 * vlen;
                case 6, 13 -> 8 * vlen;
                default -> 0;
            };
        }
    }
}
