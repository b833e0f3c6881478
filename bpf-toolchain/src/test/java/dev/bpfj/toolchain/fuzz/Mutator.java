package dev.bpfj.toolchain.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Structure-aware mutations of a BPF ELF object: besides blind bit flips and truncations it knows
 * where the ELF header, the section headers, the symbol table, the BTF header, the BTF type
 * records and the BTF.ext records lie, and writes the values that break readers (0, -1, huge
 * counts, sizes just past the end, negative 64-bit sizes) into exactly those fields.
 *
 * <p>The layout is found by a deliberately lenient walk of the <em>unmutated</em> seed (which is
 * a valid object), so the mutator itself never trips over the damage it makes.
 */
final class Mutator {

    /** A field to edit: its offset in the file and its width in bytes. */
    record Field(int offset, int width) {
    }

    private final byte[] seed;
    private final ByteOrder order;
    private final List<Field> elfHeader = new ArrayList<>();
    private final List<Field> sectionHeaders = new ArrayList<>();
    private final List<Field> symbols = new ArrayList<>();
    private final List<Field> btfHeader = new ArrayList<>();
    private final List<Field> btfTypes = new ArrayList<>();
    private final List<Field> btfExt = new ArrayList<>();
    /** Opcodes, registers, offsets and immediates of instructions, and relocation records. */
    private final List<Field> code = new ArrayList<>();
    /** Offset of section header 0, for the extended-numbering edit. */
    private int shoff;

    Mutator(byte[] seed) {
        this.seed = seed;
        this.order = seed[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        map();
    }

    /** @return a mutated copy of the seed; {@code description} receives what was done */
    byte[] mutate(Random random, StringBuilder description) {
        byte[] bytes = seed.clone();
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            bytes = mutateOnce(bytes, random, description);
        }
        return bytes;
    }

    private byte[] mutateOnce(byte[] bytes, Random random, StringBuilder description) {
        if (bytes.length == 0) {
            return bytes;
        }
        int choice = random.nextInt(13);
        switch (choice) {
            case 0 -> {
                int at = random.nextInt(bytes.length);
                bytes[at] ^= (byte) (1 << random.nextInt(8));
                description.append("flip@").append(at).append(' ');
            }
            case 1 -> {
                int length = random.nextInt(bytes.length);
                description.append("truncate@").append(length).append(' ');
                return java.util.Arrays.copyOf(bytes, length);
            }
            case 2 -> {
                // Extended section numbering: e_shnum 0 and the count in section 0's sh_size.
                if (bytes.length >= 64 && shoff + 64 <= bytes.length) {
                    put(bytes, new Field(60, 2), 0);
                    put(bytes, new Field(shoff + 32, 8), interesting(random, seedValue(new Field(shoff + 32, 8))));
                    description.append("xnum ");
                }
            }
            case 3 -> edit(bytes, elfHeader, random, description, "ehdr");
            case 4, 5 -> edit(bytes, sectionHeaders, random, description, "shdr");
            case 6 -> edit(bytes, symbols, random, description, "sym");
            case 7 -> edit(bytes, btfHeader, random, description, "btfhdr");
            case 8, 9 -> edit(bytes, btfTypes, random, description, "btftype");
            case 10 -> edit(bytes, btfExt, random, description, "btfext");
            case 11 -> edit(bytes, code, random, description, "code");
            default -> {
                int at = random.nextInt(bytes.length);
                bytes[at] = (byte) (random.nextBoolean() ? 0xff : random.nextInt(256));
                description.append("byte@").append(at).append(' ');
            }
        }
        return bytes;
    }

    private void edit(byte[] bytes, List<Field> fields, Random random, StringBuilder description, String what) {
        if (fields.isEmpty()) {
            return;
        }
        Field field = fields.get(random.nextInt(fields.size()));
        if (field.offset() + field.width() > bytes.length) {
            return;
        }
        long value = interesting(random, read(bytes, field));
        put(bytes, field, value);
        description.append(what).append('@').append(field.offset()).append('=').append(Long.toHexString(value))
                .append(' ');
    }

    /**
     * A copy of the seed with one BTF type record field changed (a name, a member name, a type
     * reference, a size): an object the reader often still accepts, for testing what the
     * generators make of it.
     */
    byte[] mutateBtfType(Random random, StringBuilder description) {
        byte[] bytes = seed.clone();
        edit(bytes, btfTypes, random, description, "btftype");
        return bytes;
    }

    /** Values that find off-by-ones, sign errors and unchecked allocations. */
    private static long interesting(Random random, long current) {
        return switch (random.nextInt(17)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> 1;
            case 3 -> 0x7fff_ffffL;
            case 4 -> 0x8000_0000L;
            case 5 -> 0xffff_ffffL;
            case 6 -> 0x7fff_ffff_ffff_ffffL;
            case 7 -> 0x8000_0000_1000_0000L;
            case 8 -> current + 1;
            case 9 -> current - 1;
            case 10 -> current + 8;
            case 11 -> current - 8;
            case 12 -> current * 2 + 1;
            case 13 -> -8L * (1 + random.nextInt(4));
            case 14 -> Long.MIN_VALUE;
            case 15 -> 0x4000_0000L;
            default -> random.nextLong();
        };
    }

    private long seedValue(Field field) {
        return read(seed, field);
    }

