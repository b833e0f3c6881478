package dev.bpfj.toolchain.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.Fixtures;
import dev.bpfj.toolchain.elf.ElfFile;
import dev.bpfj.toolchain.elf.ElfSection;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The BTF reader against the C declarations in {@code src/test/bpf/btf_zoo.bpf.c}. */
class BtfTest {

    static Btf zoo(Path object) throws Exception {
        ElfFile elf = ElfFile.read(object);
        ElfSection section = elf.section(".BTF").orElseThrow();
        return Btf.parse(object.toString(), section.buffer(), section.name(), section.offset());
    }

    private static BtfStruct struct(Btf btf, String name) {
        return (BtfStruct) btf.typeNamed(name, BtfKind.STRUCT).orElseThrow(() -> new AssertionError("no struct " + name));
    }

    private static BtfType memberType(Btf btf, BtfStruct struct, String member) {
        return btf.type(struct.member(member).orElseThrow(() -> new AssertionError("no member " + member)).typeId());
    }

    @Test
    void everyIntegerWidthSignedAndUnsigned() throws Exception {
        for (Path object : List.of(Fixtures.object("btf_zoo"), Fixtures.bigEndianObject("btf_zoo"))) {
            Btf btf = zoo(object);
            BtfStruct ints = struct(btf, "ints");
            assertEquals(112, ints.size());
            Map<String, String> expected = Map.ofEntries(
                    Map.entry("sc", "signed char 1 signed"), Map.entry("uc", "unsigned char 1 unsigned"),
                    Map.entry("ss", "short 2 signed"), Map.entry("us", "unsigned short 2 unsigned"),
                    Map.entry("si", "int 4 signed"), Map.entry("ui", "unsigned int 4 unsigned"),
                    Map.entry("sl", "long 8 signed"), Map.entry("ul", "unsigned long 8 unsigned"),
                    Map.entry("sll", "long long 8 signed"), Map.entry("ull", "unsigned long long 8 unsigned"),
                    Map.entry("s128", "__int128 16 signed"), Map.entry("u128", "unsigned __int128 16 unsigned"));
            expected.forEach((member, description) -> {
                BtfInt type = assertInstanceOf(BtfInt.class, memberType(btf, ints, member));
                assertEquals(description, type.name() + " " + type.size() + " " + (type.isSigned() ? "signed" : "unsigned"),
                        member);
                assertEquals(type.size() * 8, type.bits());
                assertEquals(0, type.offset());
            });
            BtfInt flag = assertInstanceOf(BtfInt.class, memberType(btf, ints, "flag"));
            assertTrue(flag.isBool());
            assertEquals("_Bool", flag.name());
            BtfArray text = assertInstanceOf(BtfArray.class, memberType(btf, ints, "text"));
            assertEquals(16, text.count());
            BtfInt charType = assertInstanceOf(BtfInt.class, btf.type(text.elemType()));
            assertEquals("char", charType.name());
            assertEquals(16, btf.sizeOf(text.id()));
            assertEquals(1, btf.alignOf(text.id()));
            assertEquals(81, ints.member("text").orElseThrow().byteOffset());
            assertEquals(8, btf.alignOf(memberType(btf, ints, "s128").id()), "alignment is capped at 8 on BPF");
        }
    }

    @Test
    void structsUnionsAnonymousMembersAndArrays() throws Exception {
        Btf btf = zoo(Fixtures.object("btf_zoo"));
        BtfStruct zoo = struct(btf, "zoo");
        assertEquals(160, zoo.size());
        assertEquals(160, btf.sizeOf(zoo.id()));
        assertEquals(8, btf.alignOf(zoo.id()));
        assertEquals(List.of("nested", "num", "", "", "matrix", "name", "cname", "opaque", "next", "fwd", "color",
                "wide", "alias", "qualified", "f32", "f64", "bits"), zoo.members().stream().map(BtfMember::name).toList());
        BtfStruct inner = assertInstanceOf(BtfStruct.class, memberType(btf, zoo, "nested"));
        assertEquals("inner", inner.name());
        assertEquals(64, inner.member("ll").orElseThrow().bitOffset());
        BtfStruct number = assertInstanceOf(BtfStruct.class, memberType(btf, zoo, "num"));
        assertTrue(number.isUnion());
        assertEquals(BtfKind.UNION, number.kind());
        assertEquals(8, number.size());
        assertTrue(number.members().stream().allMatch(m -> m.bitOffset() == 0));
        BtfStruct anonStruct = assertInstanceOf(BtfStruct.class, btf.type(zoo.members().get(2).typeId()));
        assertEquals("", anonStruct.name());
        assertFalse(anonStruct.isUnion());
        assertEquals(List.of("anon_x", "anon_y"), anonStruct.members().stream().map(BtfMember::name).toList());
        BtfStruct anonUnion = assertInstanceOf(BtfStruct.class, btf.type(zoo.members().get(3).typeId()));
        assertTrue(anonUnion.isUnion());
        assertEquals(256, zoo.members().get(3).bitOffset());

        // int matrix[2][3]: an array of 2 arrays of 3 ints.
        BtfArray outer = assertInstanceOf(BtfArray.class, memberType(btf, zoo, "matrix"));
        BtfArray row = assertInstanceOf(BtfArray.class, btf.type(outer.elemType()));
        assertEquals(2, outer.count());
        assertEquals(3, row.count());
        assertEquals("int", btf.type(row.elemType()).name());
        assertEquals(24, btf.sizeOf(outer.id()));
        assertEquals(12, btf.sizeOf(row.id()));
        assertEquals(4, btf.alignOf(outer.id()));
        assertEquals("int[2][3]", btf.describe(outer.id()));

        assertEquals(1, btf.alignOf(struct(btf, "packed").id()), "a packed struct aligns to 1");
        assertEquals(5, btf.sizeOf(struct(btf, "packed").id()));
    }

