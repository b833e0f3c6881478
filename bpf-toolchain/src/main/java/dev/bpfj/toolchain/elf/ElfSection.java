package dev.bpfj.toolchain.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One section of an ELF file: its header fields ({@code Elf64_Shdr}) and its contents.
 *
 * <p>This is a final class rather than a record only because it keeps a private reference to
 * the file's bytes for {@link #bytes()}; its accessors are named like record components and it
 * is immutable. Two sections are equal when they come from the same file and have the same index.
 */
public final class ElfSection {

    /** Inactive section header. */
    public static final int SHT_NULL = 0;
    /** Program data: code, {@code .data}, {@code .rodata}, {@code .maps}, {@code .BTF}, license... */
    public static final int SHT_PROGBITS = 1;
    /** Symbol table. */
    public static final int SHT_SYMTAB = 2;
    /** String table. */
    public static final int SHT_STRTAB = 3;
    /** Relocations with explicit addends. */
    public static final int SHT_RELA = 4;
    /** Data that occupies no file space ({@code .bss}). */
    public static final int SHT_NOBITS = 8;
    /** Relocations without explicit addends (what clang emits for BPF). */
    public static final int SHT_REL = 9;
    /** LLVM address-significance table; carries nothing BPF cares about. */
    public static final int SHT_LLVM_ADDRSIG = 0x6fff4c03;

    /** Section is writable at run time. */
    public static final long SHF_WRITE = 0x1;
    /** Section occupies memory at run time. */
    public static final long SHF_ALLOC = 0x2;
    /** Section holds executable instructions. */
    public static final long SHF_EXECINSTR = 0x4;
    /** Section contents may be merged (string literal sections). */
    public static final long SHF_MERGE = 0x10;
    /** Section holds NUL-terminated strings. */
    public static final long SHF_STRINGS = 0x20;

    private final int index;
    private final String name;
    private final int type;
    private final long flags;
    private final long offset;
    private final long size;
    private final int link;
    private final int info;
    private final long addralign;
    private final long entsize;
    private final byte[] file;
    private final ByteOrder byteOrder;

    ElfSection(int index, String name, int type, long flags, long offset, long size, int link, int info,
               long addralign, long entsize, byte[] file, ByteOrder byteOrder) {
        this.index = index;
        this.name = name;
        this.type = type;
        this.flags = flags;
        this.offset = offset;
        this.size = size;
        this.link = link;
        this.info = info;
        this.addralign = addralign;
        this.entsize = entsize;
        this.file = file;
        this.byteOrder = byteOrder;
    }

    /** @return the index of this section in the section header table */
    public int index() {
        return index;
    }

    /** @return the section's name from the section header string table */
    public String name() {
        return name;
    }

    /** @return {@code sh_type}, e.g. {@link #SHT_PROGBITS} */
    public int type() {
        return type;
    }

    /** @return {@code sh_flags}, a combination of {@code SHF_*} bits */
    public long flags() {
        return flags;
    }

    /** @return {@code sh_offset}: where the contents start in the file */
    public long offset() {
        return offset;
    }

    /** @return {@code sh_size}: the size in bytes (for {@link #SHT_NOBITS}, the size in memory) */
    public long size() {
        return size;
    }

    /** @return {@code sh_link}, e.g. the string table of a symbol table */
    public int link() {
        return link;
    }

    /** @return {@code sh_info}, e.g. the section a relocation section applies to */
    public int info() {
        return info;
    }

    /** @return {@code sh_addralign} */
    public long addralign() {
        return addralign;
    }

    /** @return {@code sh_entsize}: the size of one entry for tables, else 0 */
    public long entsize() {
        return entsize;
    }

    /**
     * The section's contents as stored in the file. Sections of type {@link #SHT_NOBITS}
     * ({@code .bss}) have no stored contents and return an empty array even though
     * {@link #size()} is their size in memory.
     *
     * @return a fresh copy of the contents
     */
    public byte[] bytes() {
        if (type == SHT_NOBITS || type == SHT_NULL) {
            return new byte[0];
        }
        return Arrays.copyOfRange(file, (int) offset, (int) (offset + size));
    }

    /**
     * The section's contents as a read-only buffer in the file's byte order, without copying.
     *
     * @return a buffer positioned at 0 whose limit is the stored size (0 for {@link #SHT_NOBITS})
     */
    public ByteBuffer buffer() {
        int length = type == SHT_NOBITS || type == SHT_NULL ? 0 : (int) size;
        return ByteBuffer.wrap(file, type == SHT_NOBITS || type == SHT_NULL ? 0 : (int) offset, length)
                .slice().asReadOnlyBuffer().order(byteOrder);
    }

    /** @return true when the section holds instructions ({@link #SHF_EXECINSTR}) */
    public boolean isExecutable() {
        return (flags & SHF_EXECINSTR) != 0;
    }

    /** @return true when the section occupies memory at run time ({@link #SHF_ALLOC}) */
    public boolean isAlloc() {
        return (flags & SHF_ALLOC) != 0;
    }

    /** @return true when the section is writable at run time ({@link #SHF_WRITE}) */
    public boolean isWritable() {
        return (flags & SHF_WRITE) != 0;
    }

    /** @return true for relocation sections ({@link #SHT_REL} or {@link #SHT_RELA}) */
    public boolean isRelocation() {
        return type == SHT_REL || type == SHT_RELA;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ElfSection that && that.file == file && that.index == index;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(file) * 31 + index;
    }

    @Override
    public String toString() {
        return "ElfSection[" + index + " " + name + " type=" + type + " flags=0x" + Long.toHexString(flags)
                + " offset=" + offset + " size=" + size + "]";
    }
}
