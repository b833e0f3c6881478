package dev.bpfj.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Finds a section of a 64-bit ELF image by name, every offset and size checked against the bytes
 * present. Used before an image reaches libbpf ({@link ObjectCheck}) and to read {@code .BTF.ext}
 * ({@link CoReRelocations}).
 */
final class ElfSections {

    private static final int HEADER_SIZE = 64;
    private static final int SECTION_HEADER_SIZE = 64;
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_NOBITS = 8;
    private static final int SHT_REL = 9;
    private static final int SHN_LORESERVE = 0xff00;
    private static final int SYMBOL_SIZE = 24;
    private static final int RELOCATION_SIZE = 16;

    private ElfSections() {
    }

    /** Thrown for an ELF image whose headers point outside it. */
    static final class MalformedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /** Whether {@code elf} starts like a 64-bit ELF file (what libbpf accepts). */
    static boolean isElf64(byte[] elf) {
        return elf.length >= HEADER_SIZE && elf[0] == 0x7f && elf[1] == 'E' && elf[2] == 'L' && elf[3] == 'F'
                && elf[4] == 2;
    }

    /** The byte order the image declares. */
    static ByteOrder order(byte[] elf) {
        return elf[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /**
     * The contents of the section named {@code name}, in the file's byte order, or null when there
     * is none (or the image is not a 64-bit ELF file).
     *
     * @throws MalformedException when the section table, its names or the section's bytes lie
     *                            outside the image
     */
    static ByteBuffer find(byte[] elf, String name) {
        Table table = table(elf);
        if (table == null) {
            return null;
        }
        byte[] wanted = name.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < table.count; i++) {
            if (nameIs(table.names, Integer.toUnsignedLong(table.file.getInt(table.header(i))), wanted)) {
                return table.contents(i);
            }
        }
        return null;
    }

    /**
     * Checks what libbpf indexes with unchecked values besides BTF: every section's bytes and name,
     * the symbol tables' names and section indexes, and the relocations' symbol indexes.
     *
     * @return what is wrong, or null
     */
    static String problem(byte[] elf) {
        try {
            Table table = table(elf);
            if (table == null) {
                return null;
            }
            int[] symbolCounts = new int[table.count];
            for (int i = 0; i < table.count; i++) {
                int header = table.header(i);
                long name = Integer.toUnsignedLong(table.file.getInt(header));
                if (name >= table.names.limit()) {
                    return "section " + i + "'s name is at offset " + name + ", past its " + table.names.limit()
                            + "-byte name table";
                }
                ByteBuffer contents = table.contents(i);
                if (table.file.getInt(header + 4) == SHT_SYMTAB) {
                    String problem = symbolsProblem(table, i, contents);
                    if (problem != null) {
                        return problem;
                    }
                    symbolCounts[i] = contents.limit() / SYMBOL_SIZE;
                }
            }
            for (int i = 0; i < table.count; i++) {
                int header = table.header(i);
                if (table.file.getInt(header + 4) == SHT_REL) {
                    String problem = relocationsProblem(table, i, symbolCounts);
                    if (problem != null) {
                        return problem;
                    }
                }
            }
            return null;
        } catch (MalformedException e) {
            return e.getMessage();
        }
    }

    private static String symbolsProblem(Table table, int index, ByteBuffer symbols) {
        int link = table.file.getInt(table.header(index) + 40);
        if (link <= 0 || link >= table.count) {
            return "symbol table (section " + index + ") names string table " + link + ", which does not exist";
        }
        long strings = table.contents(link).limit();
        for (int s = 0; s + SYMBOL_SIZE <= symbols.limit(); s += SYMBOL_SIZE) {
            long name = Integer.toUnsignedLong(symbols.getInt(s));
            if (name != 0 && name >= strings) {
                return "symbol " + s / SYMBOL_SIZE + "'s name is at offset " + name + ", past its " + strings
                        + "-byte string table";
            }
            int section = Short.toUnsignedInt(symbols.getShort(s + 6));
            if (section >= table.count && section < SHN_LORESERVE) {
                return "symbol " + s / SYMBOL_SIZE + " is in section " + section + ", but there are only "
                        + table.count + " sections";
            }
        }
        return null;
    }

    private static String relocationsProblem(Table table, int index, int[] symbolCounts) {
        int header = table.header(index);
        int link = table.file.getInt(header + 40);
        int target = table.file.getInt(header + 44);
        if (link < 0 || link >= table.count || table.file.getInt(table.header(link) + 4) != SHT_SYMTAB) {
            return "relocation section " + index + " names symbol table " + link + ", which is not one";
        }
        if (target < 0 || target >= table.count) {
            return "relocation section " + index + " applies to section " + target + ", which does not exist";
        }
        ByteBuffer relocations = table.contents(index);
        for (int r = 0; r + RELOCATION_SIZE <= relocations.limit(); r += RELOCATION_SIZE) {
            long symbol = relocations.getLong(r + 8) >>> 32;
            if (symbol >= symbolCounts[link]) {
                return "relocation " + r / RELOCATION_SIZE + " of section " + index + " names symbol " + symbol
                        + ", but there are only " + symbolCounts[link];
            }
        }
        return null;
    }

    /** The section header table of a 64-bit ELF image, or null for another kind of file or none. */
    private static Table table(byte[] elf) {
        if (!isElf64(elf)) {
            return null;
        }
        ByteBuffer file = ByteBuffer.wrap(elf).order(order(elf));
        long start = file.getLong(0x28);
        int entrySize = Short.toUnsignedInt(file.getShort(0x3A));
        int count = Short.toUnsignedInt(file.getShort(0x3C));
        int namesIndex = Short.toUnsignedInt(file.getShort(0x3E));
        if (count == 0) {
            return null;
        }
        if (entrySize < SECTION_HEADER_SIZE || start < 0 || start > elf.length
                || (long) count * entrySize > elf.length - start) {
            throw new MalformedException("its section header table (" + count + " entries of " + entrySize
                    + " bytes at offset " + start + ") lies outside the file's " + elf.length + " bytes");
        }
        if (namesIndex >= count) {
            throw new MalformedException("its section name table index " + namesIndex + " is not below the "
                    + count + " sections");
        }
        Table table = new Table(file, elf.length, (int) start, entrySize, count, null);
        return new Table(file, elf.length, (int) start, entrySize, count, table.contents(namesIndex));
    }

    /** The section headers, bounds-checked, and the section name table. */
    private record Table(ByteBuffer file, int length, int start, int entrySize, int count, ByteBuffer names) {

        int header(int index) {
            return start + index * entrySize;
        }

        ByteBuffer contents(int index) {
            return ElfSections.contents(file, length, header(index), index);
        }
    }

    private static ByteBuffer contents(ByteBuffer file, int length, int header, int index) {
        if (file.getInt(header + 4) == SHT_NOBITS) {
            return ByteBuffer.allocate(0).order(file.order());
        }
        long offset = file.getLong(header + 24);
        long size = file.getLong(header + 32);
        if (offset < 0 || size < 0 || offset > length || size > length - offset) {
            throw new MalformedException("section " + index + " (" + size + " bytes at offset " + offset
                    + ") lies outside the file's " + length + " bytes");
        }
        return file.duplicate().position((int) offset).limit((int) (offset + size)).slice().order(file.order());
    }

    private static boolean nameIs(ByteBuffer names, long offset, byte[] wanted) {
        if (offset + wanted.length >= names.limit()) {
            return false;
        }
        for (int i = 0; i < wanted.length; i++) {
            if (names.get((int) offset + i) != wanted[i]) {
                return false;
            }
        }
        return names.get((int) offset + wanted.length) == 0;
    }
}
