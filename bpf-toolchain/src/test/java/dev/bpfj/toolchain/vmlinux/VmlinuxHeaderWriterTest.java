package dev.bpfj.toolchain.vmlinux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.btf.Btf;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the writer emits for hand-built BTF, checked without a compiler (see VmlinuxClangTest for clang). */
class VmlinuxHeaderWriterTest {

    private static String header(TinyBtf btf) throws Exception {
        return VmlinuxHeaderWriter.of(Btf.parse("tiny.btf", btf.build())).write().text();
    }

    @Test
    void hasGuardAndPreserveAccessIndex() throws Exception {
        TinyBtf btf = new TinyBtf();
        btf.intType("int", 4, true);
        String text = header(btf);
        assertTrue(text.startsWith("#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n"), text);
        assertTrue(text.contains("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute push "
                + "(__attribute__((preserve_access_index)), apply_to = record)\n#endif"), text);
        assertTrue(text.endsWith("#pragma clang attribute pop\n#endif\n\n#endif /* __VMLINUX_H__ */\n"), text);
    }

    @Test
    void packsWhatTheNaturalLayoutWouldMisplace() throws Exception {
        TinyBtf btf = new TinyBtf();
        int u8 = btf.intType("unsigned char", 1, false);
        int u32 = btf.intType("unsigned int", 4, false);
        btf.struct("wire", 5, "kind", u8, 0, "length", u32, 8);
        btf.struct("natural", 8, "kind", u8, 0, "length", u32, 32);
        String text = header(btf);
        assertTrue(text.contains("struct wire {\n\tunsigned char kind;\n\tunsigned int length;\n} __attribute__((packed));"),
                text);
        assertTrue(text.contains("struct natural {\n\tunsigned char kind;\n\tunsigned int length;\n};"), text);
    }

    @Test
    void padsGapsAndTailExplicitly() throws Exception {
        TinyBtf btf = new TinyBtf();
        int i32 = btf.intType("int", 4, true);
        btf.struct("gappy", 24, "a", i32, 0, "b", i32, 64);
        String text = header(btf);
        assertTrue(text.contains("struct gappy {\n\tint a;\n\tint: 32;\n\tint b;\n\tint: 32;\n\tlong: 64;\n};"), text);
    }

    @Test
    void sizesAnEmptyUnionWithPadding() throws Exception {
        TinyBtf btf = new TinyBtf();
        btf.union("opaque", 8);
        String text = header(btf);
        assertTrue(text.contains("union opaque {\n\tstruct {\n\t\tlong: 64;\n\t};\n};"), text);
    }

    @Test
    void renamesRepeatedNames() throws Exception {
        TinyBtf btf = new TinyBtf();
        int i32 = btf.intType("int", 4, true);
        btf.struct("dup", 4, "a", i32, 0);
        btf.struct("dup", 8, "a", i32, 0, "b", i32, 32);
        btf.typedef("dup_t", i32);
        btf.typedef("dup_t", i32);
        String text = header(btf);
        assertTrue(text.contains("struct dup {\n\tint a;\n};"), text);
        assertTrue(text.contains("struct dup___2 {\n\tint a;\n\tint b;\n};"), text);
        assertTrue(text.contains("typedef int dup_t;") && text.contains("typedef int dup_t___2;"), text);
    }

    @Test
    void madeUpNamesStepAroundNamesTheBtfHas() throws Exception {
        TinyBtf btf = new TinyBtf();
        int i32 = btf.intType("int", 4, true);
        // A real "pair___2" comes first, so the second "pair" becomes pair___3; then a real
        // "solo___2" arrives after "solo" was repeated and took that name, so it moves on too.
        btf.struct("pair___2", 4, "a", i32, 0);
        btf.struct("pair", 4, "b", i32, 0);
        btf.struct("pair", 4, "c", i32, 0);
        btf.struct("solo", 4, "d", i32, 0);
        btf.struct("solo", 4, "e", i32, 0);
        btf.struct("solo___2", 4, "f", i32, 0);
        // Enumerators share the ordinary namespace with typedefs; tags are a namespace of their own.
        btf.enumType("first", 4, "RED", 0, "GREEN", 1);
        btf.enumType("second", 4, "RED", 5);
        btf.typedef("GREEN", i32);
        btf.typedef("first", i32);
        String text = header(btf);
        for (String expected : List.of("struct pair___2 {\n\tint a;", "struct pair {\n\tint b;",
                "struct pair___3 {\n\tint c;", "struct solo {\n\tint d;", "struct solo___2 {\n\tint e;",
                "struct solo___2___2 {\n\tint f;", "\tRED = 0,\n\tGREEN = 1,", "\tRED___2 = 5,",
                "typedef int GREEN___2;", "typedef int first;")) {
            assertTrue(text.contains(expected), expected + " in\n" + text);
        }
    }

