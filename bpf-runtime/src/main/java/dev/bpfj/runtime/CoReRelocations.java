package dev.bpfj.runtime;

import java.nio.ByteBuffer;

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
        return ElfSections.find(elf, ".BTF.ext");
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