    @Test
    void pointersForwardsFloatsAndEnums() throws Exception {
        Btf btf = zoo(Fixtures.object("btf_zoo"));
        BtfStruct zoo = struct(btf, "zoo");
        BtfPtr name = assertInstanceOf(BtfPtr.class, memberType(btf, zoo, "name"));
        assertEquals("char", btf.type(name.typeId()).name());
        assertEquals(8, btf.sizeOf(name.id()));
        BtfPtr cname = assertInstanceOf(BtfPtr.class, memberType(btf, zoo, "cname"));
        assertInstanceOf(BtfConst.class, btf.type(cname.typeId()));
        assertEquals("const char *", btf.describe(cname.id()));
        BtfPtr opaque = assertInstanceOf(BtfPtr.class, memberType(btf, zoo, "opaque"));
        assertEquals(0, opaque.typeId());
        assertInstanceOf(BtfVoid.class, btf.type(0));
        BtfPtr next = assertInstanceOf(BtfPtr.class, memberType(btf, zoo, "next"));
        assertEquals(zoo.id(), next.typeId(), "self-referencing pointer");
        BtfPtr fwdPtr = assertInstanceOf(BtfPtr.class, memberType(btf, zoo, "fwd"));
        BtfFwd fwd = assertInstanceOf(BtfFwd.class, btf.type(fwdPtr.typeId()));
        assertEquals("forward_only", fwd.name());
        assertFalse(fwd.isUnion());
        assertFalse(btf.hasSize(fwd.id()));

        BtfFloat f32 = assertInstanceOf(BtfFloat.class, memberType(btf, zoo, "f32"));
        BtfFloat f64 = assertInstanceOf(BtfFloat.class, memberType(btf, zoo, "f64"));
        assertEquals("float 4 double 8", f32.name() + " " + f32.size() + " " + f64.name() + " " + f64.size());

        BtfEnum color = assertInstanceOf(BtfEnum.class, memberType(btf, zoo, "color"));
        assertEquals("color", color.name());
        assertEquals(4, color.size());
        assertFalse(color.is64());
        assertEquals(List.of("RED", "GREEN", "BLUE", "NEGATIVE"), color.values().stream().map(BtfEnumValue::name).toList());
        // clang 14 leaves the signedness flag clear, so -3 is stored as its unsigned 32-bit pattern.
        long negative = color.values().get(3).value();
        assertEquals(-3, color.signed() ? negative : (int) negative);
        assertEquals(7, color.values().get(2).value());
        BtfEnum wide = assertInstanceOf(BtfEnum.class, memberType(btf, zoo, "wide"));
        assertEquals(8, wide.size());
        assertEquals(8, btf.alignOf(wide.id()));
    }

    @Test
    void typedefAndQualifierChainsResolveWithSizeAndAlignment() throws Exception {
        Btf btf = zoo(Fixtures.object("btf_zoo"));
        BtfStruct zoo = struct(btf, "zoo");
        BtfTypedef alias2 = assertInstanceOf(BtfTypedef.class, memberType(btf, zoo, "alias"));
        assertEquals("u32_alias2", alias2.name());
        BtfTypedef alias = assertInstanceOf(BtfTypedef.class, btf.type(alias2.typeId()));
        assertEquals("u32_alias", alias.name());
        assertEquals("unsigned int", btf.resolve(alias2.id()).name());
        // cv_u32 -> const -> volatile -> u32_alias2 -> u32_alias -> unsigned int
        BtfTypedef qualified = assertInstanceOf(BtfTypedef.class, memberType(btf, zoo, "qualified"));
        assertEquals("cv_u32", qualified.name());
        assertInstanceOf(BtfConst.class, btf.type(qualified.typeId()));
        BtfInt resolved = assertInstanceOf(BtfInt.class, btf.resolve(qualified.id()));
        assertEquals("unsigned int", resolved.name());
        assertEquals(4, btf.sizeOf(qualified.id()));
        assertEquals(4, btf.alignOf(qualified.id()));
        assertEquals(List.of(qualified), btf.typesNamed("cv_u32"));
    }

