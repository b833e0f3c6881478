package dev.bpfj.toolchain.vmlinux;

import dev.bpfj.toolchain.btf.BtfInt;
import dev.bpfj.toolchain.btf.BtfKind;
import dev.bpfj.toolchain.btf.BtfTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine behind {@link VmlinuxHeaderWriter}: one instance writes one header.
 *
 * <p>Order. C needs a struct or union complete where it is used by value (a member, an array
 * element) and typedef names declared before use; a pointer needs nothing, because the first
 * mention of {@code struct foo} in a member or typedef declares the tag at file scope. The one
 * exception is a function prototype's parameter list, which has its own scope: a tag first named
 * there would be a different type, so such tags get a forward declaration first. Each top-level
 * definition therefore first walks what it refers to ({@link #prepare}), emitting the
 * definitions it needs by value and the forward declarations its prototypes need, and only then
 * writes itself. Cycles can only pass through pointers, which need no definitions, so the walk
 * ends; a typedef of a struct prefers to follow the struct's definition but is written early if
 * the struct's own members need the typedef name.
 *
 * <p>Names. Struct, union and enum tags share one C namespace, typedef names and enumerators
 * another; BTF may repeat a name (two different {@code struct foo} from different compilation
 * units), so the second one is written {@code foo___2}, in type id order, which is stable
 * between a full and a filtered header. CO-RE ignores the {@code ___N} suffix when matching.
 *
 * <p>Anonymous structs, unions and enums are written inline where they are used. An anonymous
 * enum used a second time would repeat its enumerators, which C rejects, so later uses are
 * written as the integer type of the same size; anonymous enums no emitted type uses are
 * written at the end so their constants are available.
 */
final class HeaderEmitter {

    private static final byte NONE = 0;
    private static final byte IN_PROGRESS = 1;
    /** A typedef waiting for its struct's definition, which it may be written before. */
    private static final byte WAITING_FOR_TARGET = 2;
    private static final byte DONE = 3;

    /**
     * Far deeper than any real type graph (the kernel's stays below 100); a forged one must fail
     * with a message rather than overflow the stack.
     */
    static final int MAX_DEPTH = 5000;

    /** Padding above this is written as one array rather than bitfields of at most 64 bits. */
    private static final long LARGE_PADDING_BITS = 64L * 1024 * 8;

    private static final Set<String> C_INT_NAMES = Set.of("char", "signed char", "unsigned char", "_Bool",
            "short", "short int", "signed short", "short signed int", "short unsigned int", "unsigned short",
            "int", "signed int", "signed", "unsigned int", "unsigned", "long", "long int", "signed long",
            "long signed int", "long unsigned int", "unsigned long", "long long", "long long int",
            "long long signed int", "long long unsigned int", "unsigned long long", "__int128",
            "__int128 unsigned", "unsigned __int128", "__int128 signed");

    private final BtfTable btf;
    private final LayoutPlanner layouts;
    private final Namespace tags;
    private final Namespace identifiers;
    /**
     * For a named struct, union, enum, forward declaration or typedef: N when it is written
     * name___N, 0 when as it is; {@link #BUILTIN} for a compiler builtin's typedef.
     */
    private final int[] suffixes;
    /** For an enum whose enumerators BTF repeats elsewhere: each one's N as in {@link #suffixes}. */
    private final int[][] enumeratorSuffixes;
    private final byte[] state;
    /** The tag is declared at file scope by text already written (or about to be, in order). */
    private final boolean[] tagDeclared;
    /** {@link #prepare} with {@code needComplete} already done for this type; repeating it changes nothing. */
    private final boolean[] preparedComplete;
    private final boolean[] preparedIncomplete;
    private final boolean[] anonymousEnumWritten;
    private final HeaderText out;
    private final List<String> warnings = new ArrayList<>();
    private final Set<String> warned = new HashSet<>();
    private int definitions;
    private int forwardDeclarations;
    private int depth;
    /** The prefixes of the declarators being written, innermost first; see {@link #appendFullDeclaration}. */
    private String[] prefixes = new String[16];
    /** How each integer type is spelled, by id, once worked out. */
    private final String[] intNames;
    private int prefixCount;

    HeaderEmitter(BtfTable btf, HeaderText out) {
        this.btf = btf;
        this.layouts = new LayoutPlanner(btf);
        int count = btf.typeCount();
        this.tags = new Namespace(btf, count / 8);
        this.identifiers = new Namespace(btf, count / 2);
        this.suffixes = new int[count];
        this.intNames = new String[count];
        this.enumeratorSuffixes = new int[count][];
        this.state = new byte[count];
        this.tagDeclared = new boolean[count];
        this.preparedComplete = new boolean[count];
        this.preparedIncomplete = new boolean[count];
        this.anonymousEnumWritten = new boolean[count];
        this.out = out;
        assignNames();
    }

    int definitions() {
        return definitions;
    }

    int forwardDeclarations() {
        return forwardDeclarations;
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * The C name the header gives a named struct, union, enum, forward declaration or typedef.
     *
     * @param id a type id
     * @return its unique name ({@code foo} or {@code foo___2}), or null for other types
     */
    String nameOf(int id) {
        switch (btf.kind(id)) {
            case STRUCT:
            case UNION:
            case FWD:
            case ENUM:
            case ENUM64:
                return btf.isNamed(id) ? typeName(id) : null;
            case TYPEDEF:
                return typeName(id);
            default:
                return null;
        }
    }

    private String typeName(int id) {
        String name = btf.name(id);
        return suffixes[id] <= 0 ? name : name + "___" + suffixes[id];
    }

    private void appendTypeName(HeaderText text, int id) {
        text.appendString(btf, btf.nameOffset(id));
        if (suffixes[id] > 0) {
            text.append("___").append(suffixes[id]);
        }
    }

    // ---------------------------------------------------------------- names

    private void assignNames() {
        for (int id = 1, count = btf.typeCount(); id < count; id++) {
            switch (btf.kind(id)) {
                case STRUCT:
                case UNION:
                case FWD:
                    if (btf.isNamed(id)) {
                        suffixes[id] = tags.take(btf.nameOffset(id));
                    }
                    break;
                case ENUM:
                case ENUM64:
                    if (btf.isNamed(id)) {
                        suffixes[id] = tags.take(btf.nameOffset(id));
                    }
                    for (int i = 0, valueCount = btf.vlen(id); i < valueCount; i++) {
                        int suffix = identifiers.take(btf.enumeratorNameOffset(id, i));
                        if (suffix != 0) {
                            if (enumeratorSuffixes[id] == null) {
                                enumeratorSuffixes[id] = new int[valueCount];
                            }
                            enumeratorSuffixes[id][i] = suffix;
                        }
                    }
                    break;
                case TYPEDEF:
                    suffixes[id] = btf.stringStartsWith(btf.nameOffset(id), "__builtin_") ? BUILTIN
                            : identifiers.take(btf.nameOffset(id));
                    break;
                default:
                    break;
            }
        }
    }

    /** Marks a typedef of a compiler builtin such as {@code __builtin_va_list}, in BTF but not redefinable. */
    private static final int BUILTIN = -1;

    /** The count of a name asked for once, shared until a second request needs a counter of its own. */
    private static final int[] ONCE = {1};

    /**
     * One C namespace (struct, union and enum tags, or ordinary identifiers): the names taken in
     * it, each with how many times it was asked for. A BTF name is taken as it is, or as the first
     * {@code name___N} free in the namespace when it is already taken. Names from the BTF are
     * keyed by their bytes in its string section, so the usual case, a name seen for the first
     * time, costs a hash of its bytes and no string at all; the names made up with a suffix, for
     * the few that BTF repeats, are kept as strings.
     */
    private static final class Namespace {
        private final BtfTable btf;
        /** A BTF name offset plus one per slot, 0 for a free slot. */
        private int[] offsets;
        private int[] hashes;
        private int[] asked;
        private int size;
        /** Names made up with a {@code ___N} suffix, with how many times each was asked for. */
        private final Map<String, int[]> madeUp = new HashMap<>();

        Namespace(BtfTable btf, int expected) {
            this.btf = btf;
            int capacity = Integer.highestOneBit(Math.max(64, expected)) * 4;
            offsets = new int[capacity];
            hashes = new int[capacity];
            asked = new int[capacity];
        }

        /**
         * Takes the BTF name at {@code offset}.
         *
         * @return 0 when the name is written as it is, or the N of {@code name___N}
         */
        int take(int offset) {
            int hash = btf.stringHash(offset);
            int slot = slotOf(offset, hash);
            if (offsets[slot] != 0) {
                // BTF repeats this name: count on from the times it was asked for.
                return nextFree(btf.stringAt(offset), asked, slot);
            }
            if (!madeUp.isEmpty()) {
                String name = btf.stringAt(offset);
                int[] counter = madeUp.get(name);
                if (counter != null) {
                    // A name made up earlier: the BTF name is taken, like any repeated one.
                    if (counter == ONCE) {
                        counter = new int[] {1};
                        madeUp.put(name, counter);
                    }
                    return nextFree(name, counter, 0);
                }
            }
            offsets[slot] = offset + 1;
            hashes[slot] = hash;
            asked[slot] = 1;
            if (2 * ++size > offsets.length) {
                grow();
            }
            return 0;
        }

        private int nextFree(String name, int[] counter, int index) {
            while (true) {
                int suffix = ++counter[index];
                String candidate = name + "___" + suffix;
                if (!isTaken(candidate)) {
                    madeUp.put(candidate, ONCE);
                    return suffix;
                }
            }
        }

        private boolean isTaken(String name) {
            if (madeUp.containsKey(name)) {
                return true;
            }
            byte[] text = name.getBytes(StandardCharsets.UTF_8);
            int hash = BtfTable.hash(text);
            int mask = offsets.length - 1;
            for (int slot = mix(hash) & mask; offsets[slot] != 0; slot = (slot + 1) & mask) {
                if (hashes[slot] == hash && btf.stringEquals(offsets[slot] - 1, text)) {
                    return true;
                }
            }
            return false;
        }

        /** The slot holding the name at {@code offset}, or the free slot where it belongs. */
        private int slotOf(int offset, int hash) {
            int mask = offsets.length - 1;
            for (int slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
                int stored = offsets[slot];
                if (stored == 0 || hashes[slot] == hash && btf.stringEquals(stored - 1, offset)) {
                    return slot;
                }
            }
        }

        private void grow() {
            int[] oldOffsets = offsets;
            int[] oldHashes = hashes;
            int[] oldAsked = asked;
            offsets = new int[oldOffsets.length * 2];
            hashes = new int[offsets.length];
            asked = new int[offsets.length];
            int mask = offsets.length - 1;
            for (int i = 0; i < oldOffsets.length; i++) {
                if (oldOffsets[i] != 0) {
                    int slot = mix(oldHashes[i]) & mask;
                    while (offsets[slot] != 0) {
                        slot = (slot + 1) & mask;
                    }
                    offsets[slot] = oldOffsets[i];
                    hashes[slot] = oldHashes[i];
                    asked[slot] = oldAsked[i];
                }
            }
        }

        private static int mix(int hash) {
            return (hash * 0x9E3779B9) >>> 8;
        }
    }

    // ---------------------------------------------------------------- top level

    /** Every type a full header contains, in id order. */
    void emitAll() {
        int count = btf.typeCount();
        for (int id = 1; id < count; id++) {
            if (isTopLevel(id)) {
                ensureDefined(id);
            }
        }
        for (int id = 1; id < count; id++) {
            BtfKind kind = btf.kind(id);
            if ((kind == BtfKind.ENUM || kind == BtfKind.ENUM64) && !btf.isNamed(id) && !anonymousEnumWritten[id]) {
                writeEnumDefinition(id);
                anonymousEnumWritten[id] = true;
            }
        }
    }

    /**
     * One root of a filtered header and everything it needs.
     *
     * @param id a named struct, union, enum, typedef or forward declaration
     */
    void emitRoot(int id) {
        ensureDefined(id);
    }

    /**
     * Every typedef of an integer ({@code __u32}, {@code __be16}, {@code u64}, {@code pid_t}...):
     * a filtered header starts with them because libbpf's headers, written for a full
     * {@code vmlinux.h}, use them without declaring them.
     */
    void emitIntegerTypedefs() {
        for (int id = 1, count = btf.typeCount(); id < count; id++) {
            if (btf.kind(id) == BtfKind.TYPEDEF && !isBuiltin(id) && btf.kind(btf.resolve(id)) == BtfKind.INT) {
                ensureDefined(id);
            }
        }
    }

    private boolean isTopLevel(int id) {
        switch (btf.kind(id)) {
            case STRUCT:
            case UNION:
            case ENUM:
            case ENUM64:
            case FWD:
                return btf.isNamed(id);
            case TYPEDEF:
                return !isBuiltin(id);
            default:
                return false;
        }
    }

    /** Compiler builtins such as {@code __builtin_va_list} are in BTF but cannot be redefined. */
    private boolean isBuiltin(int typedef) {
        return suffixes[typedef] == BUILTIN;
    }

    private void ensureDefined(int id) {
        switch (btf.kind(id)) {
            case STRUCT:
            case UNION:
                if (!btf.isNamed(id)) {
                    prepare(id, true, false);
                } else {
                    defineRecord(id);
                }
                break;
            case ENUM:
            case ENUM64:
                if (btf.isNamed(id) && state[id] != DONE) {
                    state[id] = DONE;
                    writeEnumDefinition(id);
                }
                break;
            case TYPEDEF:
                defineTypedef(id);
                break;
            case FWD:
                declareTag(id);
                break;
            default:
                break;
        }
    }

    private void defineRecord(int id) {
        if (state[id] == DONE) {
            return;
        }
        if (state[id] == IN_PROGRESS) {
            throw new IllegalArgumentException(describe(id) + " contains itself by value");
        }
        state[id] = IN_PROGRESS;
        // Indexed loops here and below: a short run is over before C2 compiles anything, and C1,
        // without escape analysis, allocates an iterator for every for-each.
        for (int memberIndex = 0, memberCount = btf.vlen(id); memberIndex < memberCount; memberIndex++) {
            prepare(btf.memberType(id, memberIndex), true, false);
        }
        state[id] = DONE;
        tagDeclared[id] = true;
        // Everything this definition needs is written; its own text goes straight to the output.
        recordSpecifier(out, id, 0);
        out.append(";\n\n");
        definitions++;
    }

    private void defineTypedef(int id) {
        if (state[id] == DONE || isBuiltin(id)) {
            return;
        }
        if (state[id] == WAITING_FOR_TARGET) {
            // The target struct's members use this typedef: write it now, declaring the struct's tag.
            writeTypedef(id);
            return;
        }
        if (state[id] == IN_PROGRESS) {
            throw new IllegalArgumentException("typedef " + btf.name(id) + " (BTF type " + id
                    + ") refers to itself, which C cannot express");
        }
        int target = skipQualifiers(btf.typeId(id));
        BtfKind targetKind = btf.kind(target);
        if ((targetKind == BtfKind.STRUCT || targetKind == BtfKind.UNION) && btf.isNamed(target)
                && state[target] == NONE) {
            // Readers expect "struct foo {...}; typedef struct foo foo_t;": define the struct first.
            state[id] = WAITING_FOR_TARGET;
            defineRecord(target);
            if (state[id] == DONE) {
                return;
            }
        }
        state[id] = IN_PROGRESS;
        prepare(btf.typeId(id), false, false);
        writeTypedef(id);
    }

    private void writeTypedef(int id) {
        state[id] = DONE;
        // Written straight into the output: building each definition as a String first copies
        // the whole header once more, which a cold JVM feels.
        out.append("typedef ");
        appendFullDeclaration(out, btf.typeId(id), typeName(id), 0, 0);
        out.append(";\n\n");
        definitions++;
    }

    private void writeEnumDefinition(int id) {
        appendEnumSpecifier(out, id, 0);
        out.append(";\n\n");
        definitions++;
    }

    private void declareTag(int id) {
        if (tagDeclared[id] || state[id] == DONE) {
            return;
        }
        tagDeclared[id] = true;
        forwardDeclarations++;
        BtfKind kind = btf.kind(id);
        boolean union = kind == BtfKind.FWD ? btf.kindFlag(id) : kind == BtfKind.UNION;
        out.append(union ? "union " : "struct ");
        appendTypeName(out, id);
        out.append(";\n\n");
        definitions++;
    }

    // ---------------------------------------------------------------- dependencies

    /**
     * Makes sure everything a use of {@code id} needs is written before the text that uses it.
     *
     * @param id           the type used
     * @param needComplete whether the use is by value (so a struct must be defined)
     * @param inParameters whether the use is inside a prototype's parameter list (so a tag needs
     *                     a forward declaration rather than being declared by its mention)
     */
    private void prepare(int id, boolean needComplete, boolean inParameters) {
        if (++depth > MAX_DEPTH) {
            throw new IllegalArgumentException("the types that " + describe(id) + " depends on nest more than "
                    + MAX_DEPTH + " levels deep");
        }
        try {
            prepareType(id, needComplete, inParameters);
        } finally {
            depth--;
        }
    }

    private void prepareType(int id, boolean needComplete, boolean inParameters) {
        switch (btf.kind(id)) {
            case PTR:
                prepare(btf.typeId(id), false, inParameters);
                return;
            case ARRAY:
                prepare(btf.arrayElementType(id), true, inParameters);
                return;
            case CONST:
            case VOLATILE:
            case RESTRICT:
            case TYPE_TAG:
                prepare(btf.typeId(id), needComplete, inParameters);
                return;
            case TYPEDEF:
                defineTypedef(id);
                if (needComplete && !preparedComplete[id]) {
                    prepare(btf.typeId(id), true, inParameters);
                    preparedComplete[id] = true;
                }
                return;
            case STRUCT:
            case UNION:
                if (btf.isNamed(id)) {
                    if (needComplete) {
                        defineRecord(id);
                    } else if (inParameters) {
                        declareTag(id);
                    }
                } else if (!preparedComplete[id]) {
                    // Written inline: its members are used by value wherever it appears.
                    for (int memberIndex = 0, memberCount = btf.vlen(id); memberIndex < memberCount; memberIndex++) {
                        prepare(btf.memberType(id, memberIndex), true, inParameters);
                    }
                    preparedComplete[id] = true;
                }
                return;
            case ENUM:
            case ENUM64:
                if (btf.isNamed(id)) {
                    ensureDefined(id);
                }
                return;
            case FWD:
                if (inParameters) {
                    declareTag(id);
                }
                return;
            case FUNC_PROTO:
                if (!preparedIncomplete[id]) {
                    prepare(btf.typeId(id), false, inParameters);
                    for (int paramIndex = 0, paramCount = btf.vlen(id); paramIndex < paramCount; paramIndex++) {
                        prepare(btf.paramType(id, paramIndex), false, true);
                    }
                    preparedIncomplete[id] = true;
                }
                return;
            default:
                return;
        }
    }

    private int skipQualifiers(int id) {
        int current = id;
        while (true) {
            BtfKind kind = btf.kind(current);
            if (kind != BtfKind.CONST && kind != BtfKind.VOLATILE && kind != BtfKind.RESTRICT
                    && kind != BtfKind.TYPE_TAG) {
                return current;
            }
            current = btf.typeId(current);
        }
    }

    private String describe(int id) {
        return btf.describe(id) + " (BTF type " + id + ")";
    }

    // ---------------------------------------------------------------- name checks

    /** C keywords (C17 with GNU extensions, what clang compiles BPF C as) that no declared name may be. */
    private static final Set<String> C_KEYWORDS = Set.of("auto", "break", "case", "char",
            "const", "continue", "default", "do", "double", "else", "enum", "extern", "float", "for", "goto", "if",
            "inline", "int", "long", "register", "restrict", "return", "short", "signed", "sizeof", "static",
            "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "_Alignas",
            "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary", "_Noreturn", "_Static_assert",
            "_Thread_local", "asm", "typeof", "__attribute__", "__typeof__", "__asm__", "__inline", "__inline__",
            "__restrict", "__restrict__", "__volatile__", "__const", "__signed__", "__extension__", "__int128",
            "__label__", "__builtin_va_arg", "__alignof__", "__real__", "__imag__");

    /**
     * Refuses BTF whose struct, union, enum, typedef, member and enumerator names the
     * header writes but C cannot read: not {@code [A-Za-z_][A-Za-z0-9_]*}, or a C keyword.
     * (Integer and floating-point type names are spelled by the emitter itself.) A renamed
     * member or type would no longer match the kernel's for CO-RE relocations, so the header is
     * refused rather than repaired; the message names the type.
     *
     * @throws IllegalArgumentException naming the type and the name
     */
    void checkNames() {
        byte[] scratch = new byte[64];
        for (int id = 1, count = btf.typeCount(); id < count; id++) {
            BtfKind kind = btf.kind(id);
            switch (kind) {
                case STRUCT, UNION, ENUM, ENUM64, FWD, TYPEDEF -> {
                    scratch = checkName(id, btf.nameOffset(id), "its name", scratch);
                    int vlen = kind == BtfKind.FWD || kind == BtfKind.TYPEDEF ? 0 : btf.vlen(id);
                    if ((kind == BtfKind.STRUCT || kind == BtfKind.UNION) && vlen > 1) {
                        checkMemberNamesDiffer(id, vlen);
                    }
                    for (int i = 0; i < vlen; i++) {
                        int offset;
                        String what;
                        if (kind == BtfKind.STRUCT || kind == BtfKind.UNION) {
                            offset = btf.memberNameOffset(id, i);
                            what = "member " + i;
                            checkMemberType(id, i);
                        } else {
                            offset = btf.enumeratorNameOffset(id, i);
                            what = "enumerator " + i;
                        }
                        scratch = checkName(id, offset, what, scratch);
                    }
                }
                default -> {
                }
            }
        }
    }

    /**
     * A struct or union member must have an object type C can lay out: not void, a function, a
     * forward declaration (incomplete) or a BTF-only kind, also as an array element.
     */
    private void checkMemberType(int id, int index) {
        int type = btf.resolve(btf.memberType(id, index));
        int bits = btf.memberBitfieldSize(id, index);
        BtfKind direct = btf.kind(type);
        if (bits > 0 && (direct != BtfKind.INT && direct != BtfKind.ENUM && direct != BtfKind.ENUM64
                || bits > 8L * btf.sizeOf(type))) {
            throw new IllegalArgumentException(describe(id) + ": member " + index + " (" + btf.memberName(id, index)
                    + ") is a " + bits + "-bit bitfield of " + btf.describe(type) + ", which C cannot declare;"
                    + " this BTF cannot be written as C");
        }
        int declaredType = btf.memberType(id, index);
        for (int depth = 0; depth < MAX_DEPTH && isQualifier(btf.kind(declaredType)); depth++) {
            declaredType = btf.typeId(declaredType);
        }
        BtfKind declared = btf.kind(declaredType);
        if (btf.isEmptyString(btf.memberNameOffset(id, index)) && bits == 0 && declared != BtfKind.STRUCT
                && declared != BtfKind.UNION) {
            // C has unnamed members only for anonymous structs and unions (and padding bitfields).
            throw new IllegalArgumentException(describe(id) + ": member " + index + " has no name but is a "
                    + btf.describe(btf.memberType(id, index)) + "; this BTF cannot be written as C");
        }
        for (int depth = 0; btf.kind(type) == BtfKind.ARRAY && depth < MAX_DEPTH; depth++) {
            type = btf.resolve(btf.arrayElementType(type));
        }
        switch (btf.kind(type)) {
            case VOID, FUNC, FUNC_PROTO, FWD, VAR, DATASEC, DECL_TAG -> throw new IllegalArgumentException(
                    describe(id) + ": member " + index + " (" + btf.memberName(id, index) + ") has type "
                            + btf.describe(type) + ", which a C struct member cannot have; this BTF cannot be"
                            + " written as C");
            default -> {
            }
        }
    }

    private void checkMemberNamesDiffer(int id, int vlen) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < vlen; i++) {
            String name = btf.memberName(id, i);
            if (!name.isEmpty() && !seen.add(name)) {
                throw new IllegalArgumentException(describe(id) + ": two members are named '" + printable(name)
                        + "'; this BTF cannot be written as C");
            }
        }
    }

    private static boolean isQualifier(BtfKind kind) {
        return kind == BtfKind.CONST || kind == BtfKind.VOLATILE || kind == BtfKind.RESTRICT
                || kind == BtfKind.TYPE_TAG;
    }

    private byte[] checkName(int id, int offset, String what, byte[] scratch) {
        int length = btf.stringLength(offset);
        if (length == 0) {
            return scratch;
        }
        if (length > scratch.length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        btf.copyString(offset, length, scratch, 0);
        boolean valid = !(scratch[0] >= '0' && scratch[0] <= '9');
        for (int i = 0; i < length && valid; i++) {
            byte c = scratch[i];
            valid = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
        }
        if (!valid || length <= 14 && C_KEYWORDS.contains(btf.stringAt(offset))) {
            throw new IllegalArgumentException(describe(id) + ": " + what + " is named '"
                    + printable(btf.stringAt(offset)) + "', which is not a C identifier (letters, digits and"
                    + " _, not starting with a digit, not a keyword); this BTF cannot be written as C");
        }
        return scratch;
    }

    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            out.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- declarations

    /**
     * Spells a declaration with type {@code id}, building the C declarator inside out: pointers
     * prefix it, arrays and parameter lists suffix it, and a pointer to an array or function
     * needs parentheses. Each step wraps everything before it, so the prefixes are written in
     * the reverse of the order they were found, then the name, then the suffixes in order.
     *
     * @param text       where to write the declaration
     * @param id         the declared type
     * @param name       the declared name, or null to take it from the BTF's string section
     * @param nameOffset where the name is in the string section, when {@code name} is null (0 for none)
     * @param indent     the indentation of the line, for anonymous records written inline
     */
    private void appendFullDeclaration(HeaderText text, int id, String name, int nameOffset, int indent) {
        int base = prefixCount;
        HeaderText suffixes = null;
        boolean empty = name != null ? name.isEmpty() : btf.isEmptyString(nameOffset);
        StringBuilder qualifiers = null;
        int current = id;
        int steps = 0;
        try {
            while (true) {
                if (++steps > MAX_DEPTH) {
                    throw new IllegalArgumentException(describe(id) + " has a declarator more than " + MAX_DEPTH
                            + " levels deep");
                }
                BtfKind kind = btf.kind(current);
                switch (kind) {
                    case PTR: {
                        int target = btf.typeId(current);
                        BtfKind targetKind = btf.kind(skipQualifiers(target));
                        if (targetKind == BtfKind.ARRAY || targetKind == BtfKind.FUNC_PROTO) {
                            pushPrefix("(*");
                            suffixes = suffixes == null ? new HeaderText(64) : suffixes;
                            suffixes.append(')');
                        } else {
                            pushPrefix("*");
                        }
                        empty = false;
                        current = target;
                        continue;
                    }
                    case CONST:
                    case VOLATILE:
                    case RESTRICT: {
                        String qualifier = kind == BtfKind.CONST ? "const"
                                : kind == BtfKind.VOLATILE ? "volatile" : "restrict";
                        int target = btf.typeId(current);
                        if (btf.kind(skipQualifiers(target)) == BtfKind.PTR) {
                            pushPrefix(empty ? qualifier : qualifier + " ");
                            empty = false;
                        } else if (kind != BtfKind.RESTRICT) {
                            // On a base type (or an array, whose elements C qualifies instead).
                            if (qualifiers == null) {
                                qualifiers = new StringBuilder();
                            }
                            // BTF may qualify both an array and its element; C wants the qualifier once.
                            if (qualifiers.indexOf(qualifier + " ") < 0) {
                                qualifiers.append(qualifier).append(' ');
                            }
                        }
                        current = target;
                        continue;
                    }
                    case TYPE_TAG:
                        current = btf.typeId(current);
                        continue;
                    case ARRAY: {
                        suffixes = suffixes == null ? new HeaderText(64) : suffixes;
                        suffixes.append('[').append(btf.arrayCount(current)).append(']');
                        empty = false;
                        current = btf.arrayElementType(current);
                        continue;
                    }
                    case FUNC_PROTO: {
                        suffixes = suffixes == null ? new HeaderText(64) : suffixes;
                        appendParameterList(suffixes, current, indent);
                        empty = false;
                        current = btf.typeId(current);
                        continue;
                    }
                    default: {
                        if (qualifiers != null) {
                            text.append(qualifiers.toString());
                        }
                        specifier(text, current, indent);
                        if (!empty) {
                            text.append(' ');
                            for (int i = prefixCount - 1; i >= base; i--) {
                                text.append(prefixes[i]);
                            }
                            if (name != null) {
                                text.append(name);
                            } else {
                                text.appendString(btf, nameOffset);
                            }
                            if (suffixes != null) {
                                text.append(suffixes);
                            }
                        }
                        return;
                    }
                }
            }
        } finally {
            prefixCount = base;
        }
    }

    private void pushPrefix(String prefix) {
        if (prefixCount == prefixes.length) {
            prefixes = java.util.Arrays.copyOf(prefixes, prefixCount * 2);
        }
        prefixes[prefixCount++] = prefix;
    }

    /**
     * Appends a declaration; the common cases (a named type, or a pointer to one) go straight
     * into {@code text}, which matters for the time of a cold JVM, where most of the work runs.
     */
    private void appendDeclaration(HeaderText text, int id, int nameOffset, int indent) {
        int type = id;
        String pointer = "";
        if (btf.kind(type) == BtfKind.PTR) {
            int target = btf.typeId(type);
            if (isPlainSpecifier(target)) {
                type = target;
                pointer = "*";
            }
        }
        if (isPlainSpecifier(type)) {
            specifier(text, type, indent);
            if (!btf.isEmptyString(nameOffset) || !pointer.isEmpty()) {
                text.append(' ').append(pointer).appendString(btf, nameOffset);
            }
            return;
        }
        appendFullDeclaration(text, id, null, nameOffset, indent);
    }

    private boolean isPlainSpecifier(int type) {
        switch (btf.kind(type)) {
            case VOID:
            case INT:
            case FLOAT:
            case TYPEDEF:
            case FWD:
                return true;
            case STRUCT:
            case UNION:
            case ENUM:
            case ENUM64:
                return btf.isNamed(type);
            default:
                return false;
        }
    }

    private void appendParameterList(HeaderText text, int proto, int indent) {
        int count = btf.vlen(proto);
        if (count == 0) {
            text.append("(void)");
            return;
        }
        text.append('(');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                text.append(", ");
            }
            int paramType = btf.paramType(proto, i);
            if (i == count - 1 && paramType == 0) {
                text.append("...");
            } else {
                appendFullDeclaration(text, paramType, null, 0, indent);
            }
        }
        text.append(')');
    }

    private void specifier(HeaderText text, int id, int indent) {
        BtfKind kind = btf.kind(id);
        switch (kind) {
            case VOID:
                text.append("void");
                return;
            case INT:
                text.append(intName(id));
                return;
            case FLOAT:
                text.append(btf.name(id));
                return;
            case STRUCT:
            case UNION:
                if (!btf.isNamed(id)) {
                    recordSpecifier(text, id, indent);
                } else {
                    // Written text mentioning the tag declares it at file scope (outside parameter lists,
                    // whose tags prepare() declared beforehand).
                    tagDeclared[id] = true;
                    text.append(kind == BtfKind.UNION ? "union " : "struct ");
                    appendTypeName(text, id);
                }
                return;
            case ENUM:
            case ENUM64:
                if (btf.isNamed(id)) {
                    text.append("enum ");
                    appendTypeName(text, id);
                } else if (!anonymousEnumWritten[id]) {
                    anonymousEnumWritten[id] = true;
                    appendEnumSpecifier(text, id, indent);
                } else {
                    text.append(intOfSize(btf.size(id), btf.kindFlag(id)));
                }
                return;
            case FWD:
                tagDeclared[id] = true;
                text.append(btf.kindFlag(id) ? "union " : "struct ");
                appendTypeName(text, id);
                return;
            case TYPEDEF:
                appendTypeName(text, id);
                return;
            default:
                // Functions, variables, sections and declaration tags are not types of values.
                warnOnce("BTF type " + id + " (" + kind + ") is used as a value type; written as void");
                text.append("void");
        }
    }

    private String intName(int id) {
        String name = intNames[id];
        if (name == null) {
            name = spellInt(id);
            intNames[id] = name;
        }
        return name;
    }

    private String spellInt(int id) {
        String name = btf.name(id);
        if (C_INT_NAMES.contains(name)) {
            return name;
        }
        int size = btf.size(id);
        if ((btf.intEncoding(id) & BtfInt.BOOL) != 0 && size == 1) {
            return "_Bool";
        }
        return intOfSize(size, (btf.intEncoding(id) & BtfInt.SIGNED) != 0);
    }

    private String intOfSize(int size, boolean signed) {
        switch (size) {
            case 1:
                return signed ? "signed char" : "unsigned char";
            case 2:
                return signed ? "short" : "unsigned short";
            case 4:
                return signed ? "int" : "unsigned int";
            case 8:
                return signed ? "long long" : "unsigned long long";
            case 16:
                return signed ? "__int128" : "unsigned __int128";
            default:
                warnOnce("integer of " + size + " bytes has no C type; written as unsigned char");
                return "unsigned char";
        }
    }

    private void warnOnce(String warning) {
        if (warned.add(warning)) {
            warnings.add(warning);
        }
    }

    // ---------------------------------------------------------------- records

    private void recordSpecifier(HeaderText text, int id, int indent) {
        LayoutPlanner.Plan plan = layouts.plan(id);
        if (plan.problem() != null) {
            warnOnce(plan.problem());
        }
        boolean union = btf.kind(id) == BtfKind.UNION;
        text.append(union ? "union" : "struct");
        if (btf.isNamed(id)) {
            text.append(' ');
            appendTypeName(text, id);
        }
        text.append(" {\n");
        long cursor = 0;
        for (int i = 0, count = btf.vlen(id); i < count; i++) {
            long padding = plan.paddingBefore()[i];
            if (padding > 0) {
                padding(text, cursor, padding, indent + 1);
            }
            text.tabs(indent + 1);
            int memberType = btf.memberType(id, i);
            appendDeclaration(text, memberType, btf.memberNameOffset(id, i), indent + 1);
            int bitfieldSize = btf.memberBitfieldSize(id, i);
            if (bitfieldSize != 0) {
                text.append(": ").append(bitfieldSize);
                cursor = btf.memberBitOffset(id, i) + bitfieldSize;
            } else {
                cursor = btf.memberBitOffset(id, i) + (btf.hasSize(memberType) ? btf.sizeOf(memberType) * 8 : 0);
            }
            text.append(";\n");
        }
        if (plan.trailingPadding() > 0 && union) {
            // Union members overlap, so the padding goes into one anonymous struct member.
            text.tabs(indent + 1);
            text.append("struct {\n");
            padding(text, 0, plan.trailingPadding(), indent + 2);
            text.tabs(indent + 1);
            text.append("};\n");
        } else if (plan.trailingPadding() > 0) {
            padding(text, cursor, plan.trailingPadding(), indent + 1);
        }
        text.tabs(indent);
        text.append('}');
        if (plan.packed()) {
            text.append(" __attribute__((packed))");
        }
        if (plan.alignedAttribute() > 0) {
            text.append(" __attribute__((aligned(").append(plan.alignedAttribute()).append(")))");
        }
    }

    /**
     * Unnamed bitfields from {@code start} for {@code bits}: each is naturally aligned and no
     * wider than its type, so clang never moves one, and unnamed bitfields do not change the
     * record's alignment.
     */
    private static void padding(HeaderText text, long start, long bits, int indent) {
        long cursor = start;
        long end = start + bits;
        if (bits > LARGE_PADDING_BITS) {
            // Kernel records never pad this much; forged BTF might (gigabytes of "long: 64;" lines).
            // One byte array, named by its offset so that several stay distinct, keeps the text small.
            long arrayStart = LayoutPlanner.alignUp(cursor, 8);
            padding(text, cursor, arrayStart - cursor, indent);
            long bytes = (end - arrayStart) / 8;
            text.tabs(indent);
            text.append("unsigned char __bpfj_padding_").append(arrayStart / 8).append('[').append(bytes)
                    .append("];\n");
            cursor = arrayStart + bytes * 8;
        }
        while (cursor < end) {
            long remaining = end - cursor;
            long chunk;
            String type;
            if (cursor % 8 != 0) {
                chunk = Math.min(8 - cursor % 8, remaining);
                type = "char";
            } else if (cursor % 64 == 0 && remaining >= 64) {
                chunk = 64;
                type = "long";
            } else if (cursor % 32 == 0 && remaining >= 32) {
                chunk = 32;
                type = "int";
            } else if (cursor % 16 == 0 && remaining >= 16) {
                chunk = 16;
                type = "short";
            } else {
                chunk = Math.min(8, remaining);
                type = "char";
            }
            text.tabs(indent);
            text.append(type).append(": ").append(chunk).append(";\n");
            cursor += chunk;
        }
    }

    // ---------------------------------------------------------------- enums

    private void appendEnumSpecifier(HeaderText text, int id, int indent) {
        text.append("enum ");
        String attribute = enumAttribute(id);
        if (attribute != null) {
            // BTF gives the enum a size clang would not pick for these values (a packed enum, say).
            text.append("__attribute__((").append(attribute).append(")) ");
        }
        if (btf.isNamed(id)) {
            appendTypeName(text, id);
            text.append(' ');
        }
        text.append("{\n");
        int[] valueSuffixes = enumeratorSuffixes[id];
        for (int i = 0, valueCount = btf.vlen(id); i < valueCount; i++) {
            text.tabs(indent + 1);
            text.appendString(btf, btf.enumeratorNameOffset(id, i));
            if (valueSuffixes != null && valueSuffixes[i] != 0) {
                text.append("___").append(valueSuffixes[i]);
            }
            text.append(" = ");
            appendEnumValue(text, id, btf.enumeratorValue(id, i));
            text.append(",\n");
        }
        text.tabs(indent);
        text.append('}');
    }

    private void appendEnumValue(HeaderText text, int id, long value) {
        long written = enumValueAsWritten(id, value);
        if (isHugeUnsigned(id, written)) {
            text.append(Long.toUnsignedString(written)).append("ULL");
        } else if (written == Long.MIN_VALUE) {
            text.append("(-9223372036854775807LL - 1)");
        } else {
            text.append(written);
            if (written < Integer.MIN_VALUE || written > 0xffff_ffffL) {
                text.append("LL");
            }
        }
    }

    /** An unsigned 64-bit enumerator above {@code Long.MAX_VALUE}, held in a negative long. */
    private boolean isHugeUnsigned(int id, long written) {
        return btf.kind(id) == BtfKind.ENUM64 && btf.size(id) >= 8 && !btf.kindFlag(id) && written < 0;
    }

    /**
     * The enum attribute clang needs to give the enum the BTF's size, or null: {@code packed}
     * when the smallest type holding the values has that size, else a {@code mode} (whose
     * signed type is wide enough, as the values then fit a smaller one).
     */
    private String enumAttribute(int id) {
        int valueCount = btf.vlen(id);
        if (valueCount == 0) {
            return null;
        }
        long min = 0;
        long max = 0;
        boolean huge = false;
        for (int valueIndex = 0; valueIndex < valueCount; valueIndex++) {
            long v = enumValueAsWritten(id, btf.enumeratorValue(id, valueIndex));
            if (isHugeUnsigned(id, v)) {
                huge = true;
            } else {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        int size = btf.size(id);
        int smallest = huge ? 8 : smallestSize(min, max);
        int natural = Math.max(smallest, 4);
        if (natural == size) {
            return null;
        }
        if (smallest == size) {
            return "packed";
        }
        switch (size) {
            case 1:
                return "mode(QI)";
            case 2:
                return "mode(HI)";
            case 4:
                return "mode(SI)";
            case 8:
                return "mode(DI)";
            default:
                return null;
        }
    }

    private static int smallestSize(long min, long max) {
        if (min >= 0) {
            return max <= 0xffL ? 1 : max <= 0xffffL ? 2 : max <= 0xffff_ffffL ? 4 : 8;
        }
        if (min >= Byte.MIN_VALUE && max <= Byte.MAX_VALUE) {
            return 1;
        }
        if (min >= Short.MIN_VALUE && max <= Short.MAX_VALUE) {
            return 2;
        }
        return min >= Integer.MIN_VALUE && max <= Integer.MAX_VALUE ? 4 : 8;
    }

    /**
     * An enumerator's value as C should see it. 32-bit BTF enums from older compilers carry no
     * signedness, so a value that does not fit the enum's size unsigned must be a negative one.
     */
    private long enumValueAsWritten(int id, long value) {
        int size = btf.size(id);
        if (btf.kind(id) == BtfKind.ENUM64 && size >= 8) {
            return value;
        }
        if (btf.kindFlag(id)) {
            return (int) value;
        }
        long unsigned = value & 0xffff_ffffL;
        if (size < 4 && unsigned >= 1L << (size * 8)) {
            return (int) value;
        }
        return unsigned;
    }
}
