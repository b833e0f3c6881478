package dev.bpfj.toolchain.btf;

import dev.bpfj.toolchain.BpfFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed BTF blob: the kernel's {@code /sys/kernel/btf/vmlinux}, or the {@code .BTF} section
 * of a BPF object. Types are numbered from 1 in the order they are stored; id 0 is
 * {@link BtfVoid}.
 *
 * <p>Parsing checks everything that later queries rely on: every string offset, every type id a
 * type refers to, and that sizes, alignments and reference chains terminate (a typedef that
 * refers to itself, or a struct that contains itself, is rejected). Hence {@link #sizeOf},
 * {@link #alignOf} and {@link #resolve} need no checked exception.
 */
public final class Btf {

    /** The BTF magic number, {@code 0xeB9F}, stored in the blob's byte order. */
    public static final int MAGIC = 0xeB9F;

    private final BtfTable table;
    private final List<BtfType> types;
    /**
     * Built on first use: most callers never look types up by name, and building the map for
     * 126k kernel types is a good part of a cold parse.
     */
    private volatile Map<String, List<BtfType>> byName;

    private Btf(BtfTable table, List<BtfType> types) {
        this.table = table;
        this.types = Collections.unmodifiableList(types);
    }

    private Map<String, List<BtfType>> byName() {
        Map<String, List<BtfType>> names = byName;
        if (names == null) {
            // Racing threads build equal maps; whichever is published last wins, harmlessly.
            Map<String, List<BtfType>> building = new HashMap<>(types.size() * 2);
            for (BtfType type : types) {
                if (!type.name().isEmpty() && type.id() != 0) {
                    // No computeIfAbsent or replaceAll lambdas: see BtfExt.parse.
                    List<BtfType> named = building.get(type.name());
                    if (named == null) {
                        named = new ArrayList<>(1);
                        building.put(type.name(), named);
                    }
                    named.add(type);
                }
            }
            for (Map.Entry<String, List<BtfType>> entry : building.entrySet()) {
                entry.setValue(List.copyOf(entry.getValue()));
            }
            names = Collections.unmodifiableMap(building);
            byName = names;
        }
        return names;
    }

    /**
     * Reads a raw BTF file such as {@code /sys/kernel/btf/vmlinux}.
     *
     * @param path the file
     * @return the parsed BTF
     * @throws IOException        if the file cannot be read
     * @throws BpfFormatException if it is not well-formed BTF
     */
    public static Btf read(Path path) throws IOException, BpfFormatException {
        return parse(path.toString(), Files.readAllBytes(path));
    }

    /**
     * Parses raw BTF (a whole file whose first bytes are the BTF header, such as
     * {@code /sys/kernel/btf/vmlinux}). The array is not copied; the caller must not change it.
     *
     * @param fileName the name used in error messages
     * @param bytes    the blob
     * @return the parsed BTF
     * @throws BpfFormatException if the bytes are not well-formed BTF
     */
    public static Btf parse(String fileName, byte[] bytes) throws BpfFormatException {
        Objects.requireNonNull(bytes, "bytes");
        return of(BtfTable.parse(fileName, bytes));
    }

    /**
     * Parses the {@code .BTF} section of an ELF object.
     *
     * @param fileName    the object's name, used in error messages
     * @param section     the section contents from position to limit
     * @param sectionName the section's name, used in error messages (normally {@code ".BTF"})
     * @param fileOffset  where the section starts in the file, so errors can name file offsets
     * @return the parsed BTF
     * @throws BpfFormatException if the section is not well-formed BTF
     */
    public static Btf parse(String fileName, ByteBuffer section, String sectionName, long fileOffset)
            throws BpfFormatException {
        byte[] bytes = new byte[section.remaining()];
        section.duplicate().get(bytes);
        return of(BtfTable.parse(new BtfReader(Objects.requireNonNull(fileName, "fileName"), sectionName,
                fileOffset, bytes, 0, bytes.length)));
    }

    /** @return the name given when parsing, used in error messages */
    public String fileName() {
        return table.fileName();
    }

    /** @return the byte order the blob was written in (recognised from its magic number) */
    public ByteOrder byteOrder() {
        return table.byteOrder();
    }

    /** @return every type in id order; element 0 is {@link BtfVoid} */
    public List<BtfType> types() {
        return types;
    }

    /** @return the number of types including void, i.e. one more than the largest id */
    public int typeCount() {
        return types.size();
    }

    /**
     * Returns the type with an id.
     *
     * @param id a type id, 0 for void
     * @return the type
     * @throws IllegalArgumentException if no type has this id
     */
    public BtfType type(int id) {
        checkId(id);
        return types.get(id);
    }

    /**
     * Returns every type with a name, in id order (a name can be shared by, say, a struct and a
     * typedef, or by a function and its declaration tag).
     *
     * @param name the name
     * @return the types, empty when none has this name
     */
    public List<BtfType> typesNamed(String name) {
        return byName().getOrDefault(name, List.of());
    }

    /**
     * Finds the first type of a kind with a name.
     *
     * @param name the name
     * @param kind the kind; {@link BtfKind#STRUCT} and {@link BtfKind#UNION} are distinct
     * @return the type, or empty
     */
    public Optional<BtfType> typeNamed(String name, BtfKind kind) {
        for (BtfType type : typesNamed(name)) {
            if (type.kind() == kind) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /**
     * Finds a data section type by name.
     *
     * @param name e.g. {@code ".rodata"} or {@code ".maps"}
     * @return the DATASEC, or empty
     */
    public Optional<BtfDatasec> datasec(String name) {
        Optional<BtfType> type = typeNamed(name, BtfKind.DATASEC);
        return type.isPresent() ? Optional.of((BtfDatasec) type.get()) : Optional.empty();
    }

    /**
     * Follows typedefs, qualifiers ({@code const}, {@code volatile}, {@code restrict}) and type
     * tags to the underlying type.
     *
     * @param id a type id
     * @return the first type in the chain that is none of those
     * @throws IllegalArgumentException if no type has this id
     */
    public BtfType resolve(int id) {
        BtfType type = type(id);
        // Parsing proved that alias chains end, so this loop terminates.
        while (type instanceof BtfType.Alias alias) {
            type = types.get(alias.typeId());
        }
        return type;
    }

    /**
     * Returns whether a type has a size: void, functions, prototypes, declaration tags and
     * forward declarations (and arrays or typedefs of them) have none.
     *
     * @param id a type id
     * @return true when {@link #sizeOf(int)} answers
     * @throws IllegalArgumentException if no type has this id
     */
    public boolean hasSize(int id) {
        checkId(id);
        return table.hasSize(id);
    }

    /**
     * The size in bytes of a type, through typedef and qualifier chains; pointers are 8 bytes,
     * arrays are count times their element size, variables have their type's size.
     *
     * @param id a type id
     * @return the size in bytes
     * @throws IllegalArgumentException if no type has this id, or the type has no size (see {@link #hasSize})
     */
    public long sizeOf(int id) {
        checkId(id);
        if (!table.hasSize(id)) {
            throw new IllegalArgumentException("BTF type " + id + " (" + describe(id) + ") in " + fileName()
                    + " has no size");
        }
        return table.sizeOf(id);
    }

    /**
     * The alignment in bytes of a type as C lays it out on BPF: integers, enums and floats align
     * to their size capped at 8, pointers to 8, arrays to their element, structs and unions to
     * their strictest member, or to 1 when their layout shows they are packed.
     *
     * @param id a type id
     * @return the alignment in bytes
     * @throws IllegalArgumentException if no type has this id, or the type has no alignment (no size)
     */
    public int alignOf(int id) {
        checkId(id);
        if (table.alignOf(id) <= 0) {
            throw new IllegalArgumentException("BTF type " + id + " (" + describe(id) + ") in " + fileName()
                    + " has no alignment");
        }
        return table.alignOf(id);
    }

    /**
     * Spells a type roughly as C would, for messages: {@code "struct event"}, {@code "u32"},
     * {@code "const char *"}, {@code "int[2][3]"}, {@code "enum color"}.
     *
     * @param id a type id
     * @return a human-readable description
     * @throws IllegalArgumentException if no type has this id
     */
    public String describe(int id) {
        checkId(id);
        return table.describe(id);
    }

    /**
     * Reads a string from the string section, for callers such as {@link BtfExt} that hold
     * offsets into it.
     *
     * @param offset an offset into the string section
     * @return the string, or empty when the offset is out of range or the string is not terminated
     */
    public Optional<String> string(long offset) {
        return table.string(offset);
    }

    /**
     * The same types as flat arrays, for passes over every type that should not walk objects
     * (see {@link BtfTable}).
     *
     * @return the table this BTF was built from
     */
    public BtfTable table() {
        return table;
    }

    private void checkId(int id) {
        if (id < 0 || id >= types.size()) {
            throw new IllegalArgumentException("no BTF type " + id + " in " + fileName() + " (ids go from 0 to "
                    + (types.size() - 1) + ")");
        }
    }

    @Override
    public String toString() {
        return "Btf[" + fileName() + ", " + (types.size() - 1) + " types, " + byteOrder() + "]";
    }

    /**
     * The BTF of a parsed table, as objects.
     *
     * @param table a parsed table
     * @return the same types as records, with the table's sizes and alignments
     */
    public static Btf of(BtfTable table) {
        int count = table.typeCount();
        List<BtfType> types = new ArrayList<>(count);
        types.add(BtfVoid.INSTANCE);
        for (int id = 1; id < count; id++) {
            types.add(typeOf(table, id));
        }
        return new Btf(table, types);
    }

    private static BtfType typeOf(BtfTable table, int id) {
        String name = table.name(id);
        int vlen = table.vlen(id);
        return switch (table.kind(id)) {
            case INT -> new BtfInt(id, name, table.size(id), table.intEncoding(id), table.intOffset(id),
                    table.intBits(id));
            case PTR -> new BtfPtr(id, table.typeId(id));
            case ARRAY -> new BtfArray(id, table.arrayElementType(id), table.arrayIndexType(id), table.arrayCount(id));
            case STRUCT, UNION -> {
                BtfMember[] members = new BtfMember[vlen];
                for (int i = 0; i < vlen; i++) {
                    members[i] = new BtfMember(table.memberName(id, i), table.memberType(id, i),
                            table.memberBitOffset(id, i), table.memberBitfieldSize(id, i));
                }
                yield new BtfStruct(id, name, table.size(id), List.of(members), table.kind(id) == BtfKind.UNION);
            }
            case ENUM, ENUM64 -> {
                BtfEnumValue[] values = new BtfEnumValue[vlen];
                for (int i = 0; i < vlen; i++) {
                    values[i] = new BtfEnumValue(table.enumeratorName(id, i), table.enumeratorValue(id, i));
                }
                yield new BtfEnum(id, name, table.size(id), table.kindFlag(id), List.of(values),
                        table.kind(id) == BtfKind.ENUM64);
            }
            case FWD -> new BtfFwd(id, name, table.kindFlag(id));
            case TYPEDEF -> new BtfTypedef(id, name, table.typeId(id));
            case VOLATILE -> new BtfVolatile(id, table.typeId(id));
            case CONST -> new BtfConst(id, table.typeId(id));
            case RESTRICT -> new BtfRestrict(id, table.typeId(id));
            case TYPE_TAG -> new BtfTypeTag(id, name, table.typeId(id));
            case FUNC -> new BtfFunc(id, name, table.typeId(id), BtfLinkage.ofCode(vlen));
            case FUNC_PROTO -> {
                BtfParam[] params = new BtfParam[vlen];
                for (int i = 0; i < vlen; i++) {
                    params[i] = new BtfParam(table.paramName(id, i), table.paramType(id, i));
                }
                yield new BtfFuncProto(id, table.typeId(id), List.of(params));
            }
            case VAR -> new BtfVar(id, name, table.typeId(id), BtfLinkage.ofCode(table.varLinkage(id)));
            case DATASEC -> {
                List<BtfVarSecinfo> vars = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++) {
                    vars.add(new BtfVarSecinfo(table.sectionVarType(id, i), table.sectionVarOffset(id, i),
                            table.sectionVarSize(id, i)));
                }
                yield new BtfDatasec(id, name, table.size(id), vars);
            }
            case FLOAT -> new BtfFloat(id, name, table.size(id));
            case DECL_TAG -> new BtfDeclTag(id, name, table.typeId(id), table.declTagComponent(id));
            case VOID -> throw new AssertionError("type 0 is void");
        };
    }
}