    @Test
    void usesCompilerBuiltinsWithoutRedefiningThem() throws Exception {
        TinyBtf btf = new TinyBtf();
        int character = btf.intType("char", 1, true);
        int builtin = btf.typedef("__builtin_va_list", btf.ptr(character));
        btf.typedef("va_list", builtin);
        String text = header(btf);
        assertTrue(text.contains("typedef __builtin_va_list va_list;"), text);
        assertFalse(text.contains("typedef char *__builtin_va_list;"), text);
    }

    @Test
    void writesTypedefOfSelfReferencingStructBeforeTheStruct() throws Exception {
        TinyBtf btf = new TinyBtf();
        int i32 = btf.intType("int", 4, true);
        // ids: node = 2, node_t = 3, pointer = 4
        btf.struct("node", 16, "value", i32, 0, "next", 4, 64);
        btf.typedef("node_t", 2);
        btf.ptr(3);
        String text = header(btf);
        int typedef = text.indexOf("typedef struct node node_t;");
        int struct = text.indexOf("struct node {");
        assertTrue(typedef > 0 && struct > typedef, text);
        assertTrue(text.contains("\tnode_t *next;\n"), text);
    }

    @Test
    void declaresTagsFirstSeenInParameterLists() throws Exception {
        TinyBtf btf = new TinyBtf();
        int i32 = btf.intType("int", 4, true);
        int fwd = btf.fwd("opaque");
        int ptr = btf.ptr(fwd);
        int proto = btf.proto(i32, "o", ptr, "n", i32);
        int fnPtr = btf.ptr(proto);
        btf.typedef("handler_t", fnPtr);
        String text = header(btf);
        int declaration = text.indexOf("struct opaque;");
        assertTrue(declaration > 0 && declaration < text.indexOf("typedef int (*handler_t)(struct opaque *, int);"),
                text);
    }

    @Test
    void spellsDeclaratorsInsideOut() throws Exception {
        TinyBtf btf = new TinyBtf();
        int i32 = btf.intType("int", 4, true);          // 1
        int chr = btf.intType("char", 1, true);         // 2
        int arr = btf.array(i32, i32, 3);               // 3: int[3]
        int ptrArr = btf.ptr(arr);                      // 4: int (*)[3]
        int cchar = btf.constOf(chr);                   // 5
        int pcchar = btf.ptr(cchar);                    // 6: const char *
        int cpcchar = btf.constOf(pcchar);              // 7: const char *const
        int names = btf.array(cpcchar, i32, 2);         // 8
        int proto = btf.proto(ptrArr);                  // 9: int (*(void))[3]
        int fn = btf.ptr(proto);                        // 10
        btf.struct("decls", 32, "rows", ptrArr, 0, "names", names, 64, "make", fn, 192);
        String text = header(btf);
        assertTrue(text.contains("\tint (*rows)[3];\n\tconst char *const names[2];\n\tint (*(*make)(void))[3];\n"),
                text);
    }

    @Test
    void packedEnumGetsItsSize() throws Exception {
        TinyBtf btf = new TinyBtf();
        btf.enumType("tiny", 1, "TINY_A", 1, "TINY_B", 200);
        btf.enumType("negative", 1, "NEG", -3);
        String text = header(btf);
        assertTrue(text.contains("enum __attribute__((packed)) tiny {\n\tTINY_A = 1,\n\tTINY_B = 200,\n};"), text);
        assertTrue(text.contains("\tNEG = -3,\n"), text);
    }

    @Test
    void filteredHeaderHasRootsAndWhatTheyNeedOnly() throws Exception {
        TinyBtf btf = new TinyBtf();
        int i32 = btf.intType("int", 4, true);      // 1
        int inner = btf.struct("inner", 4, "x", i32, 0);     // 2
        btf.struct("pointed", 4, "y", i32, 0);              // 3
        int pointer = btf.ptr(3);                           // 4
        btf.struct("outer", 16, "in", inner, 0, "p", pointer, 64);
        btf.struct("unrelated", 4, "z", i32, 0);
        Btf parsed = Btf.parse("tiny.btf", btf.build());
        String text = VmlinuxHeaderWriter.of(parsed).withRoots(List.of("outer")).write().text();
        assertTrue(text.contains("struct inner {") && text.contains("struct outer {"), text);
        assertTrue(text.contains("\tstruct pointed *p;\n"), text);
        assertFalse(text.contains("struct pointed {"), text);
        assertFalse(text.contains("unrelated"), text);

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> VmlinuxHeaderWriter.of(parsed).withRoots(List.of("outer", "struct nosuch")).write());
        assertTrue(unknown.getMessage().contains("struct nosuch") && unknown.getMessage().contains("tiny.btf"),
                unknown.getMessage());
    }

    @Test
    void sameBtfSameHeader() throws Exception {
        TinyBtf btf = new TinyBtf();
        int i32 = btf.intType("int", 4, true);
        btf.struct("a", 4, "x", i32, 0);
        assertEquals(header(btf), header(btf));
    }
}
