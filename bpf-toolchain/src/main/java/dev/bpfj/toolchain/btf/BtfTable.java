package dev.bpfj.toolchain.btf;

import dev.bpfj.toolchain.BpfFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The types of a BTF blob as flat arrays: what {@link Btf} is built from, and what passes over
 * every type of the kernel's BTF (writing {@code vmlinux.h}) read directly.
 *
 * <p>Kernel BTF has about 126,000 types with several hundred thousand members, enumerators and
 * parameters. As objects they take some 50&nbsp;MB and, in a JVM that has just started, most of
 * the time of a whole-BTF pass goes into allocating, collecting and chasing them. Here a type is
 * an id: its kind, name and fields sit in arrays, its members are read from one copy of the
 * type section, and a name is decoded once per string offset, so a pass allocates little more
 * than its output.
 *
 * <p>Parsing checks everything the accessors rely on, with the same rules and messages as
 * {@link Btf#parse(String, byte[])}: every string offset, every type id a type refers to, and
 * that sizes, alignments and reference chains terminate. Accessors take ids that are in range
 * ({@code 0} to {@link #typeCount()}{@code - 1}) and, for kind-specific fields, a type of that
 * kind; anything else is a programming error and fails with an unchecked exception or a
 * meaningless value. Safe for concurrent reads.
 */
public final class BtfTable {

    /** Deepest chain of typedefs/qualifiers/arrays/nested structs accepted; real BTF stays far below. */
    static final int MAX_DEPTH = 512;

    private static final int HEADER_MIN = 24;
    private static final int POINTER_SIZE = 8;
    private static final long NO_SIZE = -1;
    private static final BtfKind[] KINDS_BY_CODE = kindsByCode();

    private final String fileName;
    private final ByteOrder byteOrder;
    /** The blob; names are decoded from its string section on first use. */
    private final byte[] blob;
    /** Where the string section starts in {@link #blob}, and its length. */
    private final int stringBase;
    private final int stringLength;
    private final int count;
    /** Kind codes by type id. */
    private final byte[] kinds;
    /** Name offsets into the string section by type id. */
    private final int[] nameOffsets;
    /** The info word (vlen, kind flag) by type id. */
    private final int[] infos;
    /** The size or type word by type id. */
    private final int[] sizeOrTypes;
    /** Where each type's variable part starts in {@link #words}. */
    private final int[] extras;
    /** The type section as 32-bit words in the blob's byte order. */
    private final int[] words;
    private final long[] sizes;
    private final int[] aligns;
    /**
     * Structs without the kind flag whose bitfields are encoded in their INT member types, by
     * id: each member's bit offset shifted left by 8 with its bitfield size in the low byte; null
     * for other types, and null as a whole when no struct has such a member.
     */
    private final long[][] legacyBitfields;
    /**
     * Names by string offset, decoded on first use. Racing threads may decode the same name
     * twice and store equal strings, which is harmless: a string is immutable.
     */
    private final String[] namesByOffset;

    private BtfTable(Parser parsed) {
        this.fileName = parsed.in.fileName;
        this.byteOrder = parsed.in.order;
        this.blob = parsed.in.bytes;
        this.stringBase = parsed.in.start + (int) parsed.stringStart;
        this.stringLength = (int) (parsed.stringEnd - parsed.stringStart);
        this.count = parsed.count;
        this.kinds = parsed.kinds;
        this.nameOffsets = parsed.nameOffsets;
        this.infos = parsed.infos;
        this.sizeOrTypes = parsed.sizeOrTypes;
        this.extras = parsed.extras;
        this.words = parsed.words;
        this.sizes = parsed.sizes;
        this.aligns = parsed.aligns;
        this.legacyBitfields = parsed.legacyBitfields;
        this.namesByOffset = new String[stringLength];
    }

    /**
     * Parses raw BTF (a whole file whose first bytes are the BTF header, such as
     * {@code /sys/kernel/btf/vmlinux}). The array is not copied; the caller must not change it.
     *
     * @param fileName the name used in error messages
     * @param bytes    the blob
     * @return the parsed table
     * @throws BpfFormatException if the bytes are not well-formed BTF
     */
    public static BtfTable parse(String fileName, byte[] bytes) throws BpfFormatException {
        Objects.requireNonNull(bytes, "bytes");
        return parse(new BtfReader(Objects.requireNonNull(fileName, "fileName"), null, 0, bytes, 0, bytes.length));
    }

    static BtfTable parse(BtfReader in) throws BpfFormatException {
        return new BtfTable(new Parser(in).parse());
    }

    /** @return the name given when parsing, used in error messages */
    public String fileName() {
        return fileName;
    }

    /** @return the byte order the blob was written in (recognised from its magic number) */
    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** @return the number of types including void, i.e. one more than the largest id */
    public int typeCount() {
        return count;
    }

    /**
     * @param id a type id
     * @return its kind; {@link BtfKind#VOID} for id 0
     */
    public BtfKind kind(int id) {
        return KINDS_BY_CODE[kinds[id]];
    }

    /**
     * @param id a type id
     * @return its name, empty when it has none
     */
    public String name(int id) {
        return stringAt(nameOffsets[id]);
    }

    /**
     * @param id a type id
     * @return where its name starts in the string section, 0 when it has none
     */
    public int nameOffset(int id) {
        return nameOffsets[id];
    }

    /**
     * @param id a type id
     * @return whether it has a name, i.e. {@code !name(id).isEmpty()}, without decoding it
     */
    public boolean isNamed(int id) {
        return nameOffsets[id] != 0;
    }

    /**
     * @param id a type id
     * @return the number of members, enumerators, parameters or section variables (the
     *         linkage for a function)
     */
    public int vlen(int id) {
        return infos[id] & 0xffff;
    }

    /**
     * @param id a type id
     * @return the kind flag: a union forward declaration, a signed enum, a struct whose member
     *         offsets carry bitfield sizes
     */
    public boolean kindFlag(int id) {
        return infos[id] < 0;
    }

    /**
     * @param id a pointer, typedef, qualifier, type tag, function, variable or declaration tag
     * @return the type it refers to (a function's prototype, a prototype's return type)
     */
    public int typeId(int id) {
        return sizeOrTypes[id];
    }

    /**
     * @param id an int, float, enum, struct, union or data section
     * @return its size in bytes as BTF states it
     */
    public int size(int id) {
        return sizeOrTypes[id];
    }

    /**
     * @param id an int
     * @return the integer's encoding bits ({@link BtfInt#SIGNED}, {@link BtfInt#CHAR}, {@link BtfInt#BOOL})
     */
    public int intEncoding(int id) {
        return (words[extras[id]] >>> 24) & 0x0f;
    }

    /**
     * @param id an int
     * @return the bit offset of its value inside its storage (non-zero only in old bitfield encodings)
     */
    public int intOffset(int id) {
        return (words[extras[id]] >>> 16) & 0xff;
    }

    /**
     * @param id an int
     * @return the number of bits its value takes
     */
    public int intBits(int id) {
        return words[extras[id]] & 0xff;
    }

    /**
     * @param id an array
     * @return its element type
     */
    public int arrayElementType(int id) {
        return words[extras[id]];
    }

    /**
     * @param id an array
     * @return its index type
     */
    public int arrayIndexType(int id) {
        return words[extras[id] + 1];
    }

    /**
     * @param id an array
     * @return its element count
     */
    public long arrayCount(int id) {
        return words[extras[id] + 2] & 0xffffffffL;
    }

    /**
     * @param id    a struct or union
     * @param index a member index, below {@link #vlen}
     * @return the member's name, empty for an anonymous member
     */
    public String memberName(int id, int index) {
        return stringAt(words[extras[id] + 3 * index]);
    }

    /**
     * @param id    a struct or union
     * @param index a member index
     * @return where the member's name starts in the string section, 0 for an anonymous member
     */
    public int memberNameOffset(int id, int index) {
        return words[extras[id] + 3 * index];
    }

    /**
     * @param id    a struct or union
     * @param index a member index
     * @return the member's type
     */
    public int memberType(int id, int index) {
        return words[extras[id] + 3 * index + 1];
    }

    /**
     * @param id    a struct or union
     * @param index a member index
     * @return the member's offset in bits from the start of the record
     */
    public long memberBitOffset(int id, int index) {
        return bitOffset(infos[id], words[extras[id] + 3 * index + 2], legacyOf(id), index);
    }

    /**
     * @param id    a struct or union
     * @param index a member index
     * @return the member's width in bits if it is a bitfield, else 0
     */
    public int memberBitfieldSize(int id, int index) {
        return bitfieldSize(infos[id], words[extras[id] + 3 * index + 2], legacyOf(id), index);
    }

    private long[] legacyOf(int id) {
        return legacyBitfields == null ? null : legacyBitfields[id];
    }

    /**
     * A member's bit offset from its struct's info word and the member's offset word: with the
     * kind flag the low 24 bits; without it the word itself, or what normalising a legacy
     * bitfield made of it ({@code legacy}, null for structs without one).
     */
    private static long bitOffset(int structInfo, int offsetWord, long[] legacy, int index) {
        long offset = offsetWord & 0xffffffffL;
        if (structInfo < 0) {
            return offset & 0xffffff;
        }
        return legacy == null ? offset : legacy[index] >>> 8;
    }

    /** A member's bitfield width, 0 when it is none; see {@link #bitOffset}. */
    private static int bitfieldSize(int structInfo, int offsetWord, long[] legacy, int index) {
        if (structInfo < 0) {
            return offsetWord >>> 24;
        }
        return legacy == null ? 0 : (int) (legacy[index] & 0xff);
    }

    /**
     * @param id    an enum or enum64
     * @param index an enumerator index, below {@link #vlen}
     * @return the enumerator's name
     */
    public String enumeratorName(int id, int index) {
        return stringAt(enumeratorNameOffset(id, index));
    }

    /**
     * @param id    an enum or enum64
     * @param index an enumerator index
     * @return where the enumerator's name starts in the string section
     */
    public int enumeratorNameOffset(int id, int index) {
        return words[extras[id] + (kinds[id] == BtfKind.ENUM64.code() ? 3 : 2) * index];
    }

    /**
     * @param id    an enum or enum64
     * @param index an enumerator index
     * @return the value: sign-extended for a signed 32-bit enum, zero-extended for an unsigned
     *         one; an enum64's 64 bits
     */
    public long enumeratorValue(int id, int index) {
        if (kinds[id] == BtfKind.ENUM64.code()) {
            int at = extras[id] + 3 * index;
            return (words[at + 1] & 0xffffffffL) | (long) words[at + 2] << 32;
        }
        int raw = words[extras[id] + 2 * index + 1];
        return infos[id] < 0 ? raw : raw & 0xffffffffL;
    }

    /**
     * @param id    a function prototype
     * @param index a parameter index, below {@link #vlen}
     * @return the parameter's name, often empty
     */
    public String paramName(int id, int index) {
        return stringAt(words[extras[id] + 2 * index]);
    }

    /**
     * @param id    a function prototype
     * @param index a parameter index
     * @return the parameter's type; 0 for the last one of a variadic function
     */
    public int paramType(int id, int index) {
        return words[extras[id] + 2 * index + 1];
    }

    /**
     * @param id a variable
     * @return its linkage code (see {@link BtfLinkage})
     */
    public int varLinkage(int id) {
        return words[extras[id]];
    }

    /**
     * @param id    a data section
     * @param index a variable index, below {@link #vlen}
     * @return the variable's type id
     */
    public int sectionVarType(int id, int index) {
        return words[extras[id] + 3 * index];
    }

    /**
     * @param id    a data section
     * @param index a variable index
     * @return the variable's offset in the section
     */
    public long sectionVarOffset(int id, int index) {
        return words[extras[id] + 3 * index + 1] & 0xffffffffL;
    }

    /**
     * @param id    a data section
     * @param index a variable index
     * @return the variable's size
     */
    public long sectionVarSize(int id, int index) {
        return words[extras[id] + 3 * index + 2] & 0xffffffffL;
    }

    /**
     * @param id a declaration tag
     * @return the member or parameter index it tags, or -1 for the declaration itself
     */
    public int declTagComponent(int id) {
        return words[extras[id]];
    }

    /**
     * Follows typedefs, qualifiers and type tags to the underlying type.
     *
     * @param id a type id
     * @return the first type in the chain that is none of those
     */
    public int resolve(int id) {
        int current = id;
        // Parsing proved that these chains end.
        while (isAlias(kinds[current])) {
            current = sizeOrTypes[current];
        }
        return current;
    }

    /**
     * @param id a type id
     * @return whether {@link #sizeOf} answers: void, functions, prototypes, declaration tags and
     *         forward declarations (and arrays or typedefs of them) have no size
     */
    public boolean hasSize(int id) {
        return sizes[id] != NO_SIZE;
    }

    /**
     * @param id a type id with a size
     * @return its size in bytes through typedef and qualifier chains, as {@link Btf#sizeOf} gives it
     */
    public long sizeOf(int id) {
        return sizes[id];
    }

    /**
     * @param id a type id
     * @return its alignment as {@link Btf#alignOf} gives it, or 0 when it has none
     */
    public int alignOf(int id) {
        return aligns[id];
    }

    /**
     * Spells a type roughly as C would, for messages: {@code "struct event"}, {@code "u32"},
     * {@code "const char *"}, {@code "int[2][3]"}, {@code "enum color"}.
     *
     * @param id a type id
     * @return a human-readable description
     */
    public String describe(int id) {
        return describe(id, 0);
    }

    private String describe(int id, int depth) {
        if (depth > 32) {
            return "...";
        }
        String name = name(id);
        switch (kind(id)) {
            case VOID:
                return "void";
            case PTR:
                return describe(typeId(id), depth + 1) + " *";
            case ARRAY: {
                // C writes the outermost dimension first: int[2][3] is an array of 2 arrays of 3.
                StringBuilder dimensions = new StringBuilder();
                int element = id;
                while (kind(element) == BtfKind.ARRAY && dimensions.length() < 256) {
                    dimensions.append('[').append(arrayCount(element)).append(']');
                    element = arrayElementType(element);
                }
                return describe(element, depth + 1) + dimensions;
            }
            case STRUCT:
                return "struct " + (name.isEmpty() ? "(anon)" : name);
            case UNION:
                return "union " + (name.isEmpty() ? "(anon)" : name);
            case ENUM:
            case ENUM64:
                return "enum " + (name.isEmpty() ? "(anon)" : name);
            case FWD:
                return (kindFlag(id) ? "union " : "struct ") + name;
            case CONST:
                return "const " + describe(typeId(id), depth + 1);
            case VOLATILE:
                return "volatile " + describe(typeId(id), depth + 1);
            case RESTRICT:
                return describe(typeId(id), depth + 1) + " restrict";
            case TYPE_TAG:
                return describe(typeId(id), depth + 1) + " __tag(" + name + ")";
            case FUNC:
                return "function " + name;
            case FUNC_PROTO:
                return "function prototype";
            case VAR:
                return "variable " + name;
            case DATASEC:
                return "section " + name;
            case DECL_TAG:
                return "decl tag " + name;
            default:
                // int, float, typedef: their name is their spelling.
                return name;
        }
    }

    /**
     * Reads a string from the string section, for callers that hold offsets into it.
     *
     * @param offset an offset into the string section
     * @return the string, or empty when the offset is out of range or the string is not terminated
     */
    public Optional<String> string(long offset) {
        if (offset < 0 || offset >= stringLength) {
            return Optional.empty();
        }
        for (int i = stringBase + (int) offset; i < stringBase + stringLength; i++) {
            if (blob[i] == 0) {
                return Optional.of(stringAt((int) offset));
            }
        }
        return Optional.empty();
    }

    /**
     * The string at an offset that one of the {@code ...Offset} accessors returned (parsing
     * checked that it is in range and terminated).
     *
     * @param offset a name offset
     * @return the name, decoded once and then shared
     */
    public String stringAt(int offset) {
        if (offset == 0) {
            return "";
        }
        String cached = namesByOffset[offset];
        if (cached == null) {
            // The UTF-8 decoder checks for non-ASCII bytes with a vectorised intrinsic and copies
            // ASCII (all kernel names) straight into a compact string.
            cached = new String(blob, stringBase + offset, stringLength(offset), StandardCharsets.UTF_8);
            namesByOffset[offset] = cached;
        }
        return cached;
    }

    /**
     * @param offset a name offset, as for {@link #stringAt}
     * @param prefix ASCII text
     * @return whether the name starts with {@code prefix}
     */
    public boolean stringStartsWith(int offset, String prefix) {
        if (offset == 0) {
            return prefix.isEmpty();
        }
        int at = stringBase + offset;
        for (int i = 0; i < prefix.length(); i++, at++) {
            if (blob[at] != prefix.charAt(i)) {
                // Also stops at the name's NUL, which no prefix character equals.
                return false;
            }
        }
        return true;
    }

    /**
     * @param offset a name offset, as for {@link #stringAt}
     * @return whether the name is empty (as offset 0 always is)
     */
    public boolean isEmptyString(int offset) {
        return offset == 0 || blob[stringBase + offset] == 0;
    }

    /**
     * @param offset a name offset, as for {@link #stringAt}
     * @return the name's length in bytes
     */
    public int stringLength(int offset) {
        if (offset == 0) {
            // Also when the string section is empty.
            return 0;
        }
        int from = stringBase + offset;
        int end = from;
        while (blob[end] != 0) {
            end++;
        }
        return end - from;
    }

    /**
     * Copies a name's bytes (UTF-8, without the NUL) without decoding them.
     *
     * @param offset      a name offset, as for {@link #stringAt}
     * @param length      its {@link #stringLength}
     * @param destination where to copy to
     * @param at          where in {@code destination}
     */
    public void copyString(int offset, int length, byte[] destination, int at) {
        System.arraycopy(blob, stringBase + offset, destination, at, length);
    }

    /**
     * A hash of a name's bytes, the same for equal names at different offsets.
     *
     * @param offset a name offset, as for {@link #stringAt}
     * @return the hash ({@link #hash(byte[])} of the same bytes)
     */
    public int stringHash(int offset) {
        if (offset == 0) {
            // Also when the string section is empty.
            return 0;
        }
        int hash = 0;
        for (int at = stringBase + offset; blob[at] != 0; at++) {
            hash = 31 * hash + blob[at];
        }
        return hash;
    }

    /**
     * The hash {@link #stringHash} gives a name with these bytes.
     *
     * @param text the bytes of a name, without a NUL
     * @return the hash
     */
    public static int hash(byte[] text) {
        int hash = 0;
        for (byte b : text) {
            hash = 31 * hash + b;
        }
        return hash;
    }

    /**
     * @param offset a name offset, as for {@link #stringAt}
     * @param other  another
     * @return whether the two names are equal
     */
    public boolean stringEquals(int offset, int other) {
        if (offset == other) {
            return true;
        }
        if (offset == 0 || other == 0) {
            return isEmptyString(offset) && isEmptyString(other);
        }
        int a = stringBase + offset;
        int b = stringBase + other;
        while (blob[a] == blob[b]) {
            if (blob[a] == 0) {
                return true;
            }
            a++;
            b++;
        }
        return false;
    }

    /**
     * @param offset a name offset, as for {@link #stringAt}
     * @param text   the bytes of a name, without a NUL
     * @return whether the name has exactly these bytes
     */
    public boolean stringEquals(int offset, byte[] text) {
        if (offset == 0) {
            return text.length == 0;
        }
        int at = stringBase + offset;
        for (byte b : text) {
            if (blob[at++] != b || b == 0) {
                return false;
            }
        }
        return blob[at] == 0;
    }

    /** Kinds that stand for another type: a typedef, a qualifier or a type tag. */
    static boolean isAlias(int kindCode) {
        return kindCode == 8 || kindCode == 9 || kindCode == 10 || kindCode == 11 || kindCode == 18;
    }

    /** Kinds whose size-or-type word is a type id: pointers and {@link #isAlias aliases}. */
    private static boolean isReference(int kindCode) {
        return kindCode == 2 || isAlias(kindCode);
    }

    private static BtfKind[] kindsByCode() {
        BtfKind[] byCode = new BtfKind[BtfKind.values().length];
        for (BtfKind kind : BtfKind.values()) {
            byCode[kind.code()] = kind;
        }
        return byCode;
    }

    @Override
    public String toString() {
        return "BtfTable[" + fileName + ", " + (count - 1) + " types, " + byteOrder + "]";
    }

    /** Reads the header, string section and type section, then checks references and layouts. */
    private static final class Parser {
        private final BtfReader in;
        private long stringStart;
        private long stringEnd;
        /** The highest offset in the string section whose string is NUL-terminated. */
        private long lastTerminated;
        private int count;
        private byte[] kinds;
        private int[] nameOffsets;
        private int[] infos;
        private int[] sizeOrTypes;
        private int[] extras;
        /** Byte offset (relative to the blob) at which each type's record starts, for messages. */
        private long[] typeOffsets;
        private int[] words;
        private long wordBase;
        private long[] sizes;
        private int[] aligns;
        private byte[] state;
        /** Structs without the kind flag, whose bitfields are encoded in their INT member types. */
        private int[] legacyStructs = new int[64];
        private int legacyStructCount;
        private long[][] legacyBitfields;
        /** The largest type id any type refers to, so that one comparison checks most references. */
        private long largestReference;
        /** Whether some INT is narrower than its storage, as the old bitfield encoding has them. */
        private boolean narrowInts;

        Parser(BtfReader in) {
            this.in = in;
        }

        Parser parse() throws BpfFormatException {
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
            // A string is terminated when a NUL follows it in the section, so one look from the
            // end settles it for every offset.
            lastTerminated = strLen - 1;
            while (lastTerminated >= 0 && in.bytes[in.start + (int) (stringStart + lastTerminated)] != 0) {
                lastTerminated--;
            }
            // The type section as 32-bit words, read in one bulk copy: every field of a type record
            // is a whole word, and reading them from an array costs a cold JVM far less than
            // assembling each from bytes with a bounds check.
            words = new int[(int) (typeLen / 4)];
            wordBase = typeStart;
            ByteBuffer.wrap(in.bytes, in.start + (int) typeStart, (int) typeLen).order(in.order).asIntBuffer()
                    .get(words);
            // Kernel BTF averages about 25 bytes a type; sizing the arrays up front saves their regrowth.
            allocate((int) Math.min(1 << 22, typeLen / 24 + 16));
            count = 1;
            long at = typeStart;
            while (at < typeEnd) {
                at = readType(at, typeEnd);
            }
            checkReferences();
            checkReferenceChains();
            normaliseLegacyBitfields();
            computeLayouts();
            return this;
        }

        private void allocate(int capacity) {
            kinds = new byte[capacity];
            nameOffsets = new int[capacity];
            infos = new int[capacity];
            sizeOrTypes = new int[capacity];
            extras = new int[capacity];
            typeOffsets = new long[capacity];
        }

        private void grow() {
            int capacity = kinds.length * 2;
            kinds = Arrays.copyOf(kinds, capacity);
            nameOffsets = Arrays.copyOf(nameOffsets, capacity);
            infos = Arrays.copyOf(infos, capacity);
            sizeOrTypes = Arrays.copyOf(sizeOrTypes, capacity);
            extras = Arrays.copyOf(extras, capacity);
            typeOffsets = Arrays.copyOf(typeOffsets, capacity);
        }

        /** Checks a name offset found at {@code referencedAt}; returns it as an int. */
        private int name(long nameOff, long referencedAt) throws BpfFormatException {
            if (nameOff == 0) {
                return 0;
            }
            if (nameOff >= stringEnd - stringStart) {
                throw in.fail(referencedAt, "name offset " + nameOff + " is outside the BTF string section ("
                        + (stringEnd - stringStart) + " bytes)");
            }
            if (nameOff > lastTerminated) {
                throw in.fail(stringStart + nameOff, "the name at string offset " + nameOff
                        + " is not NUL-terminated within its string table");
            }
            return (int) nameOff;
        }

        /** The name at a checked offset, for messages only. */
        private String nameText(int nameOff) {
            return nameOff == 0 ? "" : in.cString(stringStart + nameOff, stringEnd);
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

        private long readType(long at, long end) throws BpfFormatException {
            int id = count;
            if (id == kinds.length) {
                grow();
            }
            typeOffsets[id] = at;
            if (end - at < 12) {
                throw in.fail(at, "truncated BTF type " + id + ": needs 12 bytes, " + (end - at) + " remain");
            }
            int name = name(word(at), at);
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
            if (recordSize > end - extra) {
                throw in.fail(at, "BTF type " + id + " (" + kind + " '" + nameText(name) + "') needs " + recordSize
                        + " more bytes for " + vlen + " entries but the type section ends after " + (end - extra));
            }
            switch (kind) {
                case INT -> {
                    long data = word(extra);
                    int bits = (int) (data & 0xff);
                    int offset = (int) ((data >>> 16) & 0xff);
                    if (sizeOrType == 0 || sizeOrType > 16 || bits > 128 || offset + bits > 8 * sizeOrType) {
                        throw in.fail(at, "BTF int type " + id + " '" + nameText(name) + "' has an impossible layout:"
                                + " size " + sizeOrType + ", " + bits + " bits at bit offset " + offset);
                    }
                    narrowInts |= offset != 0 || bits != 8 * sizeOrType;
                }
                case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG -> typeRef(sizeOrType, at + 8);
                case ARRAY -> {
                    typeRef(word(extra), extra);
                    typeRef(word(extra + 4), extra + 4);
                }
                case STRUCT, UNION -> {
                    for (int i = 0; i < vlen; i++) {
                        long m = extra + 12L * i;
                        name(word(m), m);
                        typeRef(word(m + 4), m + 4);
                    }
                    if (!kindFlag && vlen > 0) {
                        if (legacyStructCount == legacyStructs.length) {
                            legacyStructs = Arrays.copyOf(legacyStructs, legacyStructCount * 2);
                        }
                        legacyStructs[legacyStructCount++] = id;
                    }
                    sizeField(sizeOrType, at);
                }
                case ENUM -> {
                    for (int i = 0; i < vlen; i++) {
                        long e = extra + 8L * i;
                        name(word(e), e);
                    }
                    enumSize(sizeOrType, at);
                }
                case ENUM64 -> {
                    for (int i = 0; i < vlen; i++) {
                        long e = extra + 12L * i;
                        name(word(e), e);
                    }
                    enumSize(sizeOrType, at);
                }
                case FWD -> {
                }
                case FUNC -> {
                    if (BtfLinkage.ofCode(vlen) == null) {
                        throw in.fail(at + 4, "BTF function " + id + " '" + nameText(name) + "' has unknown linkage "
                                + vlen);
                    }
                    typeRef(sizeOrType, at + 8);
                }
                case FUNC_PROTO -> {
                    for (int i = 0; i < vlen; i++) {
                        long p = extra + 8L * i;
                        name(word(p), p);
                        typeRef(word(p + 4), p + 4);
                    }
                    typeRef(sizeOrType, at + 8);
                }
                case VAR -> {
                    long raw = word(extra);
                    if (BtfLinkage.ofCode(raw) == null) {
                        throw in.fail(extra, "BTF variable " + id + " '" + nameText(name) + "' has unknown linkage "
                                + raw);
                    }
                    typeRef(sizeOrType, at + 8);
                }
                case DATASEC -> {
                    for (int i = 0; i < vlen; i++) {
                        long v = extra + 12L * i;
                        typeRef(word(v), v);
                    }
                    sizeField(sizeOrType, at);
                }
                case FLOAT -> {
                    if (sizeOrType != 2 && sizeOrType != 4 && sizeOrType != 8 && sizeOrType != 12
                            && sizeOrType != 16) {
                        throw in.fail(at + 8, "BTF float type " + id + " '" + nameText(name) + "' has impossible size "
                                + sizeOrType);
                    }
                }
                case DECL_TAG -> typeRef(sizeOrType, at + 8);
                case VOID -> throw new AssertionError("unreachable");
            }
            kinds[id] = (byte) kindCode;
            // An offset of an empty string is no name, as offset 0 is.
            nameOffsets[id] = name != 0 && in.bytes[in.start + (int) (stringStart + name)] == 0 ? 0 : name;
            infos[id] = (int) info;
            sizeOrTypes[id] = (int) sizeOrType;
            extras[id] = (int) ((extra - wordBase) >>> 2);
            count++;
            return extra + recordSize;
        }

        /** Type ids are u32; anything beyond int range is certainly dangling. */
        private void typeRef(long raw, long at) throws BpfFormatException {
            if (raw > Integer.MAX_VALUE) {
                throw in.fail(at, "type id " + raw + " is out of range");
            }
            if (raw > largestReference) {
                largestReference = raw;
            }
        }

        private void sizeField(long raw, long at) throws BpfFormatException {
            if (raw > Integer.MAX_VALUE) {
                throw in.fail(at + 8, "type size " + raw + " is larger than 2 GiB");
            }
        }

        private void enumSize(long raw, long at) throws BpfFormatException {
            if (raw != 1 && raw != 2 && raw != 4 && raw != 8) {
                throw in.fail(at + 8, "BTF enum has impossible size " + raw + " (expected 1, 2, 4 or 8)");
            }
        }

        private String describeForMessage(int id) {
            return nameText(nameOffsets[id]);
        }

        /** Every referenced id must exist, and references must have the right kind where it matters. */
        private void checkReferences() throws BpfFormatException {
            int func = BtfKind.FUNC.code();
            int proto = BtfKind.FUNC_PROTO.code();
            if (largestReference < count) {
                // Every id is in range (the usual case): only functions' prototypes remain to check.
                for (int id = 1; id < count; id++) {
                    if (kinds[id] == func && kinds[sizeOrTypes[id]] != proto) {
                        throw notAPrototype(id);
                    }
                }
                return;
            }
            // Some reference dangles: walk every type in id order so that the first problem is reported.
            for (int id = 1; id < count; id++) {
                int kind = kinds[id];
                int extra = extras[id];
                int vlen = infos[id] & 0xffff;
                if (isReference(kind) || kind == BtfKind.VAR.code() || kind == BtfKind.DECL_TAG.code()) {
                    ref(id, sizeOrTypes[id]);
                } else if (kind == BtfKind.ARRAY.code()) {
                    ref(id, words[extra]);
                    ref(id, words[extra + 1]);
                } else if (kind == BtfKind.STRUCT.code() || kind == BtfKind.UNION.code()) {
                    for (int i = 0; i < vlen; i++) {
                        ref(id, words[extra + 3 * i + 1]);
                    }
                } else if (kind == func) {
                    ref(id, sizeOrTypes[id]);
                    if (kinds[sizeOrTypes[id]] != proto) {
                        throw notAPrototype(id);
                    }
                } else if (kind == proto) {
                    ref(id, sizeOrTypes[id]);
                    for (int i = 0; i < vlen; i++) {
                        ref(id, words[extra + 2 * i + 1]);
                    }
                } else if (kind == BtfKind.DATASEC.code()) {
                    for (int i = 0; i < vlen; i++) {
                        ref(id, words[extra + 3 * i]);
                    }
                }
            }
        }

        private BpfFormatException notAPrototype(int id) {
            return in.fail(typeOffsets[id], "BTF function " + id + " '" + describeForMessage(id) + "' refers to type "
                    + sizeOrTypes[id] + ", which is not a function prototype");
        }

        private void ref(int from, int to) throws BpfFormatException {
            if (to < 0 || to >= count) {
                throw in.fail(typeOffsets[from], "BTF type " + from + " refers to type " + to
                        + ", but the highest id is " + (count - 1));
            }
        }

        /**
         * Checks that every chain of pointers, typedefs and qualifiers ends within
         * {@link #MAX_DEPTH} steps; a chain that loops never ends and so fails here. Each type is
         * walked from at most once thanks to the {@code ended} marks.
         */
        private void checkReferenceChains() throws BpfFormatException {
            boolean[] ended = new boolean[count];
            int[] path = new int[MAX_DEPTH + 1];
            for (int id = 1; id < count; id++) {
                int length = 0;
                int current = id;
                while (!ended[current] && isReference(kinds[current])) {
                    if (length > MAX_DEPTH) {
                        throw in.fail(typeOffsets[id], "BTF type loop: the chain of pointers, typedefs and"
                                + " qualifiers starting at type " + id + " does not end within " + MAX_DEPTH
                                + " steps");
                    }
                    path[length++] = current;
                    current = sizeOrTypes[current];
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
            if (!narrowInts) {
                // No INT could encode a bitfield (as in all kernel BTF, where structs with
                // bitfields have the kind flag): nothing to look at.
                return;
            }
            // Most structs without the kind flag have no bitfield, so nothing is allocated until
            // a member proves to be one. Members share few distinct types (int, u32, pointers...),
            // so what each type resolves to is worked out once.
            byte[] narrowInt = new byte[legacyStructCount == 0 ? 0 : count];
            for (int n = 0; n < legacyStructCount; n++) {
                int id = legacyStructs[n];
                int vlen = infos[id] & 0xffff;
                long[] members = null;
                for (int index = 0; index < vlen; index++) {
                    int at = extras[id] + 3 * index;
                    int memberType = words[at + 1];
                    int narrow = 0;
                    if (narrowInt[memberType] != NARROW_INT_NO) {
                        narrow = narrowIntBehind(memberType);
                        narrowInt[memberType] = narrow == 0 ? NARROW_INT_NO : NARROW_INT_YES;
                    }
                    if (narrow != 0 && members == null) {
                        members = new long[vlen];
                        for (int before = 0; before < index; before++) {
                            members[before] = (words[extras[id] + 3 * before + 2] & 0xffffffffL) << 8;
                        }
                    }
                    if (members != null) {
                        long offset = words[at + 2] & 0xffffffffL;
                        members[index] = narrow == 0 ? offset << 8
                                : (offset + intOffset(narrow)) << 8 | (words[extras[narrow]] & 0xff);
                    }
                }
                if (members != null) {
                    if (legacyBitfields == null) {
                        legacyBitfields = new long[count][];
                    }
                    legacyBitfields[id] = members;
                }
            }
        }

        private int intOffset(int intId) {
            return (words[extras[intId]] >>> 16) & 0xff;
        }

        private static final byte NARROW_INT_NO = 1;
        private static final byte NARROW_INT_YES = 2;

        /**
         * The INT behind typedefs and qualifiers of {@code typeId} if it is narrower than its
         * storage or starts at a bit offset (a legacy bitfield), else 0.
         */
        private int narrowIntBehind(int typeId) {
            int current = typeId;
            while (isAlias(kinds[current])) {
                current = sizeOrTypes[current];
            }
            if (kinds[current] != BtfKind.INT.code()) {
                return 0;
            }
            int data = words[extras[current]];
            int bits = data & 0xff;
            return intOffset(current) != 0 || bits != 8 * sizeOrTypes[current] ? current : 0;
        }

        /**
         * Computes sizes and alignments of every type, memoised; a type met again while it is
         * being computed contains itself.
         */
        private void computeLayouts() throws BpfFormatException {
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
            int kind = kinds[id];
            if (state[id] == 1) {
                throw in.fail(typeOffsets[id], "BTF type loop: type " + id + " (" + KINDS_BY_CODE[kind] + " '"
                        + nameText(nameOffsets[id]) + "') contains itself");
            }
            if (depth > MAX_DEPTH) {
                throw in.fail(typeOffsets[id], "BTF types nest deeper than " + MAX_DEPTH + " levels at type " + id);
            }
            state[id] = 1;
            long size = NO_SIZE;
            int align = 0;
            int target = sizeOrTypes[id];
            if (kind == BtfKind.INT.code() || kind == BtfKind.FLOAT.code() || kind == BtfKind.ENUM.code()
                    || kind == BtfKind.ENUM64.code()) {
                size = target;
                align = Math.min(POINTER_SIZE, target);
            } else if (kind == BtfKind.PTR.code()) {
                // A pointer's layout does not depend on its target (linked lists point to themselves).
                size = POINTER_SIZE;
                align = POINTER_SIZE;
            } else if (isAlias(kind) || kind == BtfKind.VAR.code()) {
                layout(target, depth + 1);
                size = sizes[target];
                align = aligns[target];
            } else if (kind == BtfKind.ARRAY.code()) {
                int element = words[extras[id]];
                long elementCount = words[extras[id] + 2] & 0xffffffffL;
                layout(element, depth + 1);
                long elementSize = sizes[element];
                if (elementSize != NO_SIZE) {
                    try {
                        size = Math.multiplyExact(elementSize, elementCount);
                    } catch (ArithmeticException e) {
                        throw in.fail(typeOffsets[id], "BTF array type " + id + " is too large: " + elementCount
                                + " elements of " + elementSize + " bytes");
                    }
                    align = aligns[element];
                }
            } else if (kind == BtfKind.STRUCT.code() || kind == BtfKind.UNION.code()) {
                size = target;
                align = structAlign(id, depth);
            } else if (kind == BtfKind.DATASEC.code()) {
                size = target;
                align = 1;
                for (int i = 0, vlen = infos[id] & 0xffff; i < vlen; i++) {
                    layout(words[extras[id] + 3 * i], depth + 1);
                }
            }
            // void, fwd, functions, prototypes and decl tags have no layout of their own.
            sizes[id] = size;
            aligns[id] = align;
            state[id] = 2;
        }

        private int structAlign(int id, int depth) throws BpfFormatException {
            int max = 1;
            boolean packed = false;
            long[] legacy = legacyBitfields == null ? null : legacyBitfields[id];
            for (int i = 0, vlen = infos[id] & 0xffff; i < vlen; i++) {
                int memberType = words[extras[id] + 3 * i + 1];
                layout(memberType, depth + 1);
                int memberAlign = aligns[memberType];
                if (memberAlign <= 0) {
                    // Members without a layout (a flexible array of a forward declaration) impose none.
                    continue;
                }
                max = Math.max(max, memberAlign);
                int offsetWord = words[extras[id] + 3 * i + 2];
                if (bitfieldSize(infos[id], offsetWord, legacy, i) == 0
                        && bitOffset(infos[id], offsetWord, legacy, i) % (8L * memberAlign) != 0) {
                    packed = true;
                }
            }
            if (packed || sizeOrTypes[id] % max != 0) {
                return 1;
            }
            return max;
        }
    }
}
