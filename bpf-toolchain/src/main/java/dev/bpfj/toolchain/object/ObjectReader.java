package dev.bpfj.toolchain.object;

import dev.bpfj.toolchain.BpfFormatException;
import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.btf.BtfArray;
import dev.bpfj.toolchain.btf.BtfDatasec;
import dev.bpfj.toolchain.btf.BtfEnum;
import dev.bpfj.toolchain.btf.BtfExt;
import dev.bpfj.toolchain.btf.BtfFuncInfo;
import dev.bpfj.toolchain.btf.BtfFuncProto;
import dev.bpfj.toolchain.btf.BtfLinkage;
import dev.bpfj.toolchain.btf.BtfMember;
import dev.bpfj.toolchain.btf.BtfPtr;
import dev.bpfj.toolchain.btf.BtfStruct;
import dev.bpfj.toolchain.btf.BtfType;
import dev.bpfj.toolchain.btf.BtfVar;
import dev.bpfj.toolchain.btf.BtfVarSecinfo;
import dev.bpfj.toolchain.btf.BtfFunc;
import dev.bpfj.toolchain.btf.BtfKind;
import dev.bpfj.toolchain.elf.ElfFile;
import dev.bpfj.toolchain.elf.ElfRelocation;
import dev.bpfj.toolchain.elf.ElfSection;
import dev.bpfj.toolchain.elf.ElfSymbol;
import dev.bpfj.toolchain.insn.Instruction;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/** Builds a {@link BpfObjectSpec} from a parsed ELF file; one instance per object. */
final class ObjectReader {

    /** The map attributes written as {@code __uint(name, N)} (or {@code __ulong}), by their member name. */
    private static final Map<String, MapSpec.Field> NUMERIC_ATTRIBUTES = Map.of(
            "type", MapSpec.Field.TYPE,
            "max_entries", MapSpec.Field.MAX_ENTRIES,
            "map_flags", MapSpec.Field.MAP_FLAGS,
            "pinning", MapSpec.Field.PINNING,
            "numa_node", MapSpec.Field.NUMA_NODE,
            "map_extra", MapSpec.Field.MAP_EXTRA,
            "key_size", MapSpec.Field.KEY_SIZE,
            "value_size", MapSpec.Field.VALUE_SIZE);

    private static final String MAPS_SECTION = ".maps";
    private static final String LEGACY_MAPS_SECTION = "maps";
    private static final int MAX_INNER_MAP_DEPTH = 8;

    private final ElfFile elf;
    private final String fileName;
    private Btf btf;
    private BtfExt btfExt;
    /** Functions by section index, then by offset, for naming call targets. */
    private final Map<Integer, TreeMap<Long, ElfSymbol>> functionsBySection = new HashMap<>();

    private final long fileLength;

    ObjectReader(ElfFile elf, long fileLength) {
        this.elf = elf;
        this.fileName = elf.fileName();
        this.fileLength = fileLength;
    }

    /** Forged offsets and sizes can point anywhere; the reported position stays inside the file. */
    private BpfFormatException error(String section, long at, String problem) {
        return new BpfFormatException(fileName, section, Math.max(0, Math.min(at, fileLength)), problem);
    }

    BpfObjectSpec read() throws BpfFormatException {
        Optional<ElfSection> btfSection = elf.section(".BTF");
        if (btfSection.isPresent()) {
            ElfSection s = btfSection.get();
            btf = Btf.parse(fileName, s.buffer(), s.name(), s.offset());
            Optional<ElfSection> extSection = elf.section(".BTF.ext");
            if (extSection.isPresent()) {
                ElfSection e = extSection.get();
                btfExt = BtfExt.parse(fileName, e.buffer(), e.name(), e.offset(), btf);
            }
        }
        indexFunctions();
        List<ProgramSpec> programs = new ArrayList<>();
        List<ProgramSpec> subprograms = new ArrayList<>();
        readFunctions(programs, subprograms);
        List<MapSpec> maps = readMaps();
        List<GlobalSection> globals = readGlobalSections();
        List<GlobalVariable> externs = readExterns();
        return new BpfObjectSpec(fileName, elf, btf, btfExt, programs, subprograms, maps, globals, externs,
                readLicense(), readVersion(), elf.section(LEGACY_MAPS_SECTION).isPresent());
    }

