package dev.bpfj.toolchain.link;

import dev.bpfj.toolchain.elf.ElfFile;
import dev.bpfj.toolchain.elf.ElfSection;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a relocatable ELF64 file for {@code EM_BPF}: the header, each section's contents
 * aligned as asked, the section name table, and the section header table at the end. The
 * output depends only on what was added, in that order.
 */
final class ElfWriter {

    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;

    /** One section to write. */
    private static final class Section {
        final String name;
        final int type;
        final long flags;
        final long align;
        final long entsize;
        final byte[] data;
        final long size;
        int link;
        int info;

        Section(String name, int type, long flags, long align, long entsize, byte[] data, long size) {
            this.name = name;
            this.type = type;
            this.flags = flags;
            this.align = align;
            this.entsize = entsize;
            this.data = data;
            this.size = size;
        }
    }

    private final ByteOrder order;
    private final List<Section> sections = new ArrayList<>();

    ElfWriter(ByteOrder order) {
        this.order = order;
        sections.add(new Section("", ElfSection.SHT_NULL, 0, 0, 0, new byte[0], 0));
    }

    /**
     * Adds a section with contents.
     *
     * @return its index
     */
    int add(String name, int type, long flags, long align, long entsize, byte[] data) {
        sections.add(new Section(name, type, flags, Math.max(1, align), entsize, data, data.length));
        return sections.size() - 1;
    }

    /**
     * Adds a {@code SHT_NOBITS} section ({@code .bss}).
     *
     * @return its index
     */
    int addNobits(String name, long flags, long align, long size) {
        sections.add(new Section(name, ElfSection.SHT_NOBITS, flags, Math.max(1, align), 0, new byte[0], size));
        return sections.size() - 1;
    }

    /** Sets {@code sh_link} and {@code sh_info} of a section added before. */
    void linkInfo(int index, int link, int info) {
        sections.get(index).link = link;
        sections.get(index).info = info;
    }

    /** @return the index the next added section gets */
    int nextIndex() {
        return sections.size();
    }

    /** @return the whole file */
    byte[] write() {
        // The section name table, built from the names added, deduplicated.
        Map<String, Integer> nameOffsets = new LinkedHashMap<>();
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        names.write(0);
        nameOffsets.put("", 0);
        int shstrndx = sections.size();
        List<String> allNames = new ArrayList<>();
        for (Section section : sections) {
            allNames.add(section.name);
        }
        allNames.add(".shstrtab");
        for (String name : allNames) {
            if (!nameOffsets.containsKey(name)) {
                nameOffsets.put(name, names.size());
                byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
                names.write(bytes, 0, bytes.length);
                names.write(0);
            }
        }
        List<Section> all = new ArrayList<>(sections);
        all.add(new Section(".shstrtab", ElfSection.SHT_STRTAB, 0, 1, 0, names.toByteArray(),
                names.size()));

        long[] offsets = new long[all.size()];
        long at = EHDR_SIZE;
        for (int i = 1; i < all.size(); i++) {
            Section section = all.get(i);
            at = align(at, section.align);
            offsets[i] = at;
            if (section.type != ElfSection.SHT_NOBITS) {
                at += section.data.length;
            }
        }
        long shoff = align(at, 8);
        ByteBuffer out = ByteBuffer.allocate((int) (shoff + (long) SHDR_SIZE * all.size())).order(order);
        out.put(new byte[] {0x7f, 'E', 'L', 'F', 2, (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2), 1, 0});
        out.position(16);
        out.putShort((short) ElfFile.ET_REL);
        out.putShort((short) ElfFile.EM_BPF);
        out.putInt(1);
        out.putLong(0);
        out.putLong(0);
        out.putLong(shoff);
        out.putInt(0);
        out.putShort((short) EHDR_SIZE);
        out.putShort((short) 0);
        out.putShort((short) 0);
        out.putShort((short) SHDR_SIZE);
        out.putShort((short) all.size());
        out.putShort((short) shstrndx);
        for (int i = 1; i < all.size(); i++) {
            Section section = all.get(i);
            if (section.type != ElfSection.SHT_NOBITS) {
                out.put((int) offsets[i], section.data);
            }
        }
        for (int i = 0; i < all.size(); i++) {
            Section section = all.get(i);
            out.position((int) (shoff + (long) i * SHDR_SIZE));
            out.putInt(nameOffsets.get(section.name));
            out.putInt(section.type);
            out.putLong(section.flags);
            out.putLong(0);
            out.putLong(i == 0 ? 0 : offsets[i]);
            out.putLong(section.size);
            out.putInt(section.link);
            out.putInt(section.info);
            out.putLong(i == 0 ? 0 : section.align);
            out.putLong(section.entsize);
        }
        return out.array();
    }

    static long align(long value, long alignment) {
        return alignment <= 1 ? value : (value + alignment - 1) / alignment * alignment;
    }
}
