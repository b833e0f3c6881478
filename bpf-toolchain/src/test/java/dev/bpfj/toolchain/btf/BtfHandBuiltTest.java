package dev.bpfj.toolchain.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.BpfFormatException;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Kinds clang 14 does not emit, and malformed BTF no compiler writes, assembled byte by byte. */
class BtfHandBuiltTest {

    enum Order {
        LITTLE(ByteOrder.LITTLE_ENDIAN), BIG(ByteOrder.BIG_ENDIAN);

        final ByteOrder order;

        Order(ByteOrder order) {
            this.order = order;
        }
    }

    @ParameterizedTest
    @EnumSource(Order.class)
    void enum64SignedAndUnsigned(Order order) throws Exception {
        BtfBuilder b = new BtfBuilder(order.order);
        int unsigned = b.type("big_flags", 19, false, 2, 8);
        b.u32(b.string("FLAG_HIGH")).u32(0x9abcdef0L).u32(0x12345678L);
        b.u32(b.string("FLAG_MAX")).u32(0xffffffffL).u32(0xffffffffL);
        int signed = b.type("offsets", 19, true, 1, 8);
        b.u32(b.string("MINUS_ONE")).u32(0xffffffffL).u32(0xffffffffL);
        Btf btf = Btf.parse("enum64.btf", b.build());
        BtfEnum flags = assertInstanceOf(BtfEnum.class, btf.type(unsigned));
        assertTrue(flags.is64());
        assertEquals(BtfKind.ENUM64, flags.kind());
        assertEquals(List.of(new BtfEnumValue("FLAG_HIGH", 0x123456789abcdef0L), new BtfEnumValue("FLAG_MAX", -1L)),
                flags.values());
        BtfEnum minus = assertInstanceOf(BtfEnum.class, btf.type(signed));
        assertTrue(minus.signed());
        assertEquals(-1L, minus.values().get(0).value());
        assertEquals(8, btf.sizeOf(signed));
        assertEquals(8, btf.alignOf(signed));
        assertEquals(order.order, btf.byteOrder());
    }

    @Test
    void signedEnum32IsSignExtended() throws Exception {
        BtfBuilder b = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        int id = b.type("e", 6, true, 1, 4);
        b.u32(b.string("NEG")).u32(-5);
        BtfEnum e = (BtfEnum) Btf.parse("e.btf", b.build()).type(id);
        assertEquals(-5, e.values().get(0).value());
        assertEquals(BtfKind.ENUM, e.kind());
    }

    @Test
    void typeTagsAndRestrictResolveToTheirTarget() throws Exception {
        BtfBuilder b = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        int intId = b.intType("int", 4, 1, 0, 32);
        int tag = b.type("user", 18, false, 0, intId);
        int ptr = b.type("", 2, false, 0, tag);
        int restrict = b.type("", 11, false, 0, ptr);
        Btf btf = Btf.parse("tags.btf", b.build());
        BtfTypeTag typeTag = assertInstanceOf(BtfTypeTag.class, btf.type(tag));
        assertEquals("user", typeTag.name());
        assertEquals(intId, btf.resolve(tag).id());
        assertEquals(ptr, btf.resolve(restrict).id());
        assertEquals(8, btf.sizeOf(restrict));
        assertEquals(4, btf.sizeOf(tag));
        assertEquals("int __tag(user) * restrict", btf.describe(restrict));
    }

    @Test
    void bitfieldsWithoutKindFlagAreNormalised() throws Exception {
        BtfBuilder b = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        int u32 = b.intType("unsigned int", 4, 0, 0, 32);
        int threeBits = b.intType("unsigned int", 4, 0, 0, 3);
        int struct = b.type("old_style", 4, false, 2, 4);
        b.u32(b.string("flag")).u32(threeBits).u32(0);
        b.u32(b.string("rest")).u32(u32).u32(0);
        BtfStruct s = (BtfStruct) Btf.parse("old.btf", b.build()).type(struct);
        assertEquals(new BtfMember("flag", threeBits, 0, 3), s.members().get(0));
        assertEquals(new BtfMember("rest", u32, 0, 0), s.members().get(1));
    }

    @Test
    void funcProtoVariadicAndFuncLinkage() throws Exception {
        BtfBuilder b = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        int intId = b.intType("int", 4, 1, 0, 32);
        int proto = b.type("", 13, false, 2, intId);
        b.u32(b.string("fmt")).u32(intId);
        b.u32(0).u32(0);
        int func = b.type("printk_like", 12, false, 2, proto);
        Btf btf = Btf.parse("f.btf", b.build());
        assertTrue(((BtfFuncProto) btf.type(proto)).isVariadic());
        assertEquals(BtfLinkage.EXTERN, ((BtfFunc) btf.type(func)).linkage());
        assertTrue(!btf.hasSize(func));
    }

