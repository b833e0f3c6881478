package dev.bpfj.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Counts the CO-RE relocations of a BPF ELF object, read from its {@code .BTF.ext} section, so
 * that a load which cannot succeed (CO-RE needs the kernel's BTF) fails early with a hint
 * instead of with libbpf's generic error.
 *
 * <p>Only relocations that need the target kernel's types count: a {@code bpf_core_type_id_local}
 * relocation resolves against the object's own BTF. Anything this reader does not understand
 * counts as "no CO-RE": libbpf has accepted the object already and stays the judge at load.
 */
final class CoReRelocations {

    private static final int BTF_EXT_MAGIC = 0xEB9F;
    /** {@code BPF_CORE_TYPE_ID_LOCAL}: the one relocation kind that needs no kernel BTF. */
    private static final int KIND_TYPE_ID_LOCAL = 6;
    private static final int SECTION_HEADER_SIZE = 64;

    private CoReRelocations() {
    }

    /** The number of CO-RE relocations in {@code elf} that need the kernel's BTF; 0 when there are none or the file is not understood. */
    static int needingKernelBtf(byte[] elf) {
        try {
            ByteBuffer ext = btfExt(elf);
            return ext == null ? 0 : countRelocations(ext);
        } catch (RuntimeException malformed) {
            return 0;
        }
    }

    /** The {@code .BTF.ext} section of a 64-bit ELF file, in the file's byte order, or null. */
    private static ByteBuffer btfExt(byte[] elf) {
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2) {
            return null;
        }
        ByteOrder order = elf[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ByteBuffer file = ByteBuffer.wrap(elf).order(order);
        long sectionTable = file.getLong(0x28);
        int entrySize = Short.toUnsignedInt(file.getShort(0x3A));
        int count = Short.toUnsignedInt(file.getShort(0x3C));
        int namesIndex = Short.toUnsignedInt(file.getShort(0x3E));
        if (entrySize < SECTION_HEADER_SIZE || namesIndex >= count) {
            return null;
        }
        long namesOffset = file.getLong(Math.toIntExact(sectionTable + (long) namesIndex * entrySize + 24));
        for (int i = 0; i < count; i++) {
            int header = Math.toIntExact(sectionTable + (long) i * entrySize);
            int nameOffset = file.getInt(header);
            if (nameIs(elf, Math.toIntExact(namesOffset + Integer.toUnsignedLong(nameOffset)), ".BTF.ext")) {
                int offset = Math.toIntExact(file.getLong(header + 24));
                int size = Math.toIntExact(file.getLong(header + 32));
                return ByteBuffer.wrap(elf, offset, size).slice().order(order);
            }
        }
        return null;
    }

    private static boolean nameIs(byte[] elf, int offset, String name) {
        byte[] wanted = name.getBytes(StandardCharsets.US_ASCII);
        if (offset < 0 || offset + wanted.length >= elf.length) {
            return false;
        }
        for (int i = 0; i < wanted.length; i++) {
            if (elf[offset + i] != wanted[i]) {
                return false;
            }
        }
        return elf[offset + wanted.length] == 0;
    }

    /**
     * Walks the CO-RE part of {@code .BTF.ext}: a header whose length says whether the CO-RE
     * offset/length pair exists, then a record size followed by per-ELF-section blocks of
     * {@code (section name, record count)} and the records, whose fourth word is the kind.
     */
    private static int countRelocations(ByteBuffer ext) {
        if (Short.toUnsignedInt(ext.getShort(0)) != BTF_EXT_MAGIC) {
            return 0;
        }
        int headerLength = ext.getInt(4);
        if (headerLength < 32) {
            return 0; // written by a compiler that knew no CO-RE
        }
        int coreOffset = headerLength + ext.getInt(24);
        int coreLength = ext.getInt(28);
        if (coreLength <= 4) {
            return 0;
        }
        int recordSize = ext.getInt(coreOffset);
        if (recordSize < 16) {
            return 0;
        }
        int position = coreOffset + 4;
        int end = coreOffset + coreLength;
        int relocations = 0;
        while (position + 8 <= end) {
            int records = ext.getInt(position + 4);
            position += 8;
            for (int r = 0; r < records && position + recordSize <= end; r++, position += recordSize) {
                if (ext.getInt(position + 12) != KIND_TYPE_ID_LOCAL) {
                    relocations++;
                }
            }
        }
        return relocations;
    }
}
