package dev.bpfj.toolchain.clang;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough ELF64 reading for the compiler tests to look at what clang produced (machine and
 * section names), independent of the toolchain's own ELF reader.
 */
final class ElfPeek {

    private ElfPeek() {
    }

    static int machine(Path object) throws IOException {
        return buffer(object).getShort(18) & 0xffff;
    }

    static List<String> sectionNames(Path object) throws IOException {
        ByteBuffer elf = buffer(object);
        long shoff = elf.getLong(0x28);
        int shentsize = elf.getShort(0x3a) & 0xffff;
        int shnum = elf.getShort(0x3c) & 0xffff;
        int shstrndx = elf.getShort(0x3e) & 0xffff;
        long strtabOffset = elf.getLong((int) (shoff + (long) shstrndx * shentsize + 0x18));
        List<String> names = new ArrayList<>();
        for (int i = 1; i < shnum; i++) {
            int name = elf.getInt((int) (shoff + (long) i * shentsize));
            int start = (int) (strtabOffset + name);
            int end = start;
            while (elf.get(end) != 0) {
                end++;
            }
            byte[] bytes = new byte[end - start];
            elf.get(start, bytes);
            names.add(new String(bytes, StandardCharsets.US_ASCII));
        }
        return names;
    }

    private static ByteBuffer buffer(Path object) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(object)).order(ByteOrder.LITTLE_ENDIAN);
    }
}
