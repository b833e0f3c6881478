package dev.bpfj.toolchain.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.toolchain.Fixtures;
import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.btf.BtfDatasec;
import dev.bpfj.toolchain.btf.BtfExt;
import dev.bpfj.toolchain.btf.BtfKind;
import dev.bpfj.toolchain.btf.BtfVarSecinfo;
import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.elf.ElfSymbol;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import dev.bpfj.toolchain.validate.BpfObjectValidator;
import dev.bpfj.toolchain.validate.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Links real clang objects (src/test/bpf/link: two files sharing a map, globals, functions, a
 * __weak function and variable, and statics of the same name) and checks the result's ELF, BTF
 * and BTF.ext; and that what cannot be linked is refused with the files and names. Loading the
 * result in the kernel is {@link BpfLinkerKernelTest}.
 */
class BpfLinkerTest {

    @TempDir
    Path dir;

    static LinkInput input(String name, Path object) {
        return new LinkInput(name, Fixtures.bytes(object));
    }

    static List<LinkInput> mainThenLib() {
        return List.of(input("link_main.bpf.c", Fixtures.object("link/link_main")),
                input("link_lib.bpf.c", Fixtures.object("link/link_lib")));
    }

    @Test
    void programsMapsAndGlobalsOfBothFilesEndUpInOneObject() throws Exception {
        BpfObjectSpec spec = BpfObjectSpec.parse("linked", BpfLinker.link(mainThenLib()));
        assertTrue(spec.program("main_prog").isPresent(), spec.programs().toString());
        assertTrue(spec.program("lib_prog").isPresent(), spec.programs().toString());
        assertTrue(spec.map("results").isPresent() && spec.map("tallies").isPresent(), spec.maps().toString());
        assertEquals(2, spec.maps().size(), "the extern tallies is the definition, not a second map: " + spec.maps());
        assertEquals(8, spec.map("tallies").orElseThrow().maxEntries());
        assertEquals("GPL", spec.license().orElseThrow());
        // Every extern was resolved but the one the loader fills in, which both files use.
        assertEquals(List.of("LINUX_KERNEL_VERSION"), spec.externs().stream().map(v -> v.name()).toList());
        assertEquals(1, spec.btf().orElseThrow().typesNamed("LINUX_KERNEL_VERSION").size());
    }

    @Test
    void theMergedBtfHasOneStructAndOneDatasecPerSection() throws Exception {
        BpfObjectSpec spec = BpfObjectSpec.parse("linked", BpfLinker.link(mainThenLib()));
        Btf btf = spec.btf().orElseThrow();
        assertEquals(1, btf.typesNamed("link_event").size(), "struct link_event deduplicated");
        for (String section : List.of(".bss", ".data", ".rodata", ".maps", "license")) {
            long count = btf.types().stream().filter(t -> t.kind() == BtfKind.DATASEC && section.equals(t.name())).count();
            assertEquals(1, count, section);
        }
        BtfDatasec bss = btf.datasec(".bss").orElseThrow();
        List<String> names = new ArrayList<>();
        long end = 0;
        for (BtfVarSecinfo var : bss.vars()) {
            names.add(btf.type(var.typeId()).name());
            assertTrue(var.offset() >= end, "offsets ascend without overlap: " + bss);
            end = var.offset() + var.size();
        }
        // Both files' static private_count, kept apart; main_runs once (lib's is an extern).
        // (clang lays out each file's .bss its own way; the linker keeps each file's order, files in link order)
        assertEquals(List.of("private_count", "main_runs", "main_kernel", "private_count", "lib_kernel", "lib_last"),
                names);
        assertEquals(bss.size(), spec.globalSection(".bss").orElseThrow().size());
        // threshold: the strong copy of link_lib.bpf.c only; its offset is that copy's symbol.
        BtfDatasec data = btf.datasec(".data").orElseThrow();
        List<String> dataNames = new ArrayList<>();
        for (BtfVarSecinfo var : data.vars()) {
            dataNames.add(btf.type(var.typeId()).name());
        }
        assertEquals(List.of("lib_base", "threshold"), dataNames);
        ElfSymbol threshold = spec.elf().symbols().stream().filter(s -> s.name().equals("threshold")).findFirst()
                .orElseThrow();
        assertEquals(ElfSymbol.STB_GLOBAL, threshold.bind());
        assertEquals(data.vars().get(1).offset(), threshold.value());
        byte[] initial = spec.globalSection(".data").orElseThrow().initialBytes();
        assertEquals(7, initial[(int) threshold.value()], "the strong definition's initial value");
    }