    private long read(byte[] bytes, Field field) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(order);
        return switch (field.width()) {
            case 1 -> bytes[field.offset()] & 0xff;
            case 2 -> buffer.getShort(field.offset()) & 0xffff;
            case 4 -> buffer.getInt(field.offset()) & 0xffff_ffffL;
            default -> buffer.getLong(field.offset());
        };
    }

    private void put(byte[] bytes, Field field, long value) {
        if (field.offset() + field.width() > bytes.length) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(order);
        switch (field.width()) {
            case 1 -> bytes[field.offset()] = (byte) value;
            case 2 -> buffer.putShort(field.offset(), (short) value);
            case 4 -> buffer.putInt(field.offset(), (int) value);
            default -> buffer.putLong(field.offset(), value);
        }
    }

    // ------------------------------------------------------------------ layout of the seed

    private void map() {
        ByteBuffer b = ByteBuffer.wrap(seed).order(order);
        for (int[] f : new int[][] {{16, 2}, {18, 2}, {40, 8}, {58, 2}, {60, 2}, {62, 2}}) {
            elfHeader.add(new Field(f[0], f[1]));
        }
        shoff = (int) b.getLong(40);
        int shnum = b.getShort(60) & 0xffff;
        int btfOffset = -1;
        int btfSize = 0;
        int extOffset = -1;
        int extSize = 0;
        int shstrOffset = (int) b.getLong(shoff + (b.getShort(62) & 0xffff) * 64 + 24);
        for (int i = 0; i < shnum; i++) {
            int at = shoff + i * 64;
            for (int[] f : new int[][] {{0, 4}, {4, 4}, {8, 8}, {24, 8}, {32, 8}, {40, 4}, {44, 4}, {56, 8}}) {
                sectionHeaders.add(new Field(at + f[0], f[1]));
            }
            int type = b.getInt(at + 4);
            int offset = (int) b.getLong(at + 24);
            int size = (int) b.getLong(at + 32);
            String name = cString(shstrOffset + b.getInt(at));
            if (type == 2) { // SHT_SYMTAB
                for (int s = offset; s + 24 <= offset + size; s += 24) {
                    for (int[] f : new int[][] {{0, 4}, {4, 1}, {6, 2}, {8, 8}, {16, 8}}) {
                        symbols.add(new Field(s + f[0], f[1]));
                    }
                }
            } else if ((b.getLong(at + 8) & 0x4) != 0 && type == 1) { // SHF_EXECINSTR PROGBITS
                for (int slot = offset; slot + 8 <= offset + size; slot += 8) {
                    code.add(new Field(slot, 1));
                    code.add(new Field(slot + 1, 1));
                    code.add(new Field(slot + 2, 2));
                    code.add(new Field(slot + 4, 4));
                }
            } else if (type == 9 || type == 4) { // SHT_REL, SHT_RELA
                for (int rel = offset; rel + 16 <= offset + size; rel += type == 9 ? 16 : 24) {
                    code.add(new Field(rel, 8));
                    code.add(new Field(rel + 8, 4));
                    code.add(new Field(rel + 12, 4));
                }
            } else if (name.equals(".BTF")) {
                btfOffset = offset;
                btfSize = size;
            } else if (name.equals(".BTF.ext")) {
                extOffset = offset;
                extSize = size;
            }
        }
        if (btfOffset >= 0) {
            mapBtf(b, btfOffset, btfSize);
        }
        if (extOffset >= 0) {
            mapBtfExt(b, extOffset, extSize);
        }
    }

    private void mapBtf(ByteBuffer b, int base, int size) {
        for (int f = 4; f < 24; f += 4) {
            btfHeader.add(new Field(base + f, 4));
        }
        int hdrLen = b.getInt(base + 4);
        int typeStart = base + hdrLen + b.getInt(base + 8);
        int typeEnd = typeStart + b.getInt(base + 12);
        int at = typeStart;
        while (at + 12 <= typeEnd && at + 12 <= base + size) {
            int info = b.getInt(at + 4);
            int kind = info >>> 24 & 0x1f;
            int vlen = info & 0xffff;
            btfTypes.add(new Field(at, 4));
            btfTypes.add(new Field(at + 4, 4));
            btfTypes.add(new Field(at + 6, 2)); // vlen alone (little-endian low half)
            btfTypes.add(new Field(at + 8, 4));
            int extra = switch (kind) {
                case 1, 14, 17 -> 4; // INT, VAR, DECL_TAG
                case 3 -> 12; // ARRAY
                case 4, 5, 15 -> 12 * vlen; // STRUCT, UNION, DATASEC
                case 6, 13 -> 8 * vlen; // ENUM, FUNC_PROTO
                case 19 -> 12 * vlen; // ENUM64
                default -> 0;
            };
            for (int f = 0; f + 4 <= extra; f += 4) {
                btfTypes.add(new Field(at + 12 + f, 4));
            }
            at += 12 + extra;
        }
    }

    private void mapBtfExt(ByteBuffer b, int base, int size) {
        int hdrLen = b.getInt(base + 4);
        for (int f = 8; f + 4 <= hdrLen && f < 32; f += 4) {
            btfExt.add(new Field(base + f, 4));
        }
        // Every word of the info blocks: record sizes, section names, counts and the records.
        for (int f = base + hdrLen; f + 4 <= base + size; f += 4) {
            btfExt.add(new Field(f, 4));
        }
    }

    private String cString(int at) {
        int end = at;
        while (end < seed.length && seed[end] != 0) {
            end++;
        }
        return new String(seed, at, end - at, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