    // ---------------------------------------------------------------- programs

    /** Orders variables by offset; a class, not a method reference, for the reason in indexFunctions. */
    private static final Comparator<GlobalVariable> BY_OFFSET = new Comparator<>() {
        @Override
        public int compare(GlobalVariable a, GlobalVariable b) {
            return Long.compare(a.offset(), b.offset());
        }
    };

    private void indexFunctions() {
        for (ElfSymbol symbol : elf.symbols()) {
            if (symbol.isFunction() && !symbol.isUndefined() && symbol.sectionIndex() < elf.sections().size()) {
                ElfSection section = elf.sections().get(symbol.sectionIndex());
                if (section.isExecutable()) {
                    // No computeIfAbsent lambda: a lambda's first use costs a fresh JVM about a millisecond.
                    TreeMap<Long, ElfSymbol> functions = functionsBySection.get(section.index());
                    if (functions == null) {
                        functions = new TreeMap<>();
                        functionsBySection.put(section.index(), functions);
                    }
                    functions.putIfAbsent(symbol.value(), symbol);
                }
            }
        }
    }

    private void readFunctions(List<ProgramSpec> programs, List<ProgramSpec> subprograms) throws BpfFormatException {
        List<Integer> sectionIndices = new ArrayList<>(functionsBySection.keySet());
        sectionIndices.sort(Comparator.naturalOrder());
        for (int sectionIndex : sectionIndices) {
            ElfSection section = elf.sections().get(sectionIndex);
            if (section.type() != ElfSection.SHT_PROGBITS) {
                throw error(section.name(), section.offset(),
                        "executable section has type " + section.type() + " instead of PROGBITS");
            }
            byte[] code = section.bytes();
            List<ElfRelocation> relocations = elf.relocations(section);
            TreeMap<Long, ElfSymbol> functions = functionsBySection.get(sectionIndex);
            for (Map.Entry<Long, ElfSymbol> entry : functions.entrySet()) {
                ElfSymbol symbol = entry.getValue();
                long start = symbol.value();
                Long next = functions.higherKey(start);
                // st_size is what clang writes; when missing, the function runs to the next one.
                long size = symbol.size() != 0 ? symbol.size() : (next != null ? next : code.length) - start;
                if (start < 0 || size < 0 || start % Instruction.SLOT_SIZE != 0 || size % Instruction.SLOT_SIZE != 0
                        || start > code.length || size > code.length - start) {
                    throw error(section.name(), section.offset() + Math.max(0, start),
                            "function " + symbol.name() + " (offset " + Long.toUnsignedString(start) + ", size "
                                    + Long.toUnsignedString(size)
                                    + ") does not fit in its " + code.length + "-byte section in whole instructions");
                }
                byte[] body = java.util.Arrays.copyOfRange(code, (int) start, (int) (start + size));
                List<Instruction> instructions = Instruction.decode(fileName, section.name(), section.offset() + start,
                        body, elf.byteOrder());
                List<ProgramRelocation> programRelocations = new ArrayList<>();
                Map<Integer, Instruction> bySlot = new HashMap<>();
                for (Instruction instruction : instructions) {
                    bySlot.put(instruction.index(), instruction);
                }
                for (ElfRelocation relocation : relocations) {
                    if (relocation.offset() < start || relocation.offset() >= start + size) {
                        continue;
                    }
                    long relative = relocation.offset() - start;
                    Instruction instruction = bySlot.get((int) (relative / Instruction.SLOT_SIZE));
                    if (relative % Instruction.SLOT_SIZE != 0 || instruction == null) {
                        throw error(section.name(), section.offset() + relocation.offset(),
                                "relocation against " + symbolLabel(relocation.symbol()) + " in function "
                                        + symbol.name() + " does not point at the start of an instruction");
                    }
                    programRelocations.add(classify(section, instruction, relocation));
                }
                ProgramSpec spec = new ProgramSpec(symbol.name(), section.name(), start, instructions,
                        programRelocations, symbol.isGlobal(), btfFuncId(section.name(), start, symbol.name()));
                if (section.name().equals(".text")) {
                    subprograms.add(spec);
                } else {
                    programs.add(spec);
                }
            }
        }
    }

