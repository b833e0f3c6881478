package dev.bpfj.toolchain.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The flat view's own accessors: names without decoding, and normalised members. */
class BtfTableTest {

    @Test
    void comparesAndHashesNamesByTheirBytes() throws Exception {
        BtfBuilder b = new BtfBuilder(ByteOrder.BIG_ENDIAN);
        // The same name stored twice, at different offsets, as unmerged BTF may have it.
        int first = b.type("task", 7, false, 0, 0);
        int second = b.type("task", 7, false, 0, 0);
        int other = b.type("__builtin_va_list", 7, false, 0, 0);
        BtfTable table = BtfTable.parse("names.btf", b.build());
        int a = table.nameOffset(first);
        int c = table.nameOffset(second);
        assertTrue(a != c);
        assertTrue(table.stringEquals(a, c));
        assertEquals(table.stringHash(a), table.stringHash(c));
        assertEquals(table.stringHash(a), BtfTable.hash("task".getBytes(StandardCharsets.UTF_8)));
        assertTrue(table.stringEquals(a, "task".getBytes(StandardCharsets.UTF_8)));
        assertFalse(table.stringEquals(a, "tas".getBytes(StandardCharsets.UTF_8)));
        assertFalse(table.stringEquals(a, "tasks".getBytes(StandardCharsets.UTF_8)));
        assertFalse(table.stringEquals(a, table.nameOffset(other)));
        assertTrue(table.stringStartsWith(table.nameOffset(other), "__builtin_"));
        assertFalse(table.stringStartsWith(a, "tasks"));
        assertEquals(4, table.stringLength(a));
        byte[] copy = new byte[6];
        table.copyString(a, 4, copy, 1);
        assertEquals("\0task\0", new String(copy, StandardCharsets.UTF_8));
        assertEquals("task", table.stringAt(c));
        // Offset 0 is the empty name.
        assertTrue(table.isEmptyString(0));
        assertEquals(0, table.stringLength(0));
        assertTrue(table.stringEquals(0, new byte[0]));
        assertEquals(ByteOrder.BIG_ENDIAN, table.byteOrder());
    }

    @Test
    void aNameOffsetOfAnEmptyStringIsNoName() throws Exception {
        BtfBuilder b = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        int empty = b.string("");
        int fwd = b.type("", 7, false, 0, 0);
        byte[] blob = b.build();
        // Point the forward declaration's name at the empty string that is not at offset 0.
        java.nio.ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).putInt(24, empty);
        BtfTable table = BtfTable.parse("empty.btf", blob);
        assertTrue(empty != 0);
        assertFalse(table.isNamed(fwd));
        assertEquals("", table.name(fwd));
    }

    @Test
    void legacyBitfieldsReadAsKindFlagOnes() throws Exception {
        BtfBuilder b = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        int u32 = b.intType("unsigned int", 4, 0, 0, 32);
        int threeBits = b.intType("unsigned int", 4, 0, 2, 3);
        int struct = b.type("old_style", 4, false, 2, 8);
        b.u32(b.string("flag")).u32(threeBits).u32(0);
        b.u32(b.string("rest")).u32(u32).u32(32);
        int modern = b.type("new_style", 4, true, 1, 4);
        b.u32(b.string("bits")).u32(u32).u32(5L << 24 | 7);
        BtfTable table = BtfTable.parse("bits.btf", b.build());
        assertEquals(2, table.memberBitOffset(struct, 0));
        assertEquals(3, table.memberBitfieldSize(struct, 0));
        assertEquals(32, table.memberBitOffset(struct, 1));
        assertEquals(0, table.memberBitfieldSize(struct, 1));
        assertEquals("flag", table.memberName(struct, 0));
        assertEquals(7, table.memberBitOffset(modern, 0));
        assertEquals(5, table.memberBitfieldSize(modern, 0));
        assertEquals(8, table.sizeOf(struct));
        assertEquals(4, table.alignOf(struct));
        assertEquals(BtfKind.STRUCT, table.kind(struct));
        assertEquals("struct old_style", table.describe(struct));
    }
}