    @Test
    void bitfieldsKeepTheirOffsetsAndWidths() throws Exception {
        for (Path object : List.of(Fixtures.object("btf_zoo"), Fixtures.bigEndianObject("btf_zoo"))) {
            Btf btf = zoo(object);
            BtfStruct bits = struct(btf, "bits");
            assertEquals(16, bits.size());
            // Big-endian targets number bits from the other end, but BTF offsets count from the
            // start of the storage in both; clang writes the same numbers.
            assertEquals(List.of("a 0 3", "b 3 5", "c 8 10", "d 18 40", "tail 64 0"), bits.members().stream()
                    .map(m -> m.name() + " " + m.bitOffset() + " " + m.bitfieldSize()).toList(), object.toString());
            assertTrue(bits.member("c").orElseThrow().isBitfield());
            assertTrue(((BtfInt) btf.resolve(bits.member("c").orElseThrow().typeId())).isSigned());
            assertEquals(8, btf.alignOf(bits.id()));
        }
    }

    @Test
    void functionsPrototypesVariablesDatasecsAndTags() throws Exception {
        Btf btf = zoo(Fixtures.object("btf_zoo"));
        BtfFunc func = (BtfFunc) btf.typeNamed("zoo_global_func", BtfKind.FUNC).orElseThrow();
        assertEquals(BtfLinkage.GLOBAL, func.linkage());
        BtfFuncProto proto = assertInstanceOf(BtfFuncProto.class, btf.type(func.protoId()));
        assertEquals("int", btf.type(proto.returnType()).name());
        assertEquals(List.of(new BtfParam("x", proto.returnType())), proto.params());
        assertFalse(proto.isVariadic());

        Set<String> funcTags = btf.types().stream().filter(t -> t instanceof BtfDeclTag tag && tag.typeId() == func.id())
                .map(t -> t.name() + "@" + ((BtfDeclTag) t).componentIdx()).collect(Collectors.toSet());
        assertEquals(Set.of("func_tag@-1", "param_tag@0"), funcTags);
        BtfStruct tagged = struct(btf, "tagged");
        Set<String> structTags = btf.types().stream()
                .filter(t -> t instanceof BtfDeclTag tag && tag.typeId() == tagged.id())
                .map(t -> t.name() + "@" + ((BtfDeclTag) t).componentIdx()).collect(Collectors.toSet());
        assertEquals(Set.of("struct_tag@-1", "member_tag@1"), structTags);

        BtfVar counter = (BtfVar) btf.typeNamed("zoo_static_counter", BtfKind.VAR).orElseThrow();
        assertEquals(BtfLinkage.STATIC, counter.linkage());
        assertEquals(4, btf.sizeOf(counter.id()));
        BtfDatasec bss = btf.datasec(".bss").orElseThrow();
        Set<String> bssVars = bss.vars().stream().map(v -> btf.type(v.typeId()).name()).collect(Collectors.toSet());
        assertEquals(Set.of("zoo_ints", "zoo_all", "zoo_packed", "zoo_user_ptr", "zoo_tagged", "zoo_static_counter",
                        "zoo_restrict_ptr"),
                bssVars);
        for (String name : List.of(".data", ".rodata", ".data.custom", ".rodata.custom", ".bss.custom", "license")) {
            assertTrue(btf.datasec(name).isPresent(), name);
        }
        Set<BtfKind> kinds = btf.types().stream().map(BtfType::kind).collect(Collectors.toCollection(
                () -> EnumSet.noneOf(BtfKind.class)));
        // clang 14 emits everything but ENUM64 and TYPE_TAG, which BtfHandBuiltTest covers.
        assertEquals(EnumSet.complementOf(EnumSet.of(BtfKind.ENUM64, BtfKind.TYPE_TAG)), kinds);
    }

    @Test
    void bothByteOrdersGiveTheSameTypes() throws Exception {
        Btf little = zoo(Fixtures.object("btf_zoo"));
        Btf big = zoo(Fixtures.bigEndianObject("btf_zoo"));
        assertEquals(ByteOrder.LITTLE_ENDIAN, little.byteOrder());
        assertEquals(ByteOrder.BIG_ENDIAN, big.byteOrder());
        assertEquals(little.types(), big.types());
    }

    @Test
    void typeCountAndLayoutsMatchBpftool() throws Exception {
        Path object = Fixtures.object("btf_zoo");
        Btf btf = zoo(object);
        String dump = Fixtures.run("bpftool", "btf", "dump", "file", object.toString());
        long declared = dump.lines().filter(l -> l.startsWith("[")).count();
        assertEquals(declared, btf.typeCount() - 1);
        for (String line : dump.lines().filter(l -> l.matches("^\\[\\d+] (STRUCT|UNION) .*")).toList()) {
            int id = Integer.parseInt(line.substring(1, line.indexOf(']')));
            long size = Long.parseLong(line.replaceFirst(".* size=(\\d+) .*", "$1"));
            assertEquals(size, btf.sizeOf(id), line);
        }
    }
}