    private ProgramRelocation classify(ElfSection section, Instruction instruction, ElfRelocation relocation)
            throws BpfFormatException {
        ElfSymbol symbol = relocation.symbol();
        int slot = instruction.index();
        if (symbol.isUndefined()) {
            ProgramRelocation.Kind kind = instruction.isCall() ? ProgramRelocation.Kind.KFUNC
                    : ProgramRelocation.Kind.EXTERN;
            return new ProgramRelocation(slot, kind, symbol.name(), "", symbol.value());
        }
        if (symbol.sectionIndex() >= elf.sections().size()) {
            return new ProgramRelocation(slot, ProgramRelocation.Kind.OTHER, symbol.name(), "", symbol.value());
        }
        ElfSection target = elf.sections().get(symbol.sectionIndex());
        String name = symbol.isSection() || symbol.name().isEmpty() ? target.name() : symbol.name();
        if (target.name().equals(MAPS_SECTION)) {
            return new ProgramRelocation(slot, ProgramRelocation.Kind.MAP, name, target.name(), symbol.value());
        }
        if (target.isExecutable()) {
            // A call's imm counts slots after the call; an ld_imm64's imm counts bytes.
            long targetOffset = instruction.isCall()
                    ? symbol.value() + ((long) instruction.imm() + 1) * Instruction.SLOT_SIZE
                    : symbol.value() + instruction.imm();
            TreeMap<Long, ElfSymbol> functions = functionsBySection.get(target.index());
            ElfSymbol callee = functions == null ? null : functions.get(targetOffset);
            if (callee == null) {
                // Not a function entry (hand-written assembly can do this); libbpf decides at load
                // time whether that is acceptable, so the reader records it rather than failing.
                return new ProgramRelocation(slot, ProgramRelocation.Kind.OTHER, name, target.name(), targetOffset);
            }
            ProgramRelocation.Kind kind = instruction.isCall() ? ProgramRelocation.Kind.CALL
                    : ProgramRelocation.Kind.FUNCTION_ADDRESS;
            return new ProgramRelocation(slot, kind, callee.name(), target.name(), callee.value());
        }
        if (globalKind(target) != null) {
            return new ProgramRelocation(slot, ProgramRelocation.Kind.DATA, name, target.name(), symbol.value());
        }
        return new ProgramRelocation(slot, ProgramRelocation.Kind.OTHER, name, target.name(), symbol.value());
    }

    private int btfFuncId(String sectionName, long offset, String name) {
        if (btfExt != null) {
            for (BtfFuncInfo info : btfExt.funcInfos(sectionName)) {
                if (info.instructionOffset() == offset) {
                    return info.typeId();
                }
            }
        }
        if (btf != null) {
            Optional<BtfType> func = btf.typeNamed(name, BtfKind.FUNC);
            if (func.isPresent()) {
                return func.get().id();
            }
        }
        return 0;
    }

    private static String symbolLabel(ElfSymbol symbol) {
        return symbol.name().isEmpty() ? "symbol " + symbol.index() : symbol.name();
    }

    // ---------------------------------------------------------------- maps

