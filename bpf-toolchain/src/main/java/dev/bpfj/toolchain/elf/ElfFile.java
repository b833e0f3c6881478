package dev.bpfj.toolchain.elf;

import dev.bpfj.toolchain.BpfFormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A relocatable ELF64 file for the BPF machine ({@code EM_BPF}), as clang writes it for
 * {@code -target bpf} or {@code -target bpfeb}. Parsing checks the header, every section header,
 * the symbol table and every relocation up front; a file that passes is safe to query.
 */
public final class ElfFile {

    /** {@code e_machine} value of BPF. */
    public static final int EM_BPF = 247;
    /** {@code e_type} value of a relocatable file. */
    public static final int ET_REL = 1;

    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    private static final int REL_SIZE = 16;
    private static final int RELA_SIZE = 24;
    private static final int SHN_LORESERVE = 0xff00;
    private static final int SHN_XINDEX = 0xffff;

    private final String fileName;
    private final ByteOrder byteOrder;
    private final int elfType;
    private final int machine;
    private final List<ElfSection> sections;
    private final Map<String, ElfSection> sectionsByName;
    private final List<ElfSymbol> symbols;
    private final Map<Integer, List<ElfRelocation>> relocationsByTarget;

    private ElfFile(String fileName, ByteOrder byteOrder, int elfType, int machine, List<ElfSection> sections,
                    List<ElfSymbol> symbols, Map<Integer, List<ElfRelocation>> relocationsByTarget) {
        this.fileName = fileName;
        this.byteOrder = byteOrder;
        this.elfType = elfType;
        this.machine = machine;
        this.sections = List.copyOf(sections);
        Map<String, ElfSection> byName = new HashMap<>();
        for (ElfSection section : sections) {
            byName.putIfAbsent(section.name(), section);
        }
        this.sectionsByName = byName;
        this.symbols = List.copyOf(symbols);
        this.relocationsByTarget = relocationsByTarget;
    }

    /**
     * Reads and parses an ELF file.
     *
     * @param path the file to read
     * @return the parsed file
     * @throws IOException         if the file cannot be read
     * @throws BpfFormatException  if it is not a well-formed BPF ELF64 relocatable file
     */
    public static ElfFile read(Path path) throws IOException, BpfFormatException {
        return parse(path.toString(), Files.readAllBytes(path));
    }

    /**
     * Parses an ELF file held in memory. The array is not copied; the caller must not change it.
     *
     * @param fileName the name used in error messages
     * @param bytes    the whole file
     * @return the parsed file
     * @throws BpfFormatException if the bytes are not a well-formed BPF ELF64 relocatable file
     */
    public static ElfFile parse(String fileName, byte[] bytes) throws BpfFormatException {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(bytes, "bytes");
        return new Parser(fileName, bytes).parse();
    }

    /** @return the name given when the file was read, used in error messages */
    public String fileName() {
        return fileName;
    }

