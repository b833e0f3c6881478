package dev.bpfj.toolchain.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.BpfFormatException;
import dev.bpfj.toolchain.Fixtures;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfFileTest {

    private static final Pattern SECTION_LINE = Pattern.compile(
            "^\\s*\\[\\s*(\\d+)]\\s+(\\S+)\\s+(\\S+)\\s+[0-9a-f]{16}\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s+([0-9a-f]+)");
    private static final Pattern SYMBOL_LINE = Pattern.compile(
            "^\\s*(\\d+):\\s+([0-9a-f]{16})\\s+(\\d+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s*(\\S*)$");
    private static final Pattern RELOCATION_HEADER = Pattern.compile(
            "^Relocation section '(.+)' at offset 0x[0-9a-f]+ contains (\\d+) entr");

    @Test
    void sectionsMatchReadelfInBothByteOrders() throws Exception {
        for (Path object : List.of(Fixtures.object("btf_zoo"), Fixtures.bigEndianObject("btf_zoo"))) {
            ElfFile elf = ElfFile.read(object);
            List<String> expected = new ArrayList<>();
            for (String line : Fixtures.run("readelf", "-SW", object.toString()).split("\n")) {
                Matcher m = SECTION_LINE.matcher(line);
                if (m.find() && !m.group(1).equals("0")) {
                    expected.add(m.group(1) + " " + m.group(2) + " " + Long.parseLong(m.group(4), 16) + " "
                            + Long.parseLong(m.group(5), 16) + " " + Long.parseLong(m.group(6), 16));
                }
            }
            List<String> actual = new ArrayList<>();
            for (ElfSection s : elf.sections().subList(1, elf.sections().size())) {
                actual.add(s.index() + " " + s.name() + " " + s.offset() + " " + s.size() + " " + s.entsize());
            }
            assertEquals(expected, actual, object.toString());
            assertTrue(expected.size() > 20, "readelf output was parsed");
        }
    }

    @Test
    void symbolsMatchReadelf() throws Exception {
        Path object = Fixtures.object("programs");
        ElfFile elf = ElfFile.read(object);
        List<String> expected = new ArrayList<>();
        for (String line : Fixtures.run("readelf", "-sW", object.toString()).split("\n")) {
            Matcher m = SYMBOL_LINE.matcher(line);
            if (m.find()) {
                String ndx = m.group(7);
                String section = ndx.equals("UND") ? "0" : ndx.equals("ABS") ? String.valueOf(ElfSymbol.SHN_ABS) : ndx;
                expected.add(m.group(1) + " " + Long.parseLong(m.group(2), 16) + " " + m.group(3) + " " + m.group(4)
                        + " " + m.group(5) + " " + section + " " + m.group(8));
            }
        }
        List<String> actual = new ArrayList<>();
        for (ElfSymbol s : elf.symbols()) {
            String type = switch (s.type()) {
                case ElfSymbol.STT_NOTYPE -> "NOTYPE";
                case ElfSymbol.STT_OBJECT -> "OBJECT";
                case ElfSymbol.STT_FUNC -> "FUNC";
                case ElfSymbol.STT_SECTION -> "SECTION";
                case ElfSymbol.STT_FILE -> "FILE";
                default -> "?";
            };
            String bind = s.bind() == ElfSymbol.STB_LOCAL ? "LOCAL" : s.bind() == ElfSymbol.STB_GLOBAL ? "GLOBAL" : "WEAK";
            // readelf prints section symbols without a name; the string table gives them none either.
            actual.add(s.index() + " " + s.value() + " " + s.size() + " " + type + " " + bind + " " + s.sectionIndex()
                    + " " + (s.isSection() ? "" : s.name()));
        }
        for (int i = 0; i < expected.size(); i++) {
            // readelf names section symbols after their section; compare everything but that name.
            if (expected.get(i).contains(" SECTION ")) {
                expected.set(i, expected.get(i).replaceFirst(" \\S+$", " "));
            }
        }
        assertEquals(expected, actual);
        assertTrue(elf.symbols().stream().anyMatch(s -> s.name().equals("on_write") && s.isFunction() && s.isGlobal()));
        assertTrue(elf.symbols().stream().anyMatch(s -> s.name().equals("CONFIG_BPF_SYSCALL") && s.isWeak()
                && s.isUndefined()));
    }

    @Test
    void relocationsMatchReadelf() throws Exception {
        for (Path object : List.of(Fixtures.object("programs"), Fixtures.bigEndianObject("maps"))) {
            ElfFile elf = ElfFile.read(object);
            int checked = 0;
            for (String line : Fixtures.run("readelf", "-rW", object.toString()).split("\n")) {
                Matcher m = RELOCATION_HEADER.matcher(line);
                if (m.find()) {
                    ElfSection rel = elf.section(m.group(1)).orElseThrow();
                    ElfSection target = elf.sections().get(rel.info());
                    long fromThisSection = elf.relocations(target).size();
                    assertEquals(Long.parseLong(m.group(2)), fromThisSection, m.group(1));
                    checked++;
                }
            }
            assertTrue(checked > 3);
        }
        ElfFile elf = ElfFile.read(Fixtures.object("programs"));
        ElfSection xdp = elf.section("xdp").orElseThrow();
        List<ElfRelocation> relocations = elf.relocations(xdp);
        assertEquals(List.of("bpf_rcu_read_lock", "bpf_rcu_read_lock", "bpf_rcu_read_unlock"),
                relocations.stream().map(r -> r.symbol().name()).toList());
        assertEquals(List.of(ElfRelocation.R_BPF_64_64, ElfRelocation.R_BPF_64_32, ElfRelocation.R_BPF_64_32),
                relocations.stream().map(ElfRelocation::type).toList());
        assertEquals(List.of(0L, 24L, 32L), relocations.stream().map(ElfRelocation::offset).toList());
    }

    @Test
    void byteOrderAndSectionContents() throws Exception {
        ElfFile little = ElfFile.read(Fixtures.object("programs"));
        ElfFile big = ElfFile.read(Fixtures.bigEndianObject("programs"));
        assertEquals(ByteOrder.LITTLE_ENDIAN, little.byteOrder());
        assertEquals(ByteOrder.BIG_ENDIAN, big.byteOrder());
        for (ElfFile elf : List.of(little, big)) {
            assertEquals(ElfFile.EM_BPF, elf.machine());
            assertEquals(ElfFile.ET_REL, elf.elfType());
            ElfSection license = elf.section("license").orElseThrow();
            assertEquals("GPL\0", new String(license.bytes(), java.nio.charset.StandardCharsets.US_ASCII));
            ElfSection version = elf.section("version").orElseThrow();
            assertEquals(0x050f00, version.buffer().getInt(0));
            ElfSection bss = elf.section(".bss").orElseThrow();
            assertEquals(ElfSection.SHT_NOBITS, bss.type());
            assertEquals(0, bss.bytes().length);
            assertEquals(8, bss.size());
            assertTrue(elf.section(".text").orElseThrow().isExecutable());
            assertFalse(elf.section(".rodata").orElseThrow().isWritable());
        }
    }

    @Test
    void rejectsFilesThatAreNotBpfObjects(@TempDir Path dir) throws Exception {
        BpfFormatException notElf = assertThrows(BpfFormatException.class,
                () -> ElfFile.parse("hello.txt", "hello world, not an object".getBytes()));
        assertTrue(notElf.getMessage().contains("hello.txt"), notElf.getMessage());
        assertTrue(notElf.getMessage().contains("not an ELF file"), notElf.getMessage());
        assertEquals(0, notElf.byteOffset());

        // A real object for the host machine: right format, wrong machine.
        Path source = dir.resolve("host.c");
        Files.writeString(source, "int host_function(int x) { return x + 1; }\n");
        Path hostObject = dir.resolve("host.o");
        Fixtures.run("clang", "-c", source.toString(), "-o", hostObject.toString());
        BpfFormatException wrongMachine = assertThrows(BpfFormatException.class, () -> ElfFile.read(hostObject));
        assertTrue(wrongMachine.getMessage().contains("not EM_BPF"), wrongMachine.getMessage());
        assertEquals(18, wrongMachine.byteOffset());

        byte[] bytes = Fixtures.bytes(Fixtures.object("programs"));
        byte[] executable = bytes.clone();
        executable[16] = 2; // ET_EXEC
        BpfFormatException notRelocatable = assertThrows(BpfFormatException.class,
                () -> ElfFile.parse("exec.o", executable));
        assertTrue(notRelocatable.getMessage().contains("ET_REL"), notRelocatable.getMessage());

        byte[] class32 = bytes.clone();
        class32[4] = 1;
        assertTrue(assertThrows(BpfFormatException.class, () -> ElfFile.parse("x.o", class32)).getMessage()
                .contains("64-bit"));

        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 100);
        BpfFormatException cut = assertThrows(BpfFormatException.class, () -> ElfFile.parse("cut.o", truncated));
        assertTrue(cut.getMessage().contains("cut.o"), cut.getMessage());
        assertTrue(cut.byteOffset() >= 0);
    }
}
