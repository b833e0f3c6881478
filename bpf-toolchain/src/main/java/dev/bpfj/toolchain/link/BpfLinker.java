package dev.bpfj.toolchain.link;

import dev.bpfj.toolchain.BpfFormatException;
import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.btf.BtfArray;
import dev.bpfj.toolchain.btf.BtfMember;
import dev.bpfj.toolchain.btf.BtfPtr;
import dev.bpfj.toolchain.btf.BtfStruct;
import dev.bpfj.toolchain.btf.BtfCoreRelocation;
import dev.bpfj.toolchain.btf.BtfExt;
import dev.bpfj.toolchain.btf.BtfFunc;
import dev.bpfj.toolchain.btf.BtfFuncInfo;
import dev.bpfj.toolchain.btf.BtfFuncProto;
import dev.bpfj.toolchain.btf.BtfLineInfo;
import dev.bpfj.toolchain.btf.BtfType;
import dev.bpfj.toolchain.btf.BtfVar;
import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.elf.ElfFile;
import dev.bpfj.toolchain.elf.ElfRelocation;
import dev.bpfj.toolchain.elf.ElfSection;
import dev.bpfj.toolchain.elf.ElfSymbol;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Links relocatable BPF objects into one, the way {@code bpftool gen object} (libbpf's linker)
 * does, in pure Java and deterministically: the same inputs in the same order give the same bytes.
 *
 * <ul>
 *   <li><b>Sections</b> of the same name are concatenated in input order, each piece aligned as its
 *       input asked: code sections (programs from all files, {@code .text} with all subprograms),
 *       {@code .data}, {@code .bss}, {@code .rodata*}, {@code .maps}. {@code license} and
 *       {@code version} appear once and must agree between files. DWARF and other sections
 *       that are not loaded are dropped ({@code .BTF}/{@code .BTF.ext} are rebuilt).</li>
 *   <li><b>Symbols</b>: static ones stay apart per file, even with the same name. A global name
 *       has at most one strong definition; a strong one wins over {@code __weak} ones (the first
 *       {@code __weak} one wins among those); externs resolve to the definition. An extern that no
 *       file defines must be a {@code __ksym} or {@code __kconfig} extern the loader provides.</li>
 *   <li><b>Relocations</b> follow their sections; those against a section symbol (static
 *       functions, static data) get the piece's new offset added to the instruction's immediate.</li>
 *   <li><b>BTF</b> is merged with type ids and strings remapped, externs pointed at their
 *       definitions, structurally identical types deduplicated, and one {@code DATASEC} per
 *       section rebuilt with the variables' final offsets. <b>BTF.ext</b> function, line and CO-RE
 *       records are shifted with their code and remapped.</li>
 * </ul>
 */
public final class BpfLinker {

    private static final int INSN_SIZE = 8;
    private static final int CALL = 0x85;
    private static final int SHN_LORESERVE = 0xff00;
    /** Clang aligns BPF sections to at most 8 bytes; anything near this is a damaged header. */
    private static final long MAX_ALIGN = 4096;
    /** Far beyond any BPF object, and small enough that the written file's offsets stay ints. */
    private static final long MAX_SECTION = 256L << 20;

    private BpfLinker() {
    }

    /** One input file. */
    private static final class Input {
        final String name;
        final ElfFile elf;
        final byte[] btfBytes;
        final Btf btf;
        final BtfExt ext;
        /** Output section and offset of each input section index, or null when it is not kept. */
        final OutSection[] outSection;
        final long[] outOffset;
        int btfBase;
        int[] symbolMap;

        Input(String name, ElfFile elf, byte[] btfBytes, Btf btf, BtfExt ext) {
            this.name = name;
            this.elf = elf;
            this.btfBytes = btfBytes;
            this.btf = btf;
            this.ext = ext;
            this.outSection = new OutSection[elf.sections().size()];
            this.outOffset = new long[elf.sections().size()];
        }
    }

    /** One output section being assembled. */
    private static final class OutSection {
        final String name;
        final int type;
        final long flags;
        long align = 1;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        /** The contents once laid out, which relocations patch in place. */
        byte[] bytes;
        long size;
        int index;
        /** For license and version: the file whose copy is kept. */
        Input keptFrom;
        final List<long[]> relocations = new ArrayList<>();

        OutSection(String name, int type, long flags) {
            this.name = name;
            this.type = type;
            this.flags = flags;
        }

        boolean isExecutable() {
            return (flags & ElfSection.SHF_EXECINSTR) != 0;
        }
    }

    /** A global name across the files. */
    private static final class Global {
        final String name;
        Input definedIn;
        ElfSymbol definition;
        boolean strongReference;
        /** Whether any declaration or definition is {@code __hidden}: hidden is contagious, as in libbpf's linker. */
        boolean hidden;
        final List<Input> referencedFrom = new ArrayList<>();
        int outIndex;

        Global(String name) {
            this.name = name;
        }
    }

    /**
     * Links objects.
     *
     * @param inputs the objects, in link order (at least one)
     * @return the linked object file
     * @throws BpfBuildException if the objects cannot be linked: not BPF objects, no BTF,
     *                           different byte orders, two strong definitions of a name, an
     *                           extern nobody defines, licenses that differ, or something this
     *                           linker does not support; the message names the files and symbols
     */
    public static byte[] link(List<LinkInput> inputs) throws BpfBuildException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("nothing to link");
        }
        try {
            return linkChecked(inputs);
        } catch (RuntimeException bug) {
            // Inputs passed the readers' checks, so this is the linker's fault: say which files made it fail.
            List<String> names = new ArrayList<>();
            for (LinkInput input : inputs) {
                names.add(input.name());
            }
            throw new IllegalStateException("bpfj's linker failed on " + String.join(", ", names) + ": " + bug
                    + " (please report this with the sources; bpftool gen object may link them meanwhile)", bug);
        }
    }

    private static byte[] linkChecked(List<LinkInput> inputs) throws BpfBuildException {
        List<Input> files = new ArrayList<>();
        for (LinkInput input : inputs) {
            files.add(read(input));
        }
        ByteOrder order = files.get(0).elf.byteOrder();
        for (Input file : files) {
            if (file.elf.byteOrder() != order) {
                throw new BpfBuildException("Cannot link " + files.get(0).name + " (" + order + ") with " + file.name
                        + " (" + file.elf.byteOrder() + "): the objects have different byte orders");
            }
        }
        Map<String, OutSection> sections = layoutSections(files);
        Map<String, Global> globals = resolveGlobals(files, sections);
        List<byte[]> symbols = new ArrayList<>();
        StringTable symbolNames = new StringTable();
        buildSymbols(files, sections, globals, symbols, symbolNames, order);
        relocate(files, order);
        BtfMerger btf = new BtfMerger(order);
        for (Input file : files) {
            file.btfBase = btf.addFile(file.name, file.btfBytes);
        }
        resolveBtfExterns(files, globals, btf);
        rebuildDatasecs(files, sections, globals, btf);
        byte[] ext = mergeExt(files, sections, btf);
        BtfMerger.Result merged = btf.finish();
        byte[] extBytes = ext == null ? null : patchExtTypeIds(ext, merged.finalIds(), order);
        return write(order, sections, symbols, symbolNames, globals, merged.bytes(), extBytes);
    }

    private static Input read(LinkInput input) throws BpfBuildException {
        ElfFile elf;
        try {
            elf = ElfFile.parse(input.name(), input.bytes());
        } catch (BpfFormatException malformed) {
            throw new BpfBuildException(input.name() + " is not a BPF object that can be linked: "
                    + malformed.getMessage());
        }
        ElfSection btfSection = elf.section(".BTF").orElseThrow(() -> new BpfBuildException(input.name()
                + " has no .BTF section, so it cannot be linked (the merged BTF is what the skeleton and CO-RE"
                + " need): compile it with -g, as the plugin does unless cflags remove it"));
        try {
            Btf btf = Btf.parse(input.name(), btfSection.buffer(), ".BTF", btfSection.offset());
            BtfExt ext = null;
            if (elf.section(".BTF.ext").isPresent()) {
                ElfSection extSection = elf.section(".BTF.ext").get();
                ext = BtfExt.parse(input.name(), extSection.buffer(), ".BTF.ext", extSection.offset(), btf);
            }
            return new Input(input.name(), elf, btfSection.bytes(), btf, ext);
        } catch (BpfFormatException malformed) {
            throw new BpfBuildException(input.name() + " has BTF that cannot be linked: " + malformed.getMessage());
        }
    }

    private static boolean isLoaded(ElfSection section) {
        return section.isAlloc() && (section.type() == ElfSection.SHT_PROGBITS
                || section.type() == ElfSection.SHT_NOBITS);
    }

    private static boolean isSingleton(String name) {
        return name.equals("license") || name.equals("version");
    }

    /** Concatenates the loaded sections by name, in first-seen order, and records where each piece went. */
    private static Map<String, OutSection> layoutSections(List<Input> files) throws BpfBuildException {
        Map<String, OutSection> sections = new LinkedHashMap<>();
        for (Input file : files) {
            for (ElfSection section : file.elf.sections()) {
                if (!isLoaded(section)) {
                    continue;
                }
                OutSection out = sections.get(section.name());
                if (out == null) {
                    out = new OutSection(section.name(), section.type(), section.flags());
                    sections.put(section.name(), out);
                } else if (out.type != section.type() || (out.flags & (ElfSection.SHF_WRITE
                        | ElfSection.SHF_EXECINSTR)) != (section.flags() & (ElfSection.SHF_WRITE
                        | ElfSection.SHF_EXECINSTR))) {
                    throw new BpfBuildException("Cannot link section " + section.name() + " of " + file.name
                            + " with the section of that name in an earlier file: one is "
                            + describe(out.type, out.flags) + ", the other " + describe(section.type(), section.flags())
                            + "; give them different SEC() names");
                }
                if (isSingleton(section.name()) && out.keptFrom != null) {
                    byte[] kept = out.data.toByteArray();
                    byte[] again = section.bytes();
                    boolean same = section.name().equals("license")
                            ? cString(kept).equals(cString(again)) : Arrays.equals(kept, again);
                    if (!same) {
                        throw new BpfBuildException("Cannot link " + out.keptFrom.name + " and " + file.name + ": their "
                                + section.name() + " sections differ (" + show(section.name(), kept) + " and "
                                + show(section.name(), again) + "); a linked object has one " + section.name()
                                + ", so give every source the same one or leave it out of all but one");
                    }
                    file.outSection[section.index()] = out;
                    file.outOffset[section.index()] = 0;
                    continue;
                }
                long align = Math.max(1, section.addralign());
                if (align > MAX_ALIGN || (align & (align - 1)) != 0) {
                    throw new BpfBuildException(file.name + ": section " + section.name() + " asks for an alignment of "
                            + Long.toUnsignedString(section.addralign()) + " bytes; the linker supports powers of two"
                            + " up to " + MAX_ALIGN);
                }
                if (section.size() < 0 || section.size() > MAX_SECTION - out.size) {
                    throw new BpfBuildException(file.name + ": section " + section.name() + " is "
                            + Long.toUnsignedString(section.size()) + " bytes; a linked section may hold at most "
                            + MAX_SECTION + " bytes");
                }
                out.align = Math.max(out.align, align);
                long at = ElfWriter.align(out.size, align);
                if (section.type() != ElfSection.SHT_NOBITS) {
                    while (out.data.size() < at) {
                        out.data.write(0);
                    }
                    byte[] bytes = section.bytes();
                    out.data.write(bytes, 0, bytes.length);
                }
                out.size = at + section.size();
                if (out.keptFrom == null) {
                    out.keptFrom = file;
                }
                file.outSection[section.index()] = out;
                file.outOffset[section.index()] = at;
            }
        }
        int index = 1;
        for (OutSection out : sections.values()) {
            out.index = index++;
            out.bytes = out.data.toByteArray();
        }
        return sections;
    }

    private static String describe(int type, long flags) {
        return (type == ElfSection.SHT_NOBITS ? "zero-filled" : "with contents")
                + ((flags & ElfSection.SHF_EXECINSTR) != 0 ? ", code" : "")
                + ((flags & ElfSection.SHF_WRITE) != 0 ? ", writable" : ", read-only");
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private static String show(String section, byte[] bytes) {
        return section.equals("license") ? "\"" + cString(bytes) + "\"" : Arrays.toString(bytes);
    }

    private static boolean isDroppedCopy(Input file, ElfSymbol symbol) {
        if (symbol.sectionIndex() == ElfSymbol.SHN_UNDEF || symbol.sectionIndex() >= file.outSection.length) {
            return false;
        }
        OutSection out = file.outSection[symbol.sectionIndex()];
        return out != null && isSingleton(out.name) && out.keptFrom != file;
    }

    /** Decides, for each global name, which file's definition wins. */
    private static Map<String, Global> resolveGlobals(List<Input> files, Map<String, OutSection> sections)
            throws BpfBuildException {
        Map<String, Global> globals = new LinkedHashMap<>();
        for (Input file : files) {
            for (ElfSymbol symbol : file.elf.symbols()) {
                if (!symbol.isGlobal() || symbol.name().isEmpty()) {
                    continue;
                }
                Global global = globals.computeIfAbsent(symbol.name(), Global::new);
                global.hidden |= symbol.visibility() == ElfSymbol.STV_HIDDEN
                        || symbol.visibility() == ElfSymbol.STV_INTERNAL;
                if (symbol.isUndefined()) {
                    global.referencedFrom.add(file);
                    global.strongReference |= !symbol.isWeak();
                    continue;
                }
                if (symbol.sectionIndex() >= SHN_LORESERVE) {
                    throw new BpfBuildException(file.name + ": global symbol '" + symbol.name() + "' is "
                            + (symbol.sectionIndex() == ElfSymbol.SHN_COMMON ? "a common symbol (compile with"
                            + " -fno-common, clang's default, or give it an initial value)" : "an absolute symbol")
                            + "; BPF objects define globals in code, data or .maps sections");
                }
                if (file.outSection[symbol.sectionIndex()] == null) {
                    throw new BpfBuildException(file.name + ": global symbol '" + symbol.name() + "' is defined in a"
                            + " section the linker does not keep (" + file.elf.section(symbol.sectionIndex())
                            .map(ElfSection::name).orElse("index " + symbol.sectionIndex())
                            + "); BPF objects define globals in code, data or .maps sections");
                }
                if (isDroppedCopy(file, symbol)) {
                    continue;
                }
                if (global.definition == null) {
                    global.definition = symbol;
                    global.definedIn = file;
                } else if (global.definition.isWeak() && !symbol.isWeak()) {
                    global.definition = symbol;
                    global.definedIn = file;
                } else if (!global.definition.isWeak() && !symbol.isWeak()) {
                    throw new BpfBuildException("'" + symbol.name() + "' is defined in both " + global.definedIn.name
                            + " and " + file.name + ": a linked object can have one definition of a global name."
                            + " Make one of them static, mark the default one __weak, or declare it extern in all"
                            + " files but one");
                }
            }
        }
        for (Global global : globals.values()) {
            if (global.definition != null) {
                ElfSymbol def = global.definition;
                for (Input file : files) {
                    for (ElfSymbol symbol : file.elf.symbols()) {
                        if (symbol.isGlobal() && !symbol.isUndefined() && symbol.name().equals(global.name)
                                && !isDroppedCopy(file, symbol) && symbol.type() != def.type()
                                && symbol.type() != ElfSymbol.STT_NOTYPE && def.type() != ElfSymbol.STT_NOTYPE) {
                            throw new BpfBuildException("'" + global.name + "' is a " + kindOf(def) + " in "
                                    + global.definedIn.name + " but a " + kindOf(symbol) + " in " + file.name);
                        }
                    }
                }
                continue;
            }
            // No file defines it: only what the loader provides (kernel symbols, kconfig values) may stay.
            for (Input file : global.referencedFrom) {
                if (!providedByLoader(file, global.name)) {
                    List<String> names = new ArrayList<>();
                    for (Input each : files) {
                        names.add(each.name);
                    }
                    throw new BpfBuildException("'" + global.name + "' is declared extern in " + file.name
                            + " but defined in none of the linked sources (" + String.join(", ", names) + "): define"
                            + " it (not static) in one of them, or mark it __ksym / __kconfig if the kernel provides it");
                }
            }
        }
        return globals;
    }

    private static String kindOf(ElfSymbol symbol) {
        return symbol.isFunction() ? "function" : symbol.isObject() ? "variable" : "symbol";
    }

    /** Whether the file's BTF puts an extern of that name in {@code .ksyms} or {@code .kconfig}. */
    private static boolean providedByLoader(Input file, String name) {
        for (String section : List.of(".ksyms", ".kconfig")) {
            var datasec = file.btf.datasec(section);
            if (datasec.isPresent()) {
                for (var entry : datasec.get().vars()) {
                    if (name.equals(file.btf.type(entry.typeId()).name())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Writes the output symbol table entries: null, section symbols, each file's locals, then the globals. */
    private static void buildSymbols(List<Input> files, Map<String, OutSection> sections, Map<String, Global> globals,
            List<byte[]> symbols, StringTable names, ByteOrder order) {
        symbols.add(symbol(order, 0, 0, 0, 0, 0, 0));
        Map<OutSection, Integer> sectionSymbols = new HashMap<>();
        for (OutSection out : sections.values()) {
            sectionSymbols.put(out, symbols.size());
            symbols.add(symbol(order, 0, ElfSymbol.STT_SECTION, 0, out.index, 0, 0));
        }
        for (Input file : files) {
            file.symbolMap = new int[file.elf.symbols().size()];
            for (ElfSymbol symbol : file.elf.symbols()) {
                if (symbol.index() == 0 || symbol.isGlobal() || symbol.type() == ElfSymbol.STT_FILE
                        || symbol.sectionIndex() == ElfSymbol.SHN_UNDEF || symbol.sectionIndex() >= file.outSection.length
                        || file.outSection[symbol.sectionIndex()] == null) {
                    continue;
                }
                OutSection out = file.outSection[symbol.sectionIndex()];
                if (symbol.isSection()) {
                    file.symbolMap[symbol.index()] = sectionSymbols.get(out);
                    continue;
                }
                file.symbolMap[symbol.index()] = symbols.size();
                symbols.add(symbol(order, names.add(symbol.name()), symbol.type(), symbol.visibility(), out.index,
                        symbol.value() + file.outOffset[symbol.sectionIndex()], symbol.size()));
            }
        }
        int firstGlobal = symbols.size();
        for (Global global : globals.values()) {
            global.outIndex = symbols.size();
            if (global.definition != null) {
                ElfSymbol def = global.definition;
                Input file = global.definedIn;
                // A hidden global stays global in the object, and libbpf verifies such a function with its caller.
                // A name that is __weak wherever it appears (definitions and externs) stays weak, as libbpf's
                // linker keeps it: the object is still a library whose defaults a later link may override.
                // A strong definition or a strong extern makes it strong.
                int bind = def.isWeak() && !global.strongReference ? ElfSymbol.STB_WEAK : ElfSymbol.STB_GLOBAL;
                symbols.add(symbol(order, names.add(global.name), bind << 4 | def.type(),
                        global.hidden ? ElfSymbol.STV_HIDDEN : def.visibility(), file.outSection[def.sectionIndex()].index,
                        def.value() + file.outOffset[def.sectionIndex()], def.size()));
            } else {
                int bind = global.strongReference ? ElfSymbol.STB_GLOBAL : ElfSymbol.STB_WEAK;
                symbols.add(symbol(order, names.add(global.name), bind << 4 | ElfSymbol.STT_NOTYPE, 0, 0, 0, 0));
            }
        }
        for (Input file : files) {
            for (ElfSymbol symbol : file.elf.symbols()) {
                if (symbol.isGlobal() && !symbol.name().isEmpty()) {
                    Global global = globals.get(symbol.name());
                    if (isDroppedCopy(file, symbol)) {
                        file.symbolMap[symbol.index()] = sectionSymbols.get(file.outSection[symbol.sectionIndex()]);
                    } else {
                        file.symbolMap[symbol.index()] = global.outIndex;
                    }
                }
            }
        }
        // sh_info of .symtab: the index of the first global symbol.
        symbols.add(0, intBytes(order, firstGlobal));
    }

    private static byte[] intBytes(ByteOrder order, int value) {
        return ByteBuffer.allocate(4).order(order).putInt(value).array();
    }

    private static byte[] symbol(ByteOrder order, int name, int info, int other, int section, long value, long size) {
        ByteBuffer entry = ByteBuffer.allocate(24).order(order);
        entry.putInt(name);
        entry.put((byte) info);
        entry.put((byte) other);
        entry.putShort((short) section);
        entry.putLong(value);
        entry.putLong(size);
        return entry.array();
    }

    /** Moves every relocation with its section, onto the output symbols. */
    private static void relocate(List<Input> files, ByteOrder order) throws BpfBuildException {
        for (Input file : files) {
            for (ElfSection section : file.elf.sections()) {
                OutSection out = file.outSection[section.index()];
                if (out == null) {
                    continue;
                }
                if (isSingleton(out.name) && out.keptFrom != file) {
                    continue;
                }
                long base = file.outOffset[section.index()];
                for (ElfRelocation relocation : file.elf.relocations(section)) {
                    ElfSymbol symbol = relocation.symbol();
                    int target = file.symbolMap[symbol.index()];
                    if (target == 0 && symbol.index() != 0) {
                        throw new BpfBuildException(file.name + ": a relocation in " + section.name()
                                + " refers to symbol '" + symbol.name() + "', which is in a section the linker does"
                                + " not keep");
                    }
                    long offset = base + relocation.offset();
                    if (symbol.isSection()) {
                        long shift = file.outOffset[symbol.sectionIndex()];
                        if (!out.isExecutable()) {
                            if (shift != 0) {
                                throw new BpfBuildException(file.name + ": a relocation in " + section.name()
                                        + " refers to section " + file.elf.section(symbol.sectionIndex())
                                        .map(ElfSection::name).orElse("?") + " by its section symbol, which this"
                                        + " linker supports only in code; give the referenced object a name");
                            }
                        } else if (shift != 0) {
                            addToImmediate(out, offset, shift, order);
                        }
                    }
                    out.relocations.add(new long[] {offset, target, relocation.type()});
                }
            }
        }
    }

    /** A call's immediate counts instructions, an ld_imm64's bytes. */
    private static void addToImmediate(OutSection out, long offset, long shift, ByteOrder order)
            throws BpfBuildException {
        byte[] data = out.bytes;
        if (offset + INSN_SIZE > data.length) {
            throw new BpfBuildException("relocation at " + offset + " lies outside " + out.name);
        }
        ByteBuffer insn = ByteBuffer.wrap(data).order(order);
        int code = data[(int) offset] & 0xff;
        int imm = insn.getInt((int) offset + 4);
        imm += code == CALL ? (int) (shift / INSN_SIZE) : (int) shift;
        insn.putInt((int) offset + 4, imm);
    }

    /** Points each extern FUNC/VAR at the definition's, checking they are the same kind of thing. */
    private static void resolveBtfExterns(List<Input> files, Map<String, Global> globals, BtfMerger btf)
            throws BpfBuildException {
        Map<String, Integer> firstUnresolved = new HashMap<>();
        for (Input file : files) {
            int count = file.btf.typeCount();
            for (int local = 1; local < count; local++) {
                int id = file.btfBase + local - 1;
                int kind = btf.kind(id);
                if ((kind != BtfMerger.KIND_FUNC && kind != BtfMerger.KIND_VAR)
                        || btf.linkage(id) != BtfMerger.LINKAGE_EXTERN) {
                    continue;
                }
                String name = btf.name(id);
                Global global = globals.get(name);
                if (global == null || global.definition == null) {
                    // A kernel symbol or kconfig value: one type per name in the merged BTF.
                    Integer first = firstUnresolved.putIfAbsent(name + "/" + kind, id);
                    if (first != null) {
                        btf.alias(id, first);
                    }
                    continue;
                }
                int definition = findDefinition(global.definedIn, btf, name, kind);
                if (definition == 0) {
                    int other = findDefinition(global.definedIn, btf, name,
                            kind == BtfMerger.KIND_FUNC ? BtfMerger.KIND_VAR : BtfMerger.KIND_FUNC);
                    if (other != 0) {
                        throw new BpfBuildException("'" + name + "' is declared as a " + kindName(kind) + " in "
                                + file.name + " but defined as a " + kindName(btf.kind(other)) + " in "
                                + global.definedIn.name);
                    }
                    throw new BpfBuildException("'" + name + "' is defined in " + global.definedIn.name
                            + ", but its BTF there has no " + kindName(kind) + " of that name, so the extern in "
                            + file.name + " cannot be matched to it");
                }
                checkCompatible(name, file, id - file.btfBase + 1, global.definedIn,
                        definition - global.definedIn.btfBase + 1);
                btf.alias(id, definition);
            }
        }
    }

    /**
     * What the loader would trip over later: an extern variable whose size differs from the
     * definition's, or an extern function with another number of parameters.
     */
    private static void checkCompatible(String name, Input externFile, int externId, Input defFile, int defId)
            throws BpfBuildException {
        BtfType declared = externFile.btf.type(externId);
        BtfType defined = defFile.btf.type(defId);
        if (declared instanceof BtfVar externVar && defined instanceof BtfVar defVar
                && externFile.btf.hasSize(externVar.typeId()) && defFile.btf.hasSize(defVar.typeId())) {
            long declaredSize = externFile.btf.sizeOf(externVar.typeId());
            long definedSize = defFile.btf.sizeOf(defVar.typeId());
            if (declaredSize != definedSize) {
                throw new BpfBuildException("'" + name + "' is declared in " + externFile.name + " as "
                        + externFile.btf.describe(externVar.typeId()) + " (" + declaredSize + " bytes) but defined in "
                        + defFile.name + " as " + defFile.btf.describe(defVar.typeId()) + " (" + definedSize
                        + " bytes); declare it with the definition's type");
            }
        }
        if (declared instanceof BtfVar externVar && defined instanceof BtfVar defVar) {
            Map<String, String> externMap = mapDefinition(externFile.btf, externVar.typeId());
            Map<String, String> defMap = mapDefinition(defFile.btf, defVar.typeId());
            if (externMap != null && defMap != null && !externMap.equals(defMap)) {
                throw new BpfBuildException("Map '" + name + "' is declared in " + externFile.name + " with "
                        + externMap + " but defined in " + defFile.name + " with " + defMap
                        + "; declare it extern with the same __uint/__type attributes as the definition");
            }
        }
        if (declared instanceof BtfFunc externFunc && defined instanceof BtfFunc defFunc
                && externFile.btf.type(externFunc.protoId()) instanceof BtfFuncProto externProto
                && defFile.btf.type(defFunc.protoId()) instanceof BtfFuncProto defProto
                && externProto.params().size() != defProto.params().size()) {
            throw new BpfBuildException("'" + name + "' is declared in " + externFile.name + " with "
                    + externProto.params().size() + " parameter(s) but defined in " + defFile.name + " with "
                    + defProto.params().size() + "; declare it with the definition's parameters");
        }
    }

    /**
     * A {@code .maps} definition as its attributes: {@code __uint(name, n)} members (a pointer to an
     * array of n) by their number, {@code __type(name, T)} members (a pointer to T) by T's size, so
     * that declarations in another member order or through typedefs compare equal.
     *
     * @return the attributes, or null when the type is not such a struct
     */
    private static Map<String, String> mapDefinition(Btf btf, int typeId) {
        if (!(btf.resolve(typeId) instanceof BtfStruct struct) || struct.isUnion()) {
            return null;
        }
        Map<String, String> attributes = new java.util.TreeMap<>();
        for (BtfMember member : struct.members()) {
            if (!(btf.resolve(member.typeId()) instanceof BtfPtr pointer)) {
                return null;
            }
            BtfType target = btf.resolve(pointer.typeId());
            if (target instanceof BtfArray array) {
                attributes.put(member.name(), String.valueOf(array.count()));
            } else if (btf.hasSize(pointer.typeId())) {
                attributes.put(member.name(), btf.sizeOf(pointer.typeId()) + "-byte type");
            } else {
                attributes.put(member.name(), btf.describe(pointer.typeId()));
            }
        }
        return attributes;
    }

    private static String kindName(int kind) {
        return kind == BtfMerger.KIND_FUNC ? "function" : "variable";
    }

    private static int findDefinition(Input file, BtfMerger btf, String name, int kind) {
        for (int local = 1; local < file.btf.typeCount(); local++) {
            int id = file.btfBase + local - 1;
            if (btf.kind(id) == kind && btf.linkage(id) != BtfMerger.LINKAGE_EXTERN
                    && btf.linkage(id) != BtfMerger.LINKAGE_STATIC && name.equals(btf.name(id))) {
                return id;
            }
        }
        return 0;
    }

    /**
     * Replaces every file's DATASECs by one per section name, with the variables at their final
     * offsets (from the ELF symbols, which clang always writes), resolved externs and losing
     * {@code __weak} copies left out.
     */
    private static void rebuildDatasecs(List<Input> files, Map<String, OutSection> sections,
            Map<String, Global> globals, BtfMerger btf) {
        Map<String, List<int[]>> entries = new LinkedHashMap<>();
        Map<String, Set<Integer>> seen = new HashMap<>();
        for (Input file : files) {
            for (int local = 1; local < file.btf.typeCount(); local++) {
                int id = file.btfBase + local - 1;
                if (btf.kind(id) != BtfMerger.KIND_DATASEC) {
                    continue;
                }
                String name = btf.name(id);
                btf.remove(id);
                List<int[]> list = entries.computeIfAbsent(name, k -> new ArrayList<>());
                Set<Integer> already = seen.computeIfAbsent(name, k -> new HashSet<>());
                OutSection out = sections.get(name);
                ElfSection inputSection = file.elf.section(name).orElse(null);
                for (int[] entry : btf.datasecEntries(id)) {
                    int var = entry[0];
                    if (btf.isGone(var)) {
                        continue;
                    }
                    String varName = btf.name(var);
                    if (out != null && isSingleton(name) && out.keptFrom != file) {
                        btf.remove(var);
                        continue;
                    }
                    int linkage = btf.linkage(var);
                    Global global = globals.get(varName);
                    if (linkage != BtfMerger.LINKAGE_STATIC && linkage != BtfMerger.LINKAGE_EXTERN && global != null
                            && global.definedIn != null && global.definedIn != file) {
                        // A __weak copy that lost to another file's definition.
                        btf.remove(var);
                        continue;
                    }
                    if (!already.add(var)) {
                        continue;
                    }
                    long offset = entry[1];
                    if (inputSection != null && out != null) {
                        offset = symbolOffset(file, inputSection, varName, linkage, entry[1])
                                + file.outOffset[inputSection.index()];
                    }
                    list.add(new int[] {var, (int) offset, entry[2]});
                }
            }
        }
        for (Map.Entry<String, List<int[]>> section : entries.entrySet()) {
            List<int[]> list = section.getValue();
            list.sort(Comparator.comparingInt(entry -> entry[1]));
            OutSection out = sections.get(section.getKey());
            int size = out != null ? (int) out.size : 0;
            btf.addDatasec(section.getKey(), size, list);
        }
    }

    private static long symbolOffset(Input file, ElfSection section, String name, int linkage, long fallback) {
        for (ElfSymbol symbol : file.elf.symbols()) {
            if (symbol.sectionIndex() == section.index() && name.equals(symbol.name())
                    && (linkage == BtfMerger.LINKAGE_STATIC) != symbol.isGlobal()) {
                return symbol.value();
            }
        }
        return fallback;
    }

    /** The function, line and CO-RE records of every file, shifted to their code's new place. */
    private static byte[] mergeExt(List<Input> files, Map<String, OutSection> sections, BtfMerger btf) {
        Map<String, List<long[]>> funcs = new LinkedHashMap<>();
        Map<String, List<long[]>> lines = new LinkedHashMap<>();
        Map<String, List<long[]>> relos = new LinkedHashMap<>();
        for (OutSection out : sections.values()) {
            if (out.isExecutable()) {
                funcs.put(out.name, new ArrayList<>());
                lines.put(out.name, new ArrayList<>());
                relos.put(out.name, new ArrayList<>());
            }
        }
        boolean any = false;
        for (Input file : files) {
            if (file.ext == null) {
                continue;
            }
            any = true;
            for (BtfFuncInfo info : file.ext.funcInfos()) {
                long shift = shift(file, info.section());
                if (shift >= 0 && funcs.containsKey(info.section())) {
                    funcs.get(info.section()).add(new long[] {info.instructionOffset() + shift,
                        file.btfBase + info.typeId() - 1});
                }
            }
            for (BtfLineInfo info : file.ext.lineInfos()) {
                long shift = shift(file, info.section());
                if (shift >= 0 && lines.containsKey(info.section())) {
                    lines.get(info.section()).add(new long[] {info.instructionOffset() + shift,
                        btf.intern(info.fileName()), btf.intern(info.sourceLine()),
                        (long) info.line() << 10 | info.column()});
                }
            }
            for (BtfCoreRelocation relo : file.ext.coreRelocations()) {
                long shift = shift(file, relo.section());
                if (shift >= 0 && relos.containsKey(relo.section())) {
                    relos.get(relo.section()).add(new long[] {relo.instructionOffset() + shift,
                        file.btfBase + relo.typeId() - 1, btf.intern(relo.accessor()), relo.kindCode()});
                }
            }
        }
        if (!any) {
            return null;
        }
        for (String name : funcs.keySet()) {
            btf.intern(name);
        }
        ExtBuilder builder = new ExtBuilder();
        builder.block(8, funcs, btf, new boolean[] {false, true});
        builder.block(16, lines, btf, new boolean[] {false, false, false, false});
        builder.block(16, relos, btf, new boolean[] {false, true, false, false});
        return builder.serialize();
    }

    private static long shift(Input file, String sectionName) {
        ElfSection section = file.elf.section(sectionName).orElse(null);
        if (section == null || file.outSection[section.index()] == null) {
            return -1;
        }
        return file.outOffset[section.index()];
    }

    /**
     * Collects the three BTF.ext blocks as words, with global type ids marked so that they can be
     * replaced by final ids once the BTF is deduplicated.
     */
    private static final class ExtBuilder {
        final List<long[]> blocks = new ArrayList<>();
        final List<List<Long>> words = new ArrayList<>();
        final List<List<Boolean>> typeWords = new ArrayList<>();

        void block(int recordSize, Map<String, List<long[]>> bySection, BtfMerger btf, boolean[] isType) {
            List<Long> block = new ArrayList<>();
            List<Boolean> types = new ArrayList<>();
            boolean any = false;
            for (List<long[]> records : bySection.values()) {
                any |= !records.isEmpty();
            }
            if (any) {
                block.add((long) recordSize);
                types.add(false);
                for (Map.Entry<String, List<long[]>> section : bySection.entrySet()) {
                    if (section.getValue().isEmpty()) {
                        continue;
                    }
                    block.add((long) btf.intern(section.getKey()));
                    types.add(false);
                    block.add((long) section.getValue().size());
                    types.add(false);
                    for (long[] record : section.getValue()) {
                        for (int i = 0; i < record.length; i++) {
                            block.add(record[i]);
                            types.add(isType[i]);
                        }
                    }
                }
            }
            words.add(block);
            typeWords.add(types);
        }

        /** Header (32 bytes), then the blocks; type id words are marked by a high bit for patching. */
        byte[] serialize() {
            int total = 0;
            for (List<Long> block : words) {
                total += block.size();
            }
            ByteBuffer out = ByteBuffer.allocate(32 + 8 * total).order(ByteOrder.BIG_ENDIAN);
            // Layout in this intermediate buffer: each word as (flag, value) longs after a fixed header.
            out.putInt(words.get(0).size());
            out.putInt(words.get(1).size());
            out.putInt(words.get(2).size());
            out.position(32);
            for (int b = 0; b < 3; b++) {
                for (int i = 0; i < words.get(b).size(); i++) {
                    long value = words.get(b).get(i) & 0xffffffffL;
                    out.putLong(typeWords.get(b).get(i) ? value | 1L << 40 : value);
                }
            }
            return out.array();
        }
    }

    /** Turns the intermediate BTF.ext words into the section, with type ids replaced by final ones. */
    private static byte[] patchExtTypeIds(byte[] intermediate, int[] finalIds, ByteOrder order) {
        ByteBuffer in = ByteBuffer.wrap(intermediate).order(ByteOrder.BIG_ENDIAN);
        int[] sizes = {in.getInt(0), in.getInt(4), in.getInt(8)};
        int total = sizes[0] + sizes[1] + sizes[2];
        ByteBuffer out = ByteBuffer.allocate(32 + 4 * total).order(order);
        out.putShort((short) 0xeB9F);
        out.put((byte) 1);
        out.put((byte) 0);
        out.putInt(32);
        int offset = 0;
        for (int size : sizes) {
            out.putInt(offset);
            out.putInt(4 * size);
            offset += 4 * size;
        }
        in.position(32);
        for (int i = 0; i < total; i++) {
            long word = in.getLong();
            int value = (int) word;
            if ((word & 1L << 40) != 0) {
                value = finalIds[value];
            }
            out.putInt(value);
        }
        return out.array();
    }

    private static byte[] write(ByteOrder order, Map<String, OutSection> sections, List<byte[]> symbols,
            StringTable names, Map<String, Global> globals, byte[] btf, byte[] ext) {
        ElfWriter writer = new ElfWriter(order);
        for (OutSection out : sections.values()) {
            int index = out.type == ElfSection.SHT_NOBITS ? writer.addNobits(out.name, out.flags, out.align, out.size)
                    : writer.add(out.name, out.type, out.flags, out.align, 0, out.bytes);
            if (index != out.index) {
                throw new IllegalStateException("section " + out.name + " got index " + index + ", expected "
                        + out.index);
            }
        }
        int symtabIndex = writer.nextIndex() + countRelocated(sections) + 2 + (ext == null ? 0 : 1) - 1;
        for (OutSection out : sections.values()) {
            if (out.relocations.isEmpty()) {
                continue;
            }
            ByteBuffer rel = ByteBuffer.allocate(16 * out.relocations.size()).order(order);
            for (long[] relocation : out.relocations) {
                rel.putLong(relocation[0]);
                rel.putLong(relocation[1] << 32 | relocation[2]);
            }
            int index = writer.add(".rel" + out.name, ElfSection.SHT_REL, 0x40, 8, 16, rel.array());
            writer.linkInfo(index, symtabIndex, out.index);
        }
        writer.add(".BTF", ElfSection.SHT_PROGBITS, 0, 4, 0, btf);
        if (ext != null) {
            writer.add(".BTF.ext", ElfSection.SHT_PROGBITS, 0, 4, 0, ext);
        }
        int firstGlobal = ByteBuffer.wrap(symbols.get(0)).order(order).getInt();
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        for (int i = 1; i < symbols.size(); i++) {
            table.write(symbols.get(i), 0, 24);
        }
        int symtab = writer.add(".symtab", ElfSection.SHT_SYMTAB, 0, 8, 24, table.toByteArray());
        if (symtab != symtabIndex) {
            throw new IllegalStateException("symtab got index " + symtab + ", expected " + symtabIndex);
        }
        int strtab = writer.add(".strtab", ElfSection.SHT_STRTAB, 0, 1, 0, names.bytes());
        writer.linkInfo(symtab, strtab, firstGlobal);
        return writer.write();
    }

    private static int countRelocated(Map<String, OutSection> sections) {
        int count = 0;
        for (OutSection out : sections.values()) {
            if (!out.relocations.isEmpty()) {
                count++;
            }
        }
        return count;
    }

    /** An ELF string table with each name once. */
    private static final class StringTable {
        private final Map<String, Integer> offsets = new HashMap<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        StringTable() {
            bytes.write(0);
            offsets.put("", 0);
        }

        int add(String text) {
            Integer known = offsets.get(text);
            if (known != null) {
                return known;
            }
            int offset = bytes.size();
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            bytes.write(utf8, 0, utf8.length);
            bytes.write(0);
            offsets.put(text, offset);
            return offset;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