    @Test
    void functionLineAndRelocationRecordsFollowTheirCode() throws Exception {
        List<LinkInput> inputs = mainThenLib();
        BpfObjectSpec linked = BpfObjectSpec.parse("linked", BpfLinker.link(inputs));
        BtfExt ext = linked.btfExt().orElseThrow();
        int funcs = 0;
        int lines = 0;
        for (LinkInput input : inputs) {
            BtfExt own = BpfObjectSpec.parse(input.name(), input.bytes()).btfExt().orElseThrow();
            funcs += own.funcInfos().size();
            lines += own.lineInfos().size();
        }
        assertEquals(funcs, ext.funcInfos().size());
        assertEquals(lines, ext.lineInfos().size());
        Btf btf = linked.btf().orElseThrow();
        // Each function record names a FUNC whose ELF symbol (if it kept one) sits at the same offset.
        for (var info : ext.funcInfos()) {
            String name = btf.type(info.typeId()).name();
            var symbol = linked.elf().symbols().stream().filter(s -> s.isFunction() && s.name().equals(name)
                    && linked.elf().section(s.sectionIndex()).orElseThrow().name().equals(info.section())
                    && s.value() == info.instructionOffset()).findFirst();
            // The losing __weak lib_mode keeps its record but not its symbol, like libbpf's linker.
            assertTrue(symbol.isPresent() || name.equals("lib_mode"), "no function " + name + " at "
                    + info.section() + "+" + info.instructionOffset());
        }
        assertTrue(ext.lineInfos().stream().anyMatch(l -> l.fileName().endsWith("link_lib.bpf.c")));
        assertTrue(ext.lineInfos().stream().anyMatch(l -> l.fileName().endsWith("link_main.bpf.c")));
    }

    @Test
    void theLinkedObjectPassesValidation() throws Exception {
        List<Problem> problems = BpfObjectValidator.validate("linked", BpfLinker.link(mainThenLib()));
        assertTrue(problems.stream().noneMatch(p -> p.severity() == Problem.Severity.ERROR), problems.toString());
    }

    @Test
    void linkingIsDeterministic() throws Exception {
        assertArrayEquals(BpfLinker.link(mainThenLib()), BpfLinker.link(mainThenLib()));
    }