    private static BpfFormatException malformed(byte[] bytes) {
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> Btf.parse("bad.btf", bytes));
        assertTrue(e.getMessage().startsWith("malformed BPF object bad.btf"), e.getMessage());
        assertTrue(e.byteOffset() >= 0 && e.byteOffset() <= bytes.length, e.getMessage());
        return e;
    }

    @Test
    void loopsAreRejected() {
        BtfBuilder typedefLoop = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        typedefLoop.type("a", 8, false, 0, 2);
        typedefLoop.type("b", 8, false, 0, 1);
        assertTrue(malformed(typedefLoop.build()).problem().contains("loop"));

        BtfBuilder pointerLoop = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        pointerLoop.type("", 2, false, 0, 2);
        pointerLoop.type("t", 8, false, 0, 1);
        assertTrue(malformed(pointerLoop.build()).problem().contains("loop"));

        BtfBuilder selfContaining = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        selfContaining.type("s", 4, false, 1, 8);
        selfContaining.u32(selfContaining.string("me")).u32(1).u32(0);
        assertTrue(malformed(selfContaining.build()).problem().contains("contains itself"));

        BtfBuilder arrayLoop = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        arrayLoop.type("", 3, false, 0, 0);
        arrayLoop.u32(1).u32(1).u32(4);
        assertTrue(malformed(arrayLoop.build()).problem().contains("loop"));
    }

    @Test
    void selfReferenceThroughAPointerIsFine() throws Exception {
        BtfBuilder b = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        int node = b.type("node", 4, false, 1, 8);
        b.u32(b.string("next")).u32(2).u32(0);
        b.type("", 2, false, 0, node);
        Btf btf = Btf.parse("list.btf", b.build());
        assertEquals(8, btf.sizeOf(node));
        assertEquals(8, btf.alignOf(node));
    }

    @Test
    void danglingReferencesAndBadKindsAreRejected() {
        BtfBuilder dangling = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        dangling.type("", 2, false, 0, 7);
        assertTrue(malformed(dangling.build()).problem().contains("refers to type 7"));

        BtfBuilder unknownKind = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        unknownKind.type("", 25, false, 0, 0);
        assertTrue(malformed(unknownKind.build()).problem().contains("unknown kind 25"));

        BtfBuilder notProto = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        int intId = notProto.intType("int", 4, 1, 0, 32);
        notProto.type("f", 12, false, 0, intId);
        assertTrue(malformed(notProto.build()).problem().contains("not a function prototype"));

        BtfBuilder hugeArray = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        int big = hugeArray.intType("long", 8, 1, 0, 64);
        int a1 = hugeArray.type("", 3, false, 0, 0);
        hugeArray.u32(big).u32(big).u32(0xffffffffL);
        int a2 = hugeArray.type("", 3, false, 0, 0);
        hugeArray.u32(a1).u32(big).u32(0xffffffffL);
        hugeArray.type("", 3, false, 0, 0);
        hugeArray.u32(a2).u32(big).u32(0xffffffffL);
        assertTrue(malformed(hugeArray.build()).problem().contains("too large"));
    }

    @Test
    void forgedCountsAndOffsetsAreRejectedWithoutAllocating() {
        BtfBuilder absurd = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        absurd.type("s", 4, false, 0xffff, 8);
        assertTrue(malformed(absurd.build()).problem().contains("65535 entries"));

        byte[] good = new BtfBuilder(ByteOrder.LITTLE_ENDIAN).build();
        byte[] badMagic = good.clone();
        badMagic[0] = 0x12;
        assertTrue(malformed(badMagic).problem().contains("magic"));

        BtfBuilder stringOut = new BtfBuilder(ByteOrder.LITTLE_ENDIAN);
        stringOut.u32(9999).u32(2 << 24).u32(0);
        assertTrue(malformed(stringOut.build()).problem().contains("outside the BTF string section"));

        byte[] typesPastEnd = new BtfBuilder(ByteOrder.LITTLE_ENDIAN).build();
        typesPastEnd[12] = (byte) 0xf0;
        typesPastEnd[15] = 0x7f;
        assertTrue(malformed(typesPastEnd).problem().contains("extends past the end"));

        assertTrue(malformed(new byte[] {(byte) 0x9f, (byte) 0xeb, 1}).problem().contains("truncated"));
    }
}