    private List<MapSpec> readMaps() throws BpfFormatException {
        Optional<ElfSection> mapsSection = elf.section(MAPS_SECTION);
        if (mapsSection.isEmpty()) {
            return List.of();
        }
        ElfSection section = mapsSection.get();
        if (btf == null) {
            throw error(MAPS_SECTION, section.offset(),
                    "the object defines maps in .maps but has no .BTF section to describe them;"
                            + " compile with clang -g");
        }
        Optional<BtfDatasec> datasec = btf.datasec(MAPS_SECTION);
        if (datasec.isEmpty()) {
            throw error(MAPS_SECTION, section.offset(),
                    "the .BTF section has no DATASEC for .maps, so the maps cannot be described; compile with clang -g");
        }
        // Relocations in .maps fill the `values` slots of maps of maps and program arrays.
        Map<Long, String> slotSymbols = new HashMap<>();
        for (ElfRelocation relocation : elf.relocations(section)) {
            slotSymbols.put(relocation.offset(), symbolLabel(relocation.symbol()));
        }
        List<MapSpec> maps = new ArrayList<>();
        for (BtfVarSecinfo info : datasec.get().vars()) {
            long at = section.offset() + info.offset();
            if (!(btf.type(info.typeId()) instanceof BtfVar var)) {
                throw error(MAPS_SECTION, at, "the .maps DATASEC entry at offset "
                        + info.offset() + " is BTF type " + info.typeId() + ", not a variable");
            }
            long offset = variableOffset(section, var.name(), info.offset());
            if (offset < 0 || offset > section.size() || info.size() > section.size() - offset) {
                throw error(MAPS_SECTION, at, "map " + var.name() + " (offset "
                        + offset + ", size " + info.size() + ") lies outside the " + section.size()
                        + "-byte .maps section");
            }
            Map<Long, String> ownSlots = new HashMap<>();
            for (Map.Entry<Long, String> slot : slotSymbols.entrySet()) {
                long at2 = slot.getKey();
                if (at2 >= offset && at2 < offset + info.size()) {
                    ownSlots.put(at2, slot.getValue());
                }
            }
            maps.add(mapDefinition(var.name(), var.typeId(), var.id(), section.offset() + offset, offset, ownSlots, 0));
        }
        return maps;
    }

