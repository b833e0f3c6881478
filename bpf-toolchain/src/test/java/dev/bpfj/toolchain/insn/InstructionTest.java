package dev.bpfj.toolchain.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.Fixtures;
import dev.bpfj.toolchain.elf.ElfFile;
import dev.bpfj.toolchain.elf.ElfSection;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class InstructionTest {

    private static final Pattern OBJDUMP_LINE = Pattern.compile("^\\s*(\\d+):\\s+((?:[0-9a-f]{2} ){7}[0-9a-f]{2})"
            + "(?:\\s+((?:[0-9a-f]{2} ){7}[0-9a-f]{2}))?\\s+(.*)$");
    private static final Pattern SECTION_LINE = Pattern.compile("^Disassembly of section (.+):$");

    /**
     * Every instruction of every executable section, in both byte orders, against llvm-objdump:
     * the same slot indices, the same raw bytes, ld_imm64 as one instruction, and calls that
     * objdump prints as {@code call N} decoded as helper N.
     */
    @Test
    void decodesEveryProgramSectionLikeObjdump() throws Exception {
        int compared = 0;
        for (Path object : List.of(Fixtures.object("programs"), Fixtures.bigEndianObject("programs"),
                Fixtures.object("maps"), Fixtures.bigEndianObject("btf_zoo"))) {
            ElfFile elf = ElfFile.read(object);
            String section = null;
            List<String[]> expected = new ArrayList<>();
            for (String line : Fixtures.run("llvm-objdump", "-d", object.toString()).split("\n")) {
                Matcher s = SECTION_LINE.matcher(line);
                if (s.find()) {
                    compared += compare(elf, section, expected);
                    section = s.group(1);
                    expected.clear();
                    continue;
                }
                Matcher m = OBJDUMP_LINE.matcher(line);
                if (m.find()) {
                    expected.add(new String[] {m.group(1), m.group(2) + (m.group(3) == null ? "" : " " + m.group(3)),
                        m.group(4)});
                }
            }
            compared += compare(elf, section, expected);
        }
        assertTrue(compared > 200, "compared " + compared + " instructions");
    }

    private static int compare(ElfFile elf, String sectionName, List<String[]> expected) throws Exception {
        if (sectionName == null) {
            return 0;
        }
        ElfSection section = elf.section(sectionName).orElseThrow();
        byte[] code = section.bytes();
        List<Instruction> decoded = Instruction.decode(elf.fileName(), section.name(), section.offset(), code,
                elf.byteOrder());
        assertEquals(expected.size(), decoded.size(), sectionName);
        HexFormat hex = HexFormat.ofDelimiter(" ");
        for (int i = 0; i < decoded.size(); i++) {
            Instruction insn = decoded.get(i);
            String[] line = expected.get(i);
            assertEquals(Integer.parseInt(line[0]), insn.index(), sectionName + " " + line[2]);
            byte[] raw = java.util.Arrays.copyOfRange(code, (int) insn.byteOffset(),
                    (int) insn.byteOffset() + insn.slots() * 8);
            assertEquals(line[1], hex.formatHex(raw), sectionName + " " + line[2]);
            assertEquals(line[1].length() > 24, insn.isLdImm64(), line[2]);
            if (line[2].matches("call -?\\d+")) {
                assertTrue(insn.isCall(), line[2]);
                assertEquals(Integer.parseInt(line[2].substring(5)), insn.imm(), line[2]);
                assertEquals(line[1].startsWith("85 00"), insn.isHelperCall(), line[1]);
            }
            if (line[2].equals("exit")) {
                assertTrue(insn.isExit());
            }
            if (line[2].matches("r(\\d+) = (-?\\d+) ll")) {
                assertEquals(Long.parseLong(line[2].replaceFirst("r\\d+ = (-?\\d+) ll", "$1")), insn.imm64(), line[2]);
                assertEquals(Integer.parseInt(line[2].replaceFirst("r(\\d+) .*", "$1")), insn.dst(), line[2]);
            }
        }
        return decoded.size();
    }

    @Test
    void decodesRegistersImmediatesAndCallKindsInBothByteOrders() {
        // r3 = 0x1122334455667788 ll; call 14 (helper); call pc+2 (subprogram); call kfunc; exit
        byte[] little = HexFormat.of().parseHex("1803000088776655" + "0000000044332211"
                + "850000000e000000" + "8510000002000000" + "8520000000000000" + "9500000000000000");
        byte[] big = HexFormat.of().parseHex("1830000055667788" + "0000000011223344"
                + "850000000000000e" + "8501000000000002" + "8502000000000000" + "9500000000000000");
        for (Object[] c : new Object[][] {{little, ByteOrder.LITTLE_ENDIAN}, {big, ByteOrder.BIG_ENDIAN}}) {
            List<Instruction> insns = Instruction.decode((byte[]) c[0], (ByteOrder) c[1]);
            assertEquals(5, insns.size());
            Instruction ld = insns.get(0);
            assertTrue(ld.isLdImm64());
            assertEquals(3, ld.dst());
            assertEquals(0x1122334455667788L, ld.imm64());
            assertEquals(2, ld.slots());
            Instruction helper = insns.get(1);
            assertEquals(2, helper.index());
            assertTrue(helper.isHelperCall());
            assertEquals(14, helper.helperId());
            Instruction sub = insns.get(2);
            assertTrue(sub.isSubprogramCall());
            assertFalse(sub.isHelperCall());
            assertEquals(6, sub.callTargetIndex());
            assertTrue(insns.get(3).isKfuncCall());
            assertThrows(IllegalStateException.class, () -> insns.get(3).helperId());
            assertTrue(insns.get(4).isExit());
            assertFalse(insns.get(4).isJump());
        }
    }

    @Test
    void rejectsTruncatedCode() {
        assertThrows(IllegalArgumentException.class, () -> Instruction.decode(new byte[12], ByteOrder.LITTLE_ENDIAN));
        byte[] halfLd = HexFormat.of().parseHex("1801000001000000");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Instruction.decode(halfLd, ByteOrder.LITTLE_ENDIAN));
        assertTrue(e.getMessage().contains("second 8-byte slot"), e.getMessage());
    }
}