    /** @return the byte order of the file: little-endian for {@code -target bpf(el)}, big-endian for {@code bpfeb} */
    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** @return {@code e_type}; always {@link #ET_REL} for a file that parsed */
    public int elfType() {
        return elfType;
    }

    /** @return {@code e_machine}; always {@link #EM_BPF} for a file that parsed */
    public int machine() {
        return machine;
    }

    /** @return every section in header order, including the null section at index 0 */
    public List<ElfSection> sections() {
        return sections;
    }

    /**
     * Finds a section by name; when several share a name, the first one.
     *
     * @param name the section name, e.g. {@code ".maps"}
     * @return the section, or empty
     */
    public Optional<ElfSection> section(String name) {
        return Optional.ofNullable(sectionsByName.get(name));
    }

    /**
     * Returns the section at an index.
     *
     * @param index a section index
     * @return the section, or empty when the index is out of range
     */
    public Optional<ElfSection> section(int index) {
        return index >= 0 && index < sections.size() ? Optional.of(sections.get(index)) : Optional.empty();
    }

    /** @return the symbol table in index order, including the null symbol at index 0; empty without {@code .symtab} */
    public List<ElfSymbol> symbols() {
        return symbols;
    }

    /**
     * Returns the relocations that apply to a section, from every {@code SHT_REL}/{@code SHT_RELA}
     * section whose {@code sh_info} names it, in file order.
     *
     * @param target the relocated section
     * @return its relocations, empty when there are none
     */
    public List<ElfRelocation> relocations(ElfSection target) {
        return relocationsByTarget.getOrDefault(target.index(), List.of());
    }

    @Override
    public String toString() {
        return "ElfFile[" + fileName + ", " + byteOrder + ", " + sections.size() + " sections]";
    }

    /** Reads the file with every offset and count checked against the array before use. */
    private static final class Parser {
        private final String fileName;
        private final byte[] bytes;
        private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

        Parser(String fileName, byte[] bytes) {
            this.fileName = fileName;
            this.bytes = bytes;
        }

        ElfFile parse() throws BpfFormatException {
            if (bytes.length < 16 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
                throw fail(null, 0, "not an ELF file (the first four bytes are not 0x7f 'E' 'L' 'F');"
                        + " compile the program with clang -target bpf -c");
            }
            if (bytes[4] != 2) {
                throw fail(null, 4, "not a 64-bit ELF file (EI_CLASS is " + bytes[4] + ", expected 2);"
                        + " BPF objects are ELF64");
            }
            if (bytes[5] == 1) {
                order = ByteOrder.LITTLE_ENDIAN;
            } else if (bytes[5] == 2) {
                order = ByteOrder.BIG_ENDIAN;
            } else {
                throw fail(null, 5, "unknown ELF data encoding " + bytes[5] + " (expected 1 or 2)");
            }
            need(null, 0, EHDR_SIZE, "the ELF header");
            int type = u16(16);
            int machine = u16(18);
            if (machine != EM_BPF) {
                throw fail(null, 18, "e_machine is " + machine + ", not EM_BPF (247): this object was not"
                        + " compiled for BPF; use clang -target bpf");
            }
            if (type != ET_REL) {
                throw fail(null, 16, "e_type is " + type + ", not ET_REL (1): BPF objects must be relocatable"
                        + " (compile with -c and do not link)");
            }
            long shoff = u64(40);
            int shentsize = u16(58);
            long shnum = u16(60);
            int shstrndx = u16(62);
            if (shoff == 0) {
                throw fail(null, 40, "the file has no section header table (e_shoff is 0)");
            }
            if (shentsize != SHDR_SIZE) {
                throw fail(null, 58, "e_shentsize is " + shentsize + ", expected " + SHDR_SIZE);
            }
            need(null, shoff, SHDR_SIZE, "the first section header");
            if (shnum == 0) {
                // More than 0xff00 sections: the real count is in section 0's sh_size.
                shnum = u64(shoff + 32);
            }
            if (shstrndx == SHN_XINDEX) {
                shstrndx = (int) u32(shoff + 40);
            }
            // Unsigned: an extended count is a full 64-bit field, and a forged one must not pass as negative.
            if (Long.compareUnsigned(shnum, (bytes.length - shoff) / SHDR_SIZE) > 0) {
                throw fail(null, 60, "the section header table (" + Long.toUnsignedString(shnum)
                        + " entries at offset " + shoff + ") extends past the end of the " + bytes.length
                        + "-byte file");
            }
            int count = (int) shnum;
            if (shstrndx < 0 || shstrndx >= count) {
                throw fail(null, 62, "e_shstrndx " + Integer.toUnsignedString(shstrndx)
                        + " is not a section index (there are " + count + " sections)");
            }
            long[][] headers = new long[count][];
            for (int i = 0; i < count; i++) {
                long at = shoff + (long) i * SHDR_SIZE;
                headers[i] = new long[] {u32(at), u32(at + 4), u64(at + 8), u64(at + 24), u64(at + 32), u32(at + 40),
                    u32(at + 44), u64(at + 48), u64(at + 56), at};
                long type2 = headers[i][1];
                if (type2 != ElfSection.SHT_NOBITS && type2 != ElfSection.SHT_NULL) {
                    long offset = headers[i][3];
                    long size = headers[i][4];
                    if (offset < 0 || size < 0 || offset > bytes.length || size > bytes.length - offset) {
                        throw fail(null, at + 24, "section " + i + " (offset " + Long.toUnsignedString(offset)
                                + ", size " + Long.toUnsignedString(size) + ") extends past the end of the "
                                + bytes.length + "-byte file");
                    }
                }
            }
            long[] shstr = headers[shstrndx];
            if (shstr[1] != ElfSection.SHT_STRTAB) {
                throw fail(null, shstr[9] + 4, "the section name table (section " + shstrndx
                        + ") is not a string table");
            }
            List<ElfSection> sections = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long[] h = headers[i];
                String name = i == 0 && h[0] == 0 ? "" : string(null, shstr, h[0], h[9]);
                sections.add(new ElfSection(i, name, (int) h[1], h[2], h[3], h[4], (int) h[5], (int) h[6], h[7],
                        h[8], bytes, order));
            }
            List<ElfSymbol> symbols = readSymbols(sections, headers);
            Map<Integer, List<ElfRelocation>> relocations = readRelocations(sections, symbols);
            return new ElfFile(fileName, order, type, machine, sections, symbols, relocations);
        }

        private List<ElfSymbol> readSymbols(List<ElfSection> sections, long[][] headers) throws BpfFormatException {
            ElfSection symtab = null;
            for (ElfSection section : sections) {
                if (section.type() == ElfSection.SHT_SYMTAB) {
                    if (symtab != null) {
                        throw fail(section.name(), section.offset(), "the file has more than one symbol table");
                    }
                    symtab = section;
                }
            }
            if (symtab == null) {
                return List.of();
            }
            if (symtab.entsize() != SYM_SIZE) {
                throw fail(symtab.name(), headers[symtab.index()][9] + 56, "symbol table entry size is "
                        + symtab.entsize() + ", expected " + SYM_SIZE);
            }
            if (symtab.size() % SYM_SIZE != 0) {
                throw fail(symtab.name(), symtab.offset(), "symbol table size " + symtab.size()
                        + " is not a multiple of " + SYM_SIZE);
            }
            if (symtab.link() <= 0 || symtab.link() >= sections.size()
                    || sections.get(symtab.link()).type() != ElfSection.SHT_STRTAB) {
                throw fail(symtab.name(), headers[symtab.index()][9] + 40, "the symbol table's sh_link ("
                        + symtab.link() + ") does not name a string table");
            }
            long[] strtab = headers[symtab.link()];
            int count = (int) (symtab.size() / SYM_SIZE);
            List<ElfSymbol> symbols = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long at = symtab.offset() + (long) i * SYM_SIZE;
                long nameOffset = u32(at);
                int info = u8(at + 4);
                int other = u8(at + 5);
                int shndx = u16(at + 6);
                long value = u64(at + 8);
                long size = u64(at + 16);
                String name = nameOffset == 0 ? "" : string(symtab.name(), strtab, nameOffset, at);
                if (shndx != ElfSymbol.SHN_UNDEF && shndx < SHN_LORESERVE && shndx >= sections.size()) {
                    throw fail(symtab.name(), at + 6, "symbol " + i + " (" + name + ") refers to section " + shndx
                            + ", but there are only " + sections.size() + " sections");
                }
                symbols.add(new ElfSymbol(i, name, value, size, info >>> 4, info & 0xf, other & 0x3, shndx));
            }
            return symbols;
        }