    private LinkInput compile(String name, String source) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n" + source);
        return new LinkInput(name, Files.readAllBytes(ClangFixtures.compile(file, dir.resolve("out"))));
    }

    private static final String PROGRAM = """
            SEC("xdp") int %s(struct xdp_md *ctx) { return %s; }
            char LICENSE[] SEC("license") = "%s";
            """;

    @Test
    void twoStrongDefinitionsNameBothFiles() throws Exception {
        LinkInput a = compile("a.bpf.c", "int counter = 1;\n" + PROGRAM.formatted("pa", "counter", "GPL"));
        LinkInput b = compile("b.bpf.c", "int counter = 2;\n" + PROGRAM.formatted("pb", "counter", "GPL"));
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> BpfLinker.link(List.of(a, b)));
        assertTrue(e.getMessage().contains("'counter' is defined in both a.bpf.c and b.bpf.c"), e.getMessage());
    }

    @Test
    void aNameDefinedOnlyWeakStaysWeakAndAStrongDefinitionStaysGlobal() throws Exception {
        // As libbpf's linker: weak wherever it appears -> weak in the object; any strong definition or extern -> global.
        String shared = "__weak __noinline int pick(void) { return 1; }\n"
                + "__weak struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32);"
                + " __type(value, __u64); } choices SEC(\".maps\");\n";
        LinkInput a = compile("a.bpf.c", shared + "int mode = 1;\n__weak __noinline int strong_ref(void) { return 2; }\n"
                + "SEC(\"xdp\") int pa(struct xdp_md *ctx) { __u32 k = 0; bpf_map_lookup_elem(&choices, &k); return pick() + mode; }\n"
                + "char LICENSE[] SEC(\"license\") = \"GPL\";\n");
        LinkInput b = compile("b.bpf.c", shared + "extern int mode;\nextern int strong_ref(void);\n"
                + "SEC(\"xdp\") int pc(struct xdp_md *ctx) { return strong_ref(); }\n"
                + "SEC(\"xdp\") int pb(struct xdp_md *ctx) { __u32 k = 0; bpf_map_lookup_elem(&choices, &k); return pick() + mode; }\n"
                + "char LICENSE[] SEC(\"license\") = \"GPL\";\n");
        BpfObjectSpec spec = BpfObjectSpec.parse("linked", BpfLinker.link(List.of(a, b)));
        java.util.Map<String, ElfSymbol> byName = new java.util.HashMap<>();
        for (ElfSymbol symbol : spec.elf().symbols()) {
            byName.put(symbol.name(), symbol);
        }
        assertTrue(byName.get("pick").isWeak(), "pick: " + byName.get("pick"));
        assertTrue(byName.get("choices").isWeak(), "choices: " + byName.get("choices"));
        assertTrue(byName.get("mode").isGlobal() && !byName.get("mode").isWeak(), "mode: " + byName.get("mode"));
        assertTrue(!byName.get("pa").isWeak() && !byName.get("pb").isWeak());
        // Weak definitions, but a strong extern in b.bpf.c: strong, as libbpf's linker makes it.
        assertTrue(!byName.get("strong_ref").isWeak(), "strong_ref: " + byName.get("strong_ref"));
    }

    @Test
    void hiddenIsContagiousFromTheExternToTheDefinition() throws Exception {
        // libbpf verifies a hidden global function with its caller instead of on its own.
        LinkInput a = compile("a.bpf.c", "__hidden extern int helper(int x);\n"
                + PROGRAM.formatted("pa", "helper(1)", "GPL"));
        LinkInput b = compile("b.bpf.c", "__noinline int helper(int x) { return x + 1; }\n"
                + PROGRAM.formatted("pb", "helper(2)", "GPL"));
        BpfObjectSpec spec = BpfObjectSpec.parse("linked", BpfLinker.link(List.of(a, b)));
        ElfSymbol helper = spec.elf().symbols().stream().filter(s -> s.name().equals("helper")).findFirst()
                .orElseThrow();
        assertEquals(ElfSymbol.STV_HIDDEN, helper.visibility());
        assertTrue(!helper.isUndefined() && helper.isFunction(), helper.toString());
    }

    @Test
    void anExternNobodyDefinesIsRefused() throws Exception {
        LinkInput a = compile("a.bpf.c", "extern int missing_fn(int x);\n"
                + PROGRAM.formatted("pa", "missing_fn(1)", "GPL"));
        LinkInput b = compile("b.bpf.c", PROGRAM.formatted("pb", "2", "GPL"));
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> BpfLinker.link(List.of(a, b)));
        assertTrue(e.getMessage().contains("'missing_fn' is declared extern in a.bpf.c but defined in none of the"
                + " linked sources (a.bpf.c, b.bpf.c)"), e.getMessage());
    }

    @Test
    void kernelExternsStayForTheLoader() throws Exception {
        String ksym = "extern unsigned int LINUX_KERNEL_VERSION __kconfig;\n";
        LinkInput a = compile("a.bpf.c", ksym + PROGRAM.formatted("pa", "LINUX_KERNEL_VERSION & 1", "GPL"));
        LinkInput b = compile("b.bpf.c", ksym + PROGRAM.formatted("pb", "LINUX_KERNEL_VERSION & 2", "GPL"));
        BpfObjectSpec spec = BpfObjectSpec.parse("linked", BpfLinker.link(List.of(a, b)));
        Btf btf = spec.btf().orElseThrow();
        assertEquals(1, btf.typesNamed("LINUX_KERNEL_VERSION").size(), "one extern in the merged BTF");
        assertEquals(1, btf.datasec(".kconfig").orElseThrow().vars().size());
    }

    @Test
    void differentLicensesAreRefused() throws Exception {
        LinkInput a = compile("a.bpf.c", PROGRAM.formatted("pa", "1", "GPL"));
        LinkInput b = compile("b.bpf.c", PROGRAM.formatted("pb", "2", "Dual MIT/GPL"));
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> BpfLinker.link(List.of(a, b)));
        assertTrue(e.getMessage().contains("Cannot link a.bpf.c and b.bpf.c: their license sections differ"
                + " (\"GPL\" and \"Dual MIT/GPL\")"), e.getMessage());
    }

    @Test
    void aFunctionDeclaredAsAVariableIsRefused() throws Exception {
        LinkInput a = compile("a.bpf.c", "extern int shared;\n" + PROGRAM.formatted("pa", "shared", "GPL"));
        LinkInput b = compile("b.bpf.c", "__noinline int shared(void) { return 3; }\n"
                + PROGRAM.formatted("pb", "shared()", "GPL"));
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> BpfLinker.link(List.of(a, b)));
        assertTrue(e.getMessage().contains("'shared' is declared as a variable in a.bpf.c but defined as a function"
                + " in b.bpf.c"), e.getMessage());
    }

    @Test
    void anExternOfAnotherSizeOrArityIsRefused() throws Exception {
        LinkInput a = compile("a.bpf.c", "extern int shared;\n" + PROGRAM.formatted("pa", "shared", "GPL"));
        LinkInput b = compile("b.bpf.c", "long shared = 3;\n" + PROGRAM.formatted("pb", "shared", "GPL"));
        BpfBuildException size = assertThrows(BpfBuildException.class, () -> BpfLinker.link(List.of(a, b)));
        assertTrue(size.getMessage().startsWith("'shared' is declared in a.bpf.c as int (4 bytes) but defined in"
                + " b.bpf.c as long (8 bytes)"), size.getMessage());
        LinkInput c = compile("c.bpf.c", "extern int twice(int x, int y);\n" + PROGRAM.formatted("pc", "twice(1, 2)",
                "GPL"));
        LinkInput d = compile("d.bpf.c", "__noinline int twice(int x) { return 2 * x; }\n"
                + PROGRAM.formatted("pd", "twice(2)", "GPL"));
        BpfBuildException arity = assertThrows(BpfBuildException.class, () -> BpfLinker.link(List.of(c, d)));
        assertTrue(arity.getMessage().startsWith("'twice' is declared in c.bpf.c with 2 parameter(s) but defined in"
                + " d.bpf.c with 1"), arity.getMessage());
    }

    @Test
    void anExternMapWithOtherAttributesIsRefused() throws Exception {
        String map = "struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, %d); __type(key, __u32);"
                + " __type(value, __u64); } counts SEC(\".maps\");\n";
        String use = "({ __u32 k = 0; bpf_map_lookup_elem(&counts, &k) ? 1 : 2; })";
        LinkInput a = compile("a.bpf.c", "extern " + map.formatted(8) + PROGRAM.formatted("pa", use, "GPL"));
        LinkInput b = compile("b.bpf.c", map.formatted(16) + PROGRAM.formatted("pb", use, "GPL"));
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> BpfLinker.link(List.of(a, b)));
        assertTrue(e.getMessage().startsWith("Map 'counts' is declared in a.bpf.c with {key=4-byte type,"
                + " max_entries=8, type=2, value=8-byte type} but defined in b.bpf.c with {key=4-byte type,"
                + " max_entries=16, type=2, value=8-byte type}"), e.getMessage());
        // The same attributes in another order link.
        String reordered = "extern struct { __type(value, __u64); __uint(max_entries, 16); __type(key, __u32);"
                + " __uint(type, BPF_MAP_TYPE_ARRAY); } counts SEC(\".maps\");\n";
        LinkInput c = compile("c.bpf.c", reordered + PROGRAM.formatted("pc", use, "GPL"));
        assertEquals(1, BpfObjectSpec.parse("linked", BpfLinker.link(List.of(c, b))).maps().size());
    }

    @Test
    void objectsOfDifferentByteOrdersAreRefused() throws Exception {
        Path source = dir.resolve("eb.bpf.c");
        Files.writeString(source, "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n"
                + PROGRAM.formatted("pb", "2", "GPL"));
        LinkInput big = new LinkInput("eb.bpf.c", Files.readAllBytes(ClangFixtures.compile(source, dir.resolve("out"),
                List.of("-target", "bpfeb"))));
        LinkInput little = compile("el.bpf.c", PROGRAM.formatted("pa", "1", "GPL"));
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> BpfLinker.link(List.of(little, big)));
        assertTrue(e.getMessage().contains("different byte orders"), e.getMessage());
    }

    @Test
    void damagedObjectsAreLinkedOrRefusedNeverCrashedOn() throws Exception {
        List<LinkInput> inputs = mainThenLib();
        java.util.Random random = new java.util.Random(42);
        int refused = 0;
        for (int round = 0; round < 600; round++) {
            int which = round % 2;
            byte[] damaged = inputs.get(which).bytes().clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            List<LinkInput> attempt = new ArrayList<>(inputs);
            attempt.set(which, new LinkInput(inputs.get(which).name(), damaged));
            try {
                BpfLinker.link(attempt);
            } catch (BpfBuildException expected) {
                refused++;
                assertTrue(expected.getMessage().contains(".bpf.c"), "names a file: " + expected.getMessage());
            }
        }
        assertTrue(refused > 100, "damage was noticed: " + refused + " of 600 refused");
    }

    @Test
    void somethingThatIsNotAnObjectIsNamed() {
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> BpfLinker.link(List.of(
                new LinkInput("junk.bpf.c", new byte[] {1, 2, 3}))));
        assertTrue(e.getMessage().startsWith("junk.bpf.c is not a BPF object that can be linked"), e.getMessage());
    }
}
