/**
 * A reader for the relocatable ELF64 files clang writes for {@code -target bpf} (little-endian)
 * and {@code -target bpfeb} (big-endian): the header, section headers, the symbol table, string
 * tables and {@code SHT_REL}/{@code SHT_RELA} relocations. Everything is read and checked up
 * front by {@link dev.bpfj.toolchain.elf.ElfFile#parse}, so the accessors never fail later.
 */
package dev.bpfj.toolchain.elf;