    private MapSpec mapDefinition(String name, int typeId, int varId, long fileOffset, long sectionOffset,
                                  Map<Long, String> slotSymbols, int depth) throws BpfFormatException {
        if (depth > MAX_INNER_MAP_DEPTH) {
            throw error(MAPS_SECTION, fileOffset, "map " + name
                    + ": inner map definitions nest deeper than " + MAX_INNER_MAP_DEPTH + " levels");
        }
        BtfType definition = btf.resolve(typeId);
        if (!(definition instanceof BtfStruct struct) || struct.isUnion()) {
            throw error(MAPS_SECTION, fileOffset, "map " + name
                    + " is not defined by a struct (its type is " + btf.describe(typeId)
                    + "); define it as struct { __uint(type, ...); ... } " + name + " SEC(\".maps\")");
        }
        Set<MapSpec.Field> present = EnumSet.noneOf(MapSpec.Field.class);
        Map<MapSpec.Field, Long> numbers = new EnumMap<>(MapSpec.Field.class);
        OptionalInt keyType = OptionalInt.empty();
        OptionalInt valueType = OptionalInt.empty();
        MapSpec inner = null;
        Map<Integer, String> initialValues = new TreeMap<>();
        for (BtfMember member : struct.members()) {
            String field = member.name();
            MapSpec.Field numeric = NUMERIC_ATTRIBUTES.get(field);
            if (numeric != null) {
                numbers.put(numeric, uintAttribute(name, member, fileOffset));
                present.add(numeric);
                continue;
            }
            switch (field) {
                case "key" -> {
                    int pointee = typeAttribute(name, member, fileOffset);
                    keyType = OptionalInt.of(pointee);
                    numbers.put(MapSpec.Field.KEY_SIZE, sizeOfAttribute(name, "key", pointee, fileOffset));
                    present.add(MapSpec.Field.KEY);
                }
                case "value" -> {
                    int pointee = typeAttribute(name, member, fileOffset);
                    valueType = OptionalInt.of(pointee);
                    numbers.put(MapSpec.Field.VALUE_SIZE, sizeOfAttribute(name, "value", pointee, fileOffset));
                    present.add(MapSpec.Field.VALUE);
                }
                case "values" -> {
                    present.add(MapSpec.Field.VALUES);
                    inner = valuesAttribute(name, member, fileOffset, depth);
                    long valuesOffset = sectionOffset + member.bitOffset() / 8;
                    for (Map.Entry<Long, String> slot : slotSymbols.entrySet()) {
                        long relative = slot.getKey() - valuesOffset;
                        if (depth == 0 && relative >= 0 && relative % 8 == 0) {
                            initialValues.put((int) (relative / 8), slot.getValue());
                        }
                    }
                }
                default -> {
                    // libbpf rejects unknown attributes at load time; the reader keeps going so that
                    // validation can report the map by name rather than failing the whole object here.
                }
            }
        }
        long type = numbers.getOrDefault(MapSpec.Field.TYPE, 0L);
        long keySize = numbers.getOrDefault(MapSpec.Field.KEY_SIZE, 0L);
        long valueSize = numbers.getOrDefault(MapSpec.Field.VALUE_SIZE, 0L);
        if (keySize > Integer.MAX_VALUE || valueSize > Integer.MAX_VALUE) {
            throw error(MAPS_SECTION, fileOffset, "map " + name
                    + " has a key or value larger than 2 GiB");
        }
        if (type > Integer.MAX_VALUE) {
            throw error(MAPS_SECTION, fileOffset, "map " + name + " has impossible type "
                    + type);
        }
        return new MapSpec(name, (int) type, (int) keySize, (int) valueSize, keyType, valueType,
                numbers.getOrDefault(MapSpec.Field.MAX_ENTRIES, 0L), numbers.getOrDefault(MapSpec.Field.MAP_FLAGS, 0L),
                numbers.getOrDefault(MapSpec.Field.PINNING, 0L), numbers.getOrDefault(MapSpec.Field.NUMA_NODE, 0L),
                numbers.getOrDefault(MapSpec.Field.MAP_EXTRA, 0L), Optional.ofNullable(inner), initialValues, varId,
                struct.id(), present);
    }

    /**
     * {@code __uint(name, N)} is written as {@code int (*name)[N]}: the value is the array's length.
     * Newer libbpf headers write 64-bit attributes ({@code __ulong(map_extra, N)}, used by arena
     * maps) as a member whose type is an anonymous enum with the single enumerator {@code N}.
     */
    private long uintAttribute(String map, BtfMember member, long at) throws BpfFormatException {
        BtfType type = btf.resolve(member.typeId());
        if (type instanceof BtfPtr ptr && btf.resolve(ptr.typeId()) instanceof BtfArray array) {
            return array.count();
        }
        if (type instanceof BtfEnum e && e.values().size() == 1) {
            return e.values().get(0).value();
        }
        throw error(MAPS_SECTION, at, "map " + map + ": attribute " + member.name()
                + " is not written as __uint(" + member.name() + ", value) or __ulong(" + member.name()
                + ", value) (its type is "
                + btf.describe(member.typeId()) + ")");
    }

    /** {@code __type(name, T)} is written as {@code typeof(T) *name}: the value is the pointed-to type. */
    private int typeAttribute(String map, BtfMember member, long at) throws BpfFormatException {
        if (btf.resolve(member.typeId()) instanceof BtfPtr ptr) {
            return ptr.typeId();
        }
        throw error(MAPS_SECTION, at, "map " + map + ": attribute " + member.name()
                + " is not written as __type(" + member.name() + ", type) (its type is "
                + btf.describe(member.typeId()) + ")");
    }

    private long sizeOfAttribute(String map, String what, int typeId, long at) throws BpfFormatException {
        if (!btf.hasSize(typeId)) {
            throw error(MAPS_SECTION, at, "map " + map + ": the " + what + " type "
                    + btf.describe(typeId) + " has no size; use a complete type");
        }
        return btf.sizeOf(typeId);
    }