        private Map<Integer, List<ElfRelocation>> readRelocations(List<ElfSection> sections, List<ElfSymbol> symbols)
                throws BpfFormatException {
            Map<Integer, List<ElfRelocation>> result = new HashMap<>();
            for (ElfSection section : sections) {
                if (!section.isRelocation()) {
                    continue;
                }
                boolean rela = section.type() == ElfSection.SHT_RELA;
                int entrySize = rela ? RELA_SIZE : REL_SIZE;
                if (section.size() % entrySize != 0) {
                    throw fail(section.name(), section.offset(), "relocation section size " + section.size()
                            + " is not a multiple of " + entrySize);
                }
                if (section.info() <= 0 || section.info() >= sections.size()) {
                    throw fail(section.name(), section.offset(), "relocation section applies to section "
                            + section.info() + ", which does not exist");
                }
                ElfSection target = sections.get(section.info());
                long targetSize = target.size();
                int count = (int) (section.size() / entrySize);
                // No computeIfAbsent or replaceAll lambdas: a lambda's first use costs a fresh JVM about a millisecond.
                List<ElfRelocation> list = result.get(target.index());
                if (list == null) {
                    list = new ArrayList<>();
                    result.put(target.index(), list);
                }
                for (int i = 0; i < count; i++) {
                    long at = section.offset() + (long) i * entrySize;
                    long offset = u64(at);
                    long info = u64(at + 8);
                    long addend = rela ? u64(at + 16) : 0;
                    long symbolIndex = info >>> 32;
                    if (symbolIndex >= symbols.size()) {
                        throw fail(section.name(), at + 8, "relocation " + i + " refers to symbol " + symbolIndex
                                + ", but the symbol table has " + symbols.size() + " entries");
                    }
                    if (offset < 0 || offset >= targetSize) {
                        throw fail(section.name(), at, "relocation " + i + " at offset "
                                + Long.toUnsignedString(offset) + " lies outside its target section "
                                + target.name() + " (" + targetSize + " bytes)");
                    }
                    list.add(new ElfRelocation(offset, symbols.get((int) symbolIndex), (int) info, addend));
                }
            }
            for (Map.Entry<Integer, List<ElfRelocation>> entry : result.entrySet()) {
                entry.setValue(Collections.unmodifiableList(entry.getValue()));
            }
            return result;
        }

