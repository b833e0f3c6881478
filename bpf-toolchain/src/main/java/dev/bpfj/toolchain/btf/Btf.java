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

    /** Deepest chain of typedefs/qualifiers/arrays/nested structs accepted; real BTF stays far below. */
    static final int MAX_DEPTH = 512;

    private static final int HEADER_MIN = 24;
    private static final int POINTER_SIZE = 8;
    private static final long NO_SIZE = -1;

    private final String fileName;
    private final ByteOrder byteOrder;
    private final List<BtfType> types;
    /**
     * Built on first use: writing a whole vmlinux.h never looks types up by name, and building
     * the map for 126k kernel types is a good part of a cold parse.
     */
    private volatile Map<String, List<BtfType>> byName;
    private final long[] sizes;
    private final int[] aligns;
    private final byte[] strings;

    private Btf(String fileName, ByteOrder byteOrder, List<BtfType> types, long[] sizes, int[] aligns,
                byte[] strings) {
        this.fileName = fileName;
        this.byteOrder = byteOrder;
        this.types = Collections.unmodifiableList(types);
        this.sizes = sizes;
        this.aligns = aligns;
        this.strings = strings;
    }

    private Map<String, List<BtfType>> byName() {
        Map<String, List<BtfType>> names = byName;
        if (names == null) {
            // Racing threads build equal maps; whichever is published last wins, harmlessly.
            Map<String, List<BtfType>> building = new HashMap<>(types.size() * 2);
            for (BtfType type : types) {
                if (!type.name().isEmpty() && type.id() != 0) {
                    building.computeIfAbsent(type.name(), k -> new ArrayList<>(1)).add(type);
                }
            }
            building.replaceAll((k, v) -> List.copyOf(v));
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
        return new Parser(new BtfReader(Objects.requireNonNull(fileName, "fileName"), null, 0, bytes, 0,
                bytes.length)).parse();
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
        return new Parser(new BtfReader(Objects.requireNonNull(fileName, "fileName"), sectionName, fileOffset, bytes,
                0, bytes.length)).parse();
    }

    /** @return the name given when parsing, used in error messages */
    public String fileName() {
        return fileName;
    }

    /** @return the byte order the blob was written in (recognised from its magic number) */
    public ByteOrder byteOrder() {
        return byteOrder;
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
        return typeNamed(name, BtfKind.DATASEC).map(BtfDatasec.class::cast);
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
        return sizes[id] != NO_SIZE;
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
        if (sizes[id] == NO_SIZE) {
            throw new IllegalArgumentException("BTF type " + id + " (" + describe(id) + ") in " + fileName
                    + " has no size");
        }
        return sizes[id];
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
        if (aligns[id] <= 0) {
            throw new IllegalArgumentException("BTF type " + id + " (" + describe(id) + ") in " + fileName
                    + " has no alignment");
        }
        return aligns[id];
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
        return describe(id, 0);
    }

    private String describe(int id, int depth) {
        if (depth > 32) {
            return "...";
        }
        BtfType type = types.get(id);
        if (type instanceof BtfPtr t) {
            return describe(t.typeId(), depth + 1) + " *";
        } else if (type instanceof BtfArray t) {
            // C writes the outermost dimension first: int[2][3] is an array of 2 arrays of 3.
            StringBuilder dimensions = new StringBuilder();
            BtfType element = t;
            while (element instanceof BtfArray array && dimensions.length() < 256) {
                dimensions.append('[').append(array.count()).append(']');
                element = types.get(array.elemType());
            }
            return describe(element.id(), depth + 1) + dimensions;
        } else if (type instanceof BtfStruct t) {
            return (t.isUnion() ? "union " : "struct ") + (t.name().isEmpty() ? "(anon)" : t.name());
        } else if (type instanceof BtfEnum t) {
            return "enum " + (t.name().isEmpty() ? "(anon)" : t.name());
        } else if (type instanceof BtfFwd t) {
            return (t.isUnion() ? "union " : "struct ") + t.name();
        } else if (type instanceof BtfConst t) {
            return "const " + describe(t.typeId(), depth + 1);
        } else if (type instanceof BtfVolatile t) {
            return "volatile " + describe(t.typeId(), depth + 1);
        } else if (type instanceof BtfRestrict t) {
            return describe(t.typeId(), depth + 1) + " restrict";
        } else if (type instanceof BtfTypeTag t) {
            return describe(t.typeId(), depth + 1) + " __tag(" + t.name() + ")";
        } else if (type instanceof BtfFunc t) {
            return "function " + t.name();
        } else if (type instanceof BtfFuncProto) {
            return "function prototype";
        } else if (type instanceof BtfVar t) {
            return "variable " + t.name();
        } else if (type instanceof BtfDatasec t) {
            return "section " + t.name();
        } else if (type instanceof BtfDeclTag t) {
            return "decl tag " + t.name();
        }
        // void, int, float, typedef: their name is their spelling.
        return type.name();
    }

    /**
     * Reads a string from the string section, for callers such as {@link BtfExt} that hold
     * offsets into it.
     *
     * @param offset an offset into the string section
     * @return the string, or empty when the offset is out of range or the string is not terminated
     */
    public Optional<String> string(long offset) {
        if (offset < 0 || offset >= strings.length) {
            return Optional.empty();
        }
        for (int i = (int) offset; i < strings.length; i++) {
            if (strings[i] == 0) {
                return Optional.of(new String(strings, (int) offset, i - (int) offset,
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    private void checkId(int id) {
        if (id < 0 || id >= types.size()) {
            throw new IllegalArgumentException("no BTF type " + id + " in " + fileName + " (ids go from 0 to "
                    + (types.size() - 1) + ")");
        }
    }

    @Override
    public String toString() {
        return "Btf[" + fileName + ", " + (types.size() - 1) + " types, " + byteOrder + "]";
    }

    /** Reads the header, string section and type section, then checks references and layouts. */
    private static final class Parser {
        private final BtfReader in;
        private long stringStart;
        private long stringEnd;
        private List<BtfType> types;
        /** Byte offset (relative to the blob) at which each type's record starts, for messages. */
        private long[] typeOffsets = new long[16];
        private long[] sizes;
        private int[] aligns;
        /** Structs without the kind flag, whose bitfields are encoded in their INT member types. */
        private int[] legacyBitfieldStructs = new int[64];
        private int legacyBitfieldStructCount;
        /** The largest type id any type refers to, so that one comparison checks most references. */
        private long largestReference;
        /**
         * Names by string offset: the string section stores each string once, and kernel BTF
         * names the same member ({@code next}, {@code flags}...) hundreds of thousands of times,
         * so decoding each offset once saves most of the string work and memory of a parse.
         */
        private NameCache nameCache;
        private byte[] state;
        private int[] words;
        private long wordBase;

        Parser(BtfReader in) {
            this.in = in;
        }

        Btf parse() throws BpfFormatException {
            long headerLength = in.readCommonHeader("BTF", HEADER_MIN);
            long typeOff = in.u32(8);
            long typeLen = in.u32(12);
            long strOff = in.u32(16);
            long strLen = in.u32(20);
            long typeStart = headerLength + typeOff;
            long typeEnd = typeStart + typeLen;
            stringStart = headerLength + strOff;
            stringEnd = stringStart + strLen;
            if (typeEnd > in.length) {
                throw in.fail(8, "the BTF type section (offset " + typeOff + ", length " + typeLen
                        + ") extends past the end of the " + in.length + "-byte blob");
            }
            if (stringEnd > in.length) {
                throw in.fail(16, "the BTF string section (offset " + strOff + ", length " + strLen
                        + ") extends past the end of the " + in.length + "-byte blob");
            }
            if (strLen > 0 && in.bytes[in.start + (int) stringStart] != 0) {
                throw in.fail(stringStart, "the BTF string section does not start with an empty string");
            }
            if (typeLen % 4 != 0) {
                throw in.fail(12, "the BTF type section length " + typeLen + " is not a multiple of 4");
            }
            // Kernel BTF averages about 25 bytes a type; sizing these up front saves their regrowth.
            types = new ArrayList<>((int) Math.min(1 << 22, typeLen / 24 + 16));
            typeOffsets = new long[(int) Math.min(1 << 22, typeLen / 24 + 16)];
            // The type section as 32-bit words, read in one bulk copy: every field of a type record
            // is a whole word, and reading them from an array costs a cold JVM far less than
            // assembling each from bytes with a bounds check.
            words = new int[(int) (typeLen / 4)];
            wordBase = typeStart;
            ByteBuffer.wrap(in.bytes, in.start + (int) typeStart, (int) typeLen).order(in.order).asIntBuffer().get(words);
            types.add(BtfVoid.INSTANCE);
            nameCache = new NameCache(typeLen);
            long at = typeStart;
            while (at < typeEnd) {
                at = readType(at, typeEnd);
            }
            checkReferences();
            checkReferenceChains();
            normaliseLegacyBitfields();
            computeLayouts();
            byte[] strings = new byte[(int) strLen];
            System.arraycopy(in.bytes, in.start + (int) stringStart, strings, 0, (int) strLen);
            return new Btf(in.fileName, in.order, types, sizes, aligns, strings);
        }

        private String name(long nameOff, long referencedAt) throws BpfFormatException {
            if (nameOff == 0) {
                return "";
            }
            if (nameOff >= stringEnd - stringStart) {
                throw in.fail(referencedAt, "name offset " + nameOff + " is outside the BTF string section ("
                        + (stringEnd - stringStart) + " bytes)");
            }
            String cached = nameCache.get((int) nameOff);
            if (cached == null) {
                cached = in.cString(stringStart + nameOff, stringEnd);
                if (cached == null) {
                    // The message is built only here: concatenating it for every name costs a cold parse dearly.
                    throw in.fail(stringStart + nameOff, "the name at string offset " + nameOff
                            + " is not NUL-terminated within its string table");
                }
                nameCache.put((int) nameOff, cached);
            }
            return cached;
        }

        /**
         * The word of the type section at byte offset {@code at} of the blob, which the caller has
         * checked lies inside the type section.
         */
        private long word(long at) {
            return words[(int) ((at - wordBase) >>> 2)] & 0xffffffffL;
        }

        /** The size of the part of a type record that follows its 12-byte common header. */
        private static long recordSize(BtfKind kind, int vlen) {
            return switch (kind) {
                case INT, VAR, DECL_TAG -> 4;
                case ARRAY -> 12;
                case STRUCT, UNION, DATASEC -> 12L * vlen;
                case ENUM, FUNC_PROTO -> 8L * vlen;
                case ENUM64 -> 12L * vlen;
                default -> 0;
            };
        }

        private void addLegacyBitfieldStruct(int id) {
            if (legacyBitfieldStructCount == legacyBitfieldStructs.length) {
                legacyBitfieldStructs = java.util.Arrays.copyOf(legacyBitfieldStructs, legacyBitfieldStructCount * 2);
            }
            legacyBitfieldStructs[legacyBitfieldStructCount++] = id;
        }

        private long readType(long at, long end) throws BpfFormatException {
            int id = types.size();
            if (id == typeOffsets.length) {
                typeOffsets = java.util.Arrays.copyOf(typeOffsets, id * 2);
            }
            typeOffsets[id] = at;
            if (end - at < 12) {
                throw in.fail(at, "truncated BTF type " + id + ": needs 12 bytes, " + (end - at) + " remain");
            }
            String name = name(word(at), at);
            long info = word(at + 4);
            long sizeOrType = word(at + 8);
            int vlen = (int) (info & 0xffff);
            int kindCode = (int) ((info >>> 24) & 0x1f);
            boolean kindFlag = (info >>> 31) != 0;
            long extra = at + 12;
            BtfKind kind = BtfKind.ofCode(kindCode);
            if (kind == null || kind == BtfKind.VOID) {
                throw in.fail(at + 4, "BTF type " + id + " has unknown kind " + kindCode);
            }
            long recordSize = recordSize(kind, vlen);
            // Check the whole variable part before allocating anything sized by vlen.
            if (recordSize > end - extra) {
                throw in.fail(at, "BTF type " + id + " (" + kind + " '" + name + "') needs " + recordSize
                        + " more bytes for " + vlen + " entries but the type section ends after " + (end - extra));
            }
            BtfType type = switch (kind) {
                case INT -> {
                    long data = word(extra);
                    int bits = (int) (data & 0xff);
                    int offset = (int) ((data >>> 16) & 0xff);
                    int encoding = (int) ((data >>> 24) & 0x0f);
                    if (sizeOrType == 0 || sizeOrType > 16 || bits > 128 || offset + bits > 8 * sizeOrType) {
                        throw in.fail(at, "BTF int type " + id + " '" + name + "' has an impossible layout: size "
                                + sizeOrType + ", " + bits + " bits at bit offset " + offset);
                    }
                    yield new BtfInt(id, name, (int) sizeOrType, encoding, offset, bits);
                }
                case PTR -> new BtfPtr(id, typeRef(sizeOrType, at + 8));
                case ARRAY -> new BtfArray(id, typeRef(word(extra), extra), typeRef(word(extra + 4), extra + 4),
                        word(extra + 8));
                case STRUCT, UNION -> {
                    // Arrays wrapped by List.of: the records' List.copyOf then keeps them as they are.
                    BtfMember[] members = new BtfMember[vlen];
                    for (int i = 0; i < vlen; i++) {
                        long m = extra + 12L * i;
                        String memberName = name(word(m), m);
                        int memberType = typeRef(word(m + 4), m + 4);
                        long offset = word(m + 8);
                        long bitOffset = kindFlag ? offset & 0xffffff : offset;
                        int bitfieldSize = kindFlag ? (int) (offset >>> 24) : 0;
                        members[i] = new BtfMember(memberName, memberType, bitOffset, bitfieldSize);
                    }
                    if (!kindFlag && vlen > 0) {
                        addLegacyBitfieldStruct(id);
                    }
                    yield new BtfStruct(id, name, sizeField(sizeOrType, at), List.of(members), kind == BtfKind.UNION);
                }
                case ENUM -> {
                    BtfEnumValue[] values = new BtfEnumValue[vlen];
                    for (int i = 0; i < vlen; i++) {
                        long e = extra + 8L * i;
                        long raw = word(e + 4);
                        values[i] = new BtfEnumValue(name(word(e), e), kindFlag ? (long) (int) raw : raw);
                    }
                    yield new BtfEnum(id, name, enumSize(sizeOrType, at), kindFlag, List.of(values), false);
                }
                case ENUM64 -> {
                    BtfEnumValue[] values = new BtfEnumValue[vlen];
                    for (int i = 0; i < vlen; i++) {
                        long e = extra + 12L * i;
                        long value = word(e + 4) | word(e + 8) << 32;
                        values[i] = new BtfEnumValue(name(word(e), e), value);
                    }
                    yield new BtfEnum(id, name, enumSize(sizeOrType, at), kindFlag, List.of(values), true);
                }
                case FWD -> new BtfFwd(id, name, kindFlag);
                case TYPEDEF -> new BtfTypedef(id, name, typeRef(sizeOrType, at + 8));
                case VOLATILE -> new BtfVolatile(id, typeRef(sizeOrType, at + 8));
                case CONST -> new BtfConst(id, typeRef(sizeOrType, at + 8));
                case RESTRICT -> new BtfRestrict(id, typeRef(sizeOrType, at + 8));
                case TYPE_TAG -> new BtfTypeTag(id, name, typeRef(sizeOrType, at + 8));
                case FUNC -> {
                    BtfLinkage linkage = BtfLinkage.ofCode(vlen);
                    if (linkage == null) {
                        throw in.fail(at + 4, "BTF function " + id + " '" + name + "' has unknown linkage " + vlen);
                    }
                    yield new BtfFunc(id, name, typeRef(sizeOrType, at + 8), linkage);
                }
                case FUNC_PROTO -> {
                    BtfParam[] params = new BtfParam[vlen];
                    for (int i = 0; i < vlen; i++) {
                        long p = extra + 8L * i;
                        params[i] = new BtfParam(name(word(p), p), typeRef(word(p + 4), p + 4));
                    }
                    yield new BtfFuncProto(id, typeRef(sizeOrType, at + 8), List.of(params));
                }
                case VAR -> {
                    long raw = word(extra);
                    BtfLinkage linkage = BtfLinkage.ofCode(raw);
                    if (linkage == null) {
                        throw in.fail(extra, "BTF variable " + id + " '" + name + "' has unknown linkage " + raw);
                    }
                    yield new BtfVar(id, name, typeRef(sizeOrType, at + 8), linkage);
                }
                case DATASEC -> {
                    List<BtfVarSecinfo> vars = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        long v = extra + 12L * i;
                        vars.add(new BtfVarSecinfo(typeRef(word(v), v), word(v + 4), word(v + 8)));
                    }
                    yield new BtfDatasec(id, name, sizeField(sizeOrType, at), vars);
                }
                case FLOAT -> {
                    if (sizeOrType != 2 && sizeOrType != 4 && sizeOrType != 8 && sizeOrType != 12
                            && sizeOrType != 16) {
                        throw in.fail(at + 8, "BTF float type " + id + " '" + name + "' has impossible size "
                                + sizeOrType);
                    }
                    yield new BtfFloat(id, name, (int) sizeOrType);
                }
                case DECL_TAG -> {
                    long component = word(extra);
                    yield new BtfDeclTag(id, name, typeRef(sizeOrType, at + 8), (int) component);
                }
                case VOID -> throw new AssertionError("unreachable");
            };
            types.add(type);
            return extra + recordSize;
        }

        /** Type ids are u32; anything beyond int range is certainly dangling and is caught later. */
        private int typeRef(long raw, long at) throws BpfFormatException {
            if (raw > Integer.MAX_VALUE) {
                throw in.fail(at, "type id " + raw + " is out of range");
            }
            if (raw > largestReference) {
                largestReference = raw;
            }
            return (int) raw;
        }

        private int sizeField(long raw, long at) throws BpfFormatException {
            if (raw > Integer.MAX_VALUE) {
                throw in.fail(at + 8, "type size " + raw + " is larger than 2 GiB");
            }
            return (int) raw;
        }

        private int enumSize(long raw, long at) throws BpfFormatException {
            if (raw != 1 && raw != 2 && raw != 4 && raw != 8) {
                throw in.fail(at + 8, "BTF enum has impossible size " + raw + " (expected 1, 2, 4 or 8)");
            }
            return (int) raw;
        }

        /** Every referenced id must exist, and references must have the right kind where it matters. */
        private void checkReferences() throws BpfFormatException {
            int count = types.size();
            if (largestReference < count) {
                // Every id is in range (the usual case): only functions' prototypes remain to check.
                for (int id = 1; id < count; id++) {
                    if (types.get(id) instanceof BtfFunc f && !(types.get(f.protoId()) instanceof BtfFuncProto)) {
                        throw in.fail(typeOffsets[id], "BTF function " + id + " '" + f.name() + "' refers to type "
                                + f.protoId() + ", which is not a function prototype");
                    }
                }
                return;
            }
            // Some reference dangles: walk every type in id order so that the first problem is reported.
            for (int id = 1; id < count; id++) {
                BtfType type = types.get(id);
                long at = typeOffsets[id];
                if (type instanceof BtfType.Reference r) {
                    ref(id, r.typeId(), at);
                } else if (type instanceof BtfArray a) {
                    ref(id, a.elemType(), at);
                    ref(id, a.indexType(), at);
                } else if (type instanceof BtfStruct s) {
                    for (BtfMember m : s.members()) {
                        ref(id, m.typeId(), at);
                    }
                } else if (type instanceof BtfFunc f) {
                    ref(id, f.protoId(), at);
                    if (!(types.get(f.protoId()) instanceof BtfFuncProto)) {
                        throw in.fail(at, "BTF function " + id + " '" + f.name() + "' refers to type "
                                + f.protoId() + ", which is not a function prototype");
                    }
                } else if (type instanceof BtfFuncProto p) {
                    ref(id, p.returnType(), at);
                    for (BtfParam param : p.params()) {
                        ref(id, param.typeId(), at);
                    }
                } else if (type instanceof BtfVar v) {
                    ref(id, v.typeId(), at);
                } else if (type instanceof BtfDatasec d) {
                    for (BtfVarSecinfo v : d.vars()) {
                        ref(id, v.typeId(), at);
                    }
                } else if (type instanceof BtfDeclTag t) {
                    ref(id, t.typeId(), at);
                }
            }
        }

        private void ref(int from, int to, long at) throws BpfFormatException {
            if (to < 0 || to >= types.size()) {
                throw in.fail(at, "BTF type " + from + " refers to type " + to + ", but the highest id is "
                        + (types.size() - 1));
            }
        }

        /**
         * Checks that every chain of pointers, typedefs and qualifiers ends within
         * {@link #MAX_DEPTH} steps; a chain that loops never ends and so fails here. Each type is
         * walked from at most once thanks to the {@code ended} marks.
         */
        private void checkReferenceChains() throws BpfFormatException {
            int count = types.size();
            boolean[] ended = new boolean[count];
            int[] path = new int[MAX_DEPTH + 1];
            for (int id = 1; id < count; id++) {
                int length = 0;
                int current = id;
                while (!ended[current] && types.get(current) instanceof BtfType.Reference r) {
                    if (length > MAX_DEPTH) {
                        throw in.fail(typeOffsets[id], "BTF type loop: the chain of pointers, typedefs and"
                                + " qualifiers starting at type " + id + " does not end within " + MAX_DEPTH
                                + " steps");
                    }
                    path[length++] = current;
                    current = r.typeId();
                }
                for (int i = 0; i < length; i++) {
                    ended[path[i]] = true;
                }
            }
        }

        /**
         * Gives bitfields one encoding: structs without the kind flag describe a bitfield by an
         * INT member type whose bit count is smaller than its storage; fold that into the member.
         */
        private void normaliseLegacyBitfields() {
            // Most structs without the kind flag (all of them in kernel BTF) have no bitfield, so
            // nothing is allocated until a member proves to be one. Members share few distinct
            // types (int, u32, pointers...), so what each type resolves to is worked out once.
            byte[] narrowInt = new byte[legacyBitfieldStructCount == 0 ? 0 : types.size()];
            for (int n = 0; n < legacyBitfieldStructCount; n++) {
                int id = legacyBitfieldStructs[n];
                BtfStruct s = (BtfStruct) types.get(id);
                List<BtfMember> original = s.members();
                List<BtfMember> members = null;
                for (int index = 0; index < original.size(); index++) {
                    BtfMember m = original.get(index);
                    BtfInt i = null;
                    byte known = narrowInt[m.typeId()];
                    if (known != NARROW_INT_NO) {
                        i = narrowIntBehind(m.typeId());
                        narrowInt[m.typeId()] = i == null ? NARROW_INT_NO : NARROW_INT_YES;
                    }
                    if (i != null) {
                        if (members == null) {
                            members = new ArrayList<>(original.subList(0, index));
                        }
                        members.add(new BtfMember(m.name(), m.typeId(), m.bitOffset() + i.offset(), i.bits()));
                    } else if (members != null) {
                        members.add(m);
                    }
                }
                if (members != null) {
                    types.set(id, new BtfStruct(id, s.name(), s.size(), members, s.isUnion()));
                }
            }
        }

        private static final byte NARROW_INT_NO = 1;
        private static final byte NARROW_INT_YES = 2;

        /**
         * The INT behind typedefs and qualifiers of {@code typeId} if it is narrower than its
         * storage or starts at a bit offset (a legacy bitfield), else null.
         */
        private BtfInt narrowIntBehind(int typeId) {
            BtfType type = types.get(typeId);
            while (type instanceof BtfType.Alias a) {
                type = types.get(a.typeId());
            }
            return type instanceof BtfInt i && (i.offset() != 0 || i.bits() != 8 * i.size()) ? i : null;
        }

        /**
         * Computes sizes and alignments of every type, memoised; a type met again while it is
         * being computed contains itself.
         */
        private void computeLayouts() throws BpfFormatException {
            int count = types.size();
            sizes = new long[count];
            aligns = new int[count];
            state = new byte[count];
            sizes[0] = NO_SIZE;
            state[0] = 2;
            for (int id = 1; id < count; id++) {
                layout(id, 0);
            }
        }

        private void layout(int id, int depth) throws BpfFormatException {
            if (state[id] == 2) {
                return;
            }
            BtfType type = types.get(id);
            if (state[id] == 1) {
                throw in.fail(typeOffsets[id], "BTF type loop: type " + id + " (" + type.kind() + " '" + type.name()
                        + "') contains itself");
            }
            if (depth > MAX_DEPTH) {
                throw in.fail(typeOffsets[id], "BTF types nest deeper than " + MAX_DEPTH + " levels at type " + id);
            }
            state[id] = 1;
            long size = NO_SIZE;
            int align = 0;
            if (type instanceof BtfInt t) {
                size = t.size();
                align = Math.min(POINTER_SIZE, t.size());
            } else if (type instanceof BtfFloat t) {
                size = t.size();
                align = Math.min(POINTER_SIZE, t.size());
            } else if (type instanceof BtfEnum t) {
                size = t.size();
                align = Math.min(POINTER_SIZE, t.size());
            } else if (type instanceof BtfPtr) {
                // A pointer's layout does not depend on its target (linked lists point to themselves).
                size = POINTER_SIZE;
                align = POINTER_SIZE;
            } else if (type instanceof BtfType.Alias t) {
                layout(t.typeId(), depth + 1);
                size = sizes[t.typeId()];
                align = aligns[t.typeId()];
            } else if (type instanceof BtfArray t) {
                layout(t.elemType(), depth + 1);
                long elem = sizes[t.elemType()];
                if (elem != NO_SIZE) {
                    try {
                        size = Math.multiplyExact(elem, t.count());
                    } catch (ArithmeticException e) {
                        throw in.fail(typeOffsets[id], "BTF array type " + id + " is too large: " + t.count()
                                + " elements of " + elem + " bytes");
                    }
                    align = aligns[t.elemType()];
                }
            } else if (type instanceof BtfStruct t) {
                size = t.size();
                align = structAlign(t, depth);
            } else if (type instanceof BtfDatasec t) {
                size = t.size();
                align = 1;
                for (int vIndex = 0, vCount = t.vars().size(); vIndex < vCount; vIndex++) {
                    BtfVarSecinfo v = t.vars().get(vIndex);
                    layout(v.typeId(), depth + 1);
                }
            } else if (type instanceof BtfVar t) {
                layout(t.typeId(), depth + 1);
                size = sizes[t.typeId()];
                align = aligns[t.typeId()];
            }
            // void, fwd, functions, prototypes and decl tags have no layout of their own.
            sizes[id] = size;
            aligns[id] = align;
            state[id] = 2;
        }

        private int structAlign(BtfStruct t, int depth) throws BpfFormatException {
            int max = 1;
            boolean packed = false;
            for (int mIndex = 0, mCount = t.members().size(); mIndex < mCount; mIndex++) {
                BtfMember m = t.members().get(mIndex);
                layout(m.typeId(), depth + 1);
                int memberAlign = aligns[m.typeId()];
                if (memberAlign <= 0) {
                    // Members without a layout (a flexible array of a forward declaration) impose none.
                    continue;
                }
                max = Math.max(max, memberAlign);
                if (m.bitfieldSize() == 0 && m.bitOffset() % (8L * memberAlign) != 0) {
                    packed = true;
                }
            }
            if (packed || t.size() % max != 0) {
                return 1;
            }
            return max;
        }
    }

    /** An open-addressing map from string offsets to decoded names, without boxing. */
    private static final class NameCache {
        private int[] keys;
        private String[] values;
        private int size;

        NameCache(long typeSectionLength) {
            // Roughly one distinct name per 40 bytes of types in kernel BTF; grows if needed.
            int capacity = Integer.highestOneBit((int) Math.min(1 << 20, Math.max(64, typeSectionLength / 20))) * 2;
            keys = new int[capacity];
            values = new String[capacity];
        }

        String get(int offset) {
            int mask = keys.length - 1;
            for (int slot = mix(offset) & mask; ; slot = (slot + 1) & mask) {
                int key = keys[slot];
                if (key == offset) {
                    return values[slot];
                }
                if (key == 0) {
                    return null;
                }
            }
        }

        /** Offset 0 (the empty name) is never stored, so 0 marks a free slot. */
        void put(int offset, String value) {
            if (2 * (size + 1) > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int slot = mix(offset) & mask;
            while (keys[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = offset;
            values[slot] = value;
            size++;
        }

        private void grow() {
            int[] oldKeys = keys;
            String[] oldValues = values;
            keys = new int[oldKeys.length * 2];
            values = new String[oldKeys.length * 2];
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != 0) {
                    put(oldKeys[i], oldValues[i]);
                }
            }
        }

        private static int mix(int offset) {
            return offset * 0x9E3779B9 >>> 7;
        }
    }
}