    /**
     * {@code __array(values, T)} is written as {@code typeof(T) *values[]}: a zero-length array of
     * pointers. For maps of maps T is the inner map's definition struct; for program arrays it is
     * a function prototype and there is no inner map.
     */
    private MapSpec valuesAttribute(String map, BtfMember member, long at, int depth) throws BpfFormatException {
        if (btf.resolve(member.typeId()) instanceof BtfArray array
                && btf.resolve(array.elemType()) instanceof BtfPtr ptr) {
            BtfType element = btf.resolve(ptr.typeId());
            if (element instanceof BtfStruct) {
                return mapDefinition(map + ".inner", ptr.typeId(), 0, at, -1, Map.of(), depth + 1);
            }
            if (element instanceof BtfFuncProto) {
                return null;
            }
        }
        throw error(MAPS_SECTION, at, "map " + map
                + ": attribute values is not written as __array(values, struct {...}) (its type is "
                + btf.describe(member.typeId()) + ")");
    }

    // ---------------------------------------------------------------- global data

    private static GlobalSection.Kind globalKind(ElfSection section) {
        String name = section.name();
        if (!section.isAlloc() || section.isExecutable()) {
            return null;
        }
        if (section.type() == ElfSection.SHT_PROGBITS) {
            if (name.equals(".rodata") || name.startsWith(".rodata.")) {
                return GlobalSection.Kind.RODATA;
            }
            if (name.equals(".data") || name.startsWith(".data.")) {
                return GlobalSection.Kind.DATA;
            }
        } else if (section.type() == ElfSection.SHT_NOBITS && (name.equals(".bss") || name.startsWith(".bss."))) {
            return GlobalSection.Kind.BSS;
        }
        return null;
    }

    private List<GlobalSection> readGlobalSections() throws BpfFormatException {
        List<GlobalSection> result = new ArrayList<>();
        for (ElfSection section : elf.sections()) {
            GlobalSection.Kind kind = globalKind(section);
            if (kind == null || section.size() == 0) {
                continue;
            }
            if (section.size() < 0 || section.size() > Integer.MAX_VALUE - 8) {
                throw error(section.name(), section.offset(), "global data section of "
                        + Long.toUnsignedString(section.size()) + " bytes is larger than 2 GiB");
            }
            // A .bss has no bytes in the file: its zeros are made only when a caller asks for them.
            byte[] image = kind == GlobalSection.Kind.BSS ? new byte[0] : section.bytes();
            Optional<BtfDatasec> datasec = btf == null ? Optional.empty() : btf.datasec(section.name());
            List<GlobalVariable> variables = datasec.isPresent()
                    ? variablesFromBtf(section, datasec.get())
                    : variablesFromSymbols(section);
            result.add(new GlobalSection(section.name(), section.index(), kind, section.size(), variables,
                    datasec.isPresent() ? datasec.get().id() : 0, image));
        }
        return result;
    }

    private List<GlobalVariable> variablesFromBtf(ElfSection section, BtfDatasec datasec) throws BpfFormatException {
        List<GlobalVariable> variables = new ArrayList<>();
        for (BtfVarSecinfo info : datasec.vars()) {
            if (!(btf.type(info.typeId()) instanceof BtfVar var)) {
                throw error(section.name(), section.offset(), "DATASEC " + datasec.name()
                        + " lists BTF type " + info.typeId() + ", which is not a variable");
            }
            long offset = variableOffset(section, var.name(), info.offset());
            if (offset < 0 || offset > section.size() || info.size() > section.size() - offset) {
                throw error(section.name(), section.offset() + Math.max(0, offset),
                        "variable " + var.name() + " (offset " + offset + ", size " + info.size()
                                + ") lies outside its " + section.size() + "-byte section");
            }
            variables.add(new GlobalVariable(var.name(), section.name(), offset, info.size(), var.typeId(),
                    var.linkage()));
        }
        variables.sort(BY_OFFSET);
        return variables;
    }