        private String string(String section, long[] strtab, long offset, long referencedAt) throws BpfFormatException {
            long tableOffset = strtab[3];
            long tableSize = strtab[4];
            if (offset >= tableSize) {
                throw fail(section, referencedAt, "string offset " + offset + " is outside the string table ("
                        + tableSize + " bytes)");
            }
            int start = (int) (tableOffset + offset);
            int end = (int) (tableOffset + tableSize);
            for (int i = start; i < end; i++) {
                if (bytes[i] == 0) {
                    return new String(bytes, start, i - start, StandardCharsets.UTF_8);
                }
            }
            throw fail(section, tableOffset + offset, "string is not NUL-terminated within its string table");
        }

        private void need(String section, long at, long length, String what) throws BpfFormatException {
            if (at < 0 || at > bytes.length || length > bytes.length - at) {
                throw fail(section, at, "the file is truncated: " + what + " needs " + length + " bytes at offset "
                        + at + " but the file has only " + bytes.length + " bytes");
            }
        }

        private int u8(long at) throws BpfFormatException {
            need(null, at, 1, "a byte");
            return bytes[(int) at] & 0xff;
        }

        private int u16(long at) throws BpfFormatException {
            need(null, at, 2, "a 16-bit field");
            int a = bytes[(int) at] & 0xff;
            int b = bytes[(int) at + 1] & 0xff;
            return order == ByteOrder.LITTLE_ENDIAN ? a | b << 8 : a << 8 | b;
        }

        private long u32(long at) throws BpfFormatException {
            need(null, at, 4, "a 32-bit field");
            long value = 0;
            for (int i = 0; i < 4; i++) {
                int shift = order == ByteOrder.LITTLE_ENDIAN ? 8 * i : 8 * (3 - i);
                value |= (long) (bytes[(int) at + i] & 0xff) << shift;
            }
            return value;
        }

        private long u64(long at) throws BpfFormatException {
            need(null, at, 8, "a 64-bit field");
            long value = 0;
            for (int i = 0; i < 8; i++) {
                int shift = order == ByteOrder.LITTLE_ENDIAN ? 8 * i : 8 * (7 - i);
                value |= (long) (bytes[(int) at + i] & 0xff) << shift;
            }
            return value;
        }

        private BpfFormatException fail(String section, long at, String problem) {
            // Forged offsets can point anywhere; the reported position stays inside the file.
            return new BpfFormatException(fileName, section, Math.max(0, Math.min(at, bytes.length)), problem);
        }
    }
}
