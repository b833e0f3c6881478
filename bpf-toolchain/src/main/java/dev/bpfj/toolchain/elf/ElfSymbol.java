package dev.bpfj.toolchain.elf;

/**
 * One entry of the ELF symbol table ({@code Elf64_Sym}).
 *
 * @param index        the symbol's index in {@code .symtab}, which relocations refer to
 * @param name         the symbol's name from the string table; empty for unnamed symbols, including the
 *                     section symbols clang writes (tools such as readelf show the section's name instead)
 * @param value        {@code st_value}: for symbols in relocatable files, the offset in their section
 * @param size         {@code st_size} in bytes
 * @param bind         {@code ELF64_ST_BIND(st_info)}: {@link #STB_LOCAL}, {@link #STB_GLOBAL}, {@link #STB_WEAK}
 * @param type         {@code ELF64_ST_TYPE(st_info)}: {@link #STT_NOTYPE}, {@link #STT_OBJECT},
 *                     {@link #STT_FUNC}, {@link #STT_SECTION}, {@link #STT_FILE}
 * @param visibility   {@code ELF64_ST_VISIBILITY(st_other)}: {@link #STV_DEFAULT}, {@link #STV_HIDDEN}, ...
 * @param sectionIndex {@code st_shndx}: the index of the section the symbol is defined in, {@link #SHN_UNDEF}
 *                     for undefined (extern) symbols, or a reserved value such as {@link #SHN_ABS}
 */
public record ElfSymbol(int index, String name, long value, long size, int bind, int type, int visibility,
                        int sectionIndex) {

    /** Local symbol binding. */
    public static final int STB_LOCAL = 0;
    /** Global symbol binding. */
    public static final int STB_GLOBAL = 1;
    /** Weak symbol binding. */
    public static final int STB_WEAK = 2;

    /** Symbol of unspecified type (clang uses it for extern ksyms and kconfig variables). */
    public static final int STT_NOTYPE = 0;
    /** Data object. */
    public static final int STT_OBJECT = 1;
    /** Function. */
    public static final int STT_FUNC = 2;
    /** Section symbol. */
    public static final int STT_SECTION = 3;
    /** Source file name. */
    public static final int STT_FILE = 4;

    /** Default visibility. */
    public static final int STV_DEFAULT = 0;
    /** Internal visibility. */
    public static final int STV_INTERNAL = 1;
    /** Hidden visibility ({@code __hidden}). */
    public static final int STV_HIDDEN = 2;
    /** Protected visibility. */
    public static final int STV_PROTECTED = 3;

    /** Undefined section index: the symbol is defined elsewhere (an extern). */
    public static final int SHN_UNDEF = 0;
    /** Absolute symbol, not relative to any section. */
    public static final int SHN_ABS = 0xfff1;
    /** Common symbol. */
    public static final int SHN_COMMON = 0xfff2;

    /** @return true for {@link #STT_FUNC} symbols */
    public boolean isFunction() {
        return type == STT_FUNC;
    }

    /** @return true for {@link #STT_OBJECT} symbols */
    public boolean isObject() {
        return type == STT_OBJECT;
    }

    /** @return true for {@link #STT_SECTION} symbols */
    public boolean isSection() {
        return type == STT_SECTION;
    }

    /** @return true when the symbol is visible outside its object ({@link #STB_GLOBAL} or {@link #STB_WEAK}) */
    public boolean isGlobal() {
        return bind == STB_GLOBAL || bind == STB_WEAK;
    }

    /** @return true for {@link #STB_WEAK} symbols */
    public boolean isWeak() {
        return bind == STB_WEAK;
    }

    /** @return true when the symbol is not defined in this file ({@link #SHN_UNDEF}) */
    public boolean isUndefined() {
        return sectionIndex == SHN_UNDEF;
    }
}