    /**
     * clang writes DATASEC variable offsets as relocations against the variables' symbols (in
     * {@code .rel.BTF}) and leaves 0 in the section, expecting a linker or loader to fill them in.
     * The ELF symbol of the same name in the same section has the real offset; variables without
     * one (which clang does not produce) keep the offset BTF gives.
     */
    private long variableOffset(ElfSection section, String name, long btfOffset) {
        ElfSymbol symbol = objectSymbols().get(section.index() + ":" + name);
        return symbol != null ? symbol.value() : btfOffset;
    }

    private Map<String, ElfSymbol> objectSymbolsByKey;

    private Map<String, ElfSymbol> objectSymbols() {
        if (objectSymbolsByKey == null) {
            objectSymbolsByKey = new HashMap<>();
            for (ElfSymbol symbol : elf.symbols()) {
                if (symbol.isObject() && !symbol.isUndefined()) {
                    objectSymbolsByKey.putIfAbsent(symbol.sectionIndex() + ":" + symbol.name(), symbol);
                }
            }
        }
        return objectSymbolsByKey;
    }

    private List<GlobalVariable> variablesFromSymbols(ElfSection section) throws BpfFormatException {
        List<GlobalVariable> variables = new ArrayList<>();
        for (ElfSymbol symbol : elf.symbols()) {
            if (symbol.sectionIndex() != section.index() || !symbol.isObject()) {
                continue;
            }
            if (symbol.value() < 0 || symbol.size() < 0 || symbol.value() > section.size()
                    || symbol.size() > section.size() - symbol.value()) {
                throw error(section.name(), section.offset(), "variable " + symbol.name()
                        + " (offset " + symbol.value() + ", size " + symbol.size() + ") lies outside its "
                        + section.size() + "-byte section");
            }
            variables.add(new GlobalVariable(symbol.name(), section.name(), symbol.value(), symbol.size(), 0,
                    symbol.isGlobal() ? BtfLinkage.GLOBAL : BtfLinkage.STATIC));
        }
        variables.sort(BY_OFFSET);
        return variables;
    }

    private List<GlobalVariable> readExterns() {
        List<GlobalVariable> externs = new ArrayList<>();
        if (btf == null) {
            return externs;
        }
        for (String name : List.of(".kconfig", ".ksyms")) {
            Optional<BtfDatasec> datasec = btf.datasec(name);
            if (datasec.isEmpty()) {
                continue;
            }
            for (BtfVarSecinfo info : datasec.get().vars()) {
                BtfType type = btf.type(info.typeId());
                if (type instanceof BtfVar var) {
                    externs.add(new GlobalVariable(var.name(), name, info.offset(), info.size(), var.typeId(),
                            var.linkage()));
                } else if (type instanceof BtfFunc) {
                    // Extern kfuncs are listed here too; ProgramSpec.kfuncCalls() reports them per program.
                    continue;
                }
            }
        }
        return externs;
    }

    // ---------------------------------------------------------------- license and version

    private String readLicense() {
        Optional<ElfSection> section = elf.section("license");
        if (section.isEmpty()) {
            return null;
        }
        byte[] bytes = section.get().bytes();
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private Integer readVersion() throws BpfFormatException {
        Optional<ElfSection> section = elf.section("version");
        if (section.isEmpty()) {
            return null;
        }
        ElfSection version = section.get();
        // The bytes actually held, not the header's size: a SHT_NULL or SHT_NOBITS section holds none.
        ByteBuffer buffer = version.buffer();
        if (version.size() != 4 || buffer.remaining() != 4) {
            throw error("version", version.offset(), "the version section holds "
                    + buffer.remaining() + " bytes (its header says " + version.size()
                    + "), expected one 4-byte kernel version");
        }
        return buffer.getInt(0);
    }
}
