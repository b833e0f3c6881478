package dev.bpfj.toolchain.link;

import dev.bpfj.toolchain.clang.BpfBuildException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the {@code .BTF} sections of several objects into one: every file's types are appended
 * with their ids shifted and their names re-interned into one string table; the linker then
 * points externs at their definitions ({@link #alias}), drops types ({@link #remove}) and adds the
 * rebuilt data sections ({@link #addDatasec}); {@link #finish} deduplicates structurally
 * identical types (so two files' {@code struct event} become one) and numbers the survivors.
 *
 * <p>Types are kept as their raw 32-bit words ({@code name_off, info, size/type, extra...}) with
 * string offsets already in the output table and type references as global ids, so every kind,
 * known or future, that follows the documented layout survives unchanged.
 */
final class BtfMerger {

    static final int KIND_INT = 1;
    static final int KIND_PTR = 2;
    static final int KIND_ARRAY = 3;
    static final int KIND_STRUCT = 4;
    static final int KIND_UNION = 5;
    static final int KIND_ENUM = 6;
    static final int KIND_FWD = 7;
    static final int KIND_TYPEDEF = 8;
    static final int KIND_VOLATILE = 9;
    static final int KIND_CONST = 10;
    static final int KIND_RESTRICT = 11;
    static final int KIND_FUNC = 12;
    static final int KIND_FUNC_PROTO = 13;
    static final int KIND_VAR = 14;
    static final int KIND_DATASEC = 15;
    static final int KIND_FLOAT = 16;
    static final int KIND_DECL_TAG = 17;
    static final int KIND_TYPE_TAG = 18;
    static final int KIND_ENUM64 = 19;

    /** {@code BTF_FUNC_EXTERN} and {@code BTF_VAR_GLOBAL_EXTERN}. */
    static final int LINKAGE_EXTERN = 2;
    /** {@code BTF_VAR_STATIC} and {@code BTF_FUNC_STATIC}. */
    static final int LINKAGE_STATIC = 0;

    private static final int MAGIC = 0xeB9F;

    private final ByteOrder order;
    private final Map<String, Integer> stringOffsets = new HashMap<>();
    private final Map<Integer, String> stringsByOffset = new HashMap<>();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    /** Index = global id; entry 0 stands for void. */
    private final List<int[]> types = new ArrayList<>();
    private final List<String> owners = new ArrayList<>();
    private final BitSet removed = new BitSet();
    private final Map<Integer, Integer> aliases = new HashMap<>();

    BtfMerger(ByteOrder order) {
        this.order = order;
        strings.write(0);
        stringOffsets.put("", 0);
        stringsByOffset.put(0, "");
        types.add(null);
        owners.add("");
    }

    /**
     * Appends one file's types.
     *
     * @param file the file's name, for messages
     * @param btf  the {@code .BTF} section, already checked by {@code Btf.parse}
     * @return the global id of the file's type 1; its type {@code k} becomes {@code base + k - 1}
     */
    int addFile(String file, byte[] btf) throws BpfBuildException {
        ByteBuffer in = ByteBuffer.wrap(btf).order(order);
        if (btf.length < 24 || (in.getShort(0) & 0xffff) != MAGIC) {
            throw new BpfBuildException(file + ": the .BTF section has no valid header; it cannot be linked");
        }
        int headerLength = in.getInt(4);
        int typeStart = headerLength + in.getInt(8);
        int typeEnd = typeStart + in.getInt(12);
        int stringStart = headerLength + in.getInt(16);
        int stringEnd = stringStart + in.getInt(20);
        int base = types.size();
        int at = typeStart;
        List<Integer> typePositions = new ArrayList<>();
        List<Integer> stringPositions = new ArrayList<>();
        while (at < typeEnd) {
            int info = in.getInt(at + 4);
            int kind = info >>> 24 & 0x1f;
            int vlen = info & 0xffff;
            typePositions.clear();
            stringPositions.clear();
            int extra = layout(kind, vlen, typePositions, stringPositions);
            if (extra < 0) {
                throw new BpfBuildException(file + ": BTF type " + (types.size() - base + 1) + " has kind " + kind
                        + ", which this linker does not know; link with a newer bpfj or leave this source out of"
                        + " the linked object");
            }
            int[] words = new int[3 + extra];
            for (int i = 0; i < words.length; i++) {
                words[i] = in.getInt(at + 4 * i);
            }
            at += 4 * words.length;
            for (int position : stringPositions) {
                words[position] = intern(string(btf, stringStart, stringEnd, words[position]));
            }
            for (int position : typePositions) {
                words[position] = words[position] == 0 ? 0 : words[position] + base - 1;
            }
            types.add(words);
            owners.add(file);
        }
        return base;
    }

    private static String string(byte[] btf, int start, int end, int offset) {
        int from = start + offset;
        int to = from;
        while (to < end && btf[to] != 0) {
            to++;
        }
        return new String(btf, from, to - from, StandardCharsets.UTF_8);
    }

    /**
     * The words of each kind after the three common ones, and where type ids and string offsets are.
     *
     * @return the number of extra words, or -1 for an unknown kind
     */
    private static int layout(int kind, int vlen, List<Integer> typeAt, List<Integer> stringAt) {
        stringAt.add(0);
        switch (kind) {
            case KIND_INT:
                return 1;
            case KIND_PTR, KIND_TYPEDEF, KIND_VOLATILE, KIND_CONST, KIND_RESTRICT, KIND_FUNC, KIND_TYPE_TAG:
                typeAt.add(2);
                return 0;
            case KIND_ARRAY:
                typeAt.add(3);
                typeAt.add(4);
                return 3;
            case KIND_STRUCT, KIND_UNION:
                for (int m = 0; m < vlen; m++) {
                    stringAt.add(3 + 3 * m);
                    typeAt.add(4 + 3 * m);
                }
                return 3 * vlen;
            case KIND_ENUM:
                for (int m = 0; m < vlen; m++) {
                    stringAt.add(3 + 2 * m);
                }
                return 2 * vlen;
            case KIND_FWD, KIND_FLOAT:
                return 0;
            case KIND_FUNC_PROTO:
                typeAt.add(2);
                for (int m = 0; m < vlen; m++) {
                    stringAt.add(3 + 2 * m);
                    typeAt.add(4 + 2 * m);
                }
                return 2 * vlen;
            case KIND_VAR, KIND_DECL_TAG:
                typeAt.add(2);
                return 1;
            case KIND_DATASEC:
                for (int m = 0; m < vlen; m++) {
                    typeAt.add(3 + 3 * m);
                }
                return 3 * vlen;
            case KIND_ENUM64:
                for (int m = 0; m < vlen; m++) {
                    stringAt.add(3 + 3 * m);
                }
                return 3 * vlen;
            default:
                return -1;
        }
    }

    /**
     * Puts a string in the output string table.
     *
     * @return its offset
     */
    int intern(String text) {
        Integer known = stringOffsets.get(text);
        if (known != null) {
            return known;
        }
        int offset = strings.size();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        strings.write(bytes, 0, bytes.length);
        strings.write(0);
        stringOffsets.put(text, offset);
        stringsByOffset.put(offset, text);
        return offset;
    }

    /** @return the number of global ids handed out so far, void included */
    int size() {
        return types.size();
    }

    /** @return the kind of a type */
    int kind(int id) {
        return types.get(id)[1] >>> 24 & 0x1f;
    }

    /** @return a type's name */
    String name(int id) {
        return nameAt(types.get(id)[0]);
    }

    /** @return the file a type came from */
    String owner(int id) {
        return owners.get(id);
    }

    private String nameAt(int offset) {
        return stringsByOffset.getOrDefault(offset, "");
    }

    /** @return the linkage of a FUNC (its vlen) or VAR (its extra word); -1 for other kinds */
    int linkage(int id) {
        int[] words = types.get(id);
        return switch (kind(id)) {
            case KIND_FUNC -> words[1] & 0xffff;
            case KIND_VAR -> words[3];
            default -> -1;
        };
    }

    /**
     * The entries of a DATASEC.
     *
     * @return {@code {type id, offset, size}} per entry
     */
    List<int[]> datasecEntries(int id) {
        int[] words = types.get(id);
        List<int[]> entries = new ArrayList<>();
        for (int m = 0; m < (words[1] & 0xffff); m++) {
            entries.add(new int[] {words[3 + 3 * m], words[4 + 3 * m], words[5 + 3 * m]});
        }
        return entries;
    }

    /** Makes every reference to {@code from} point at {@code to}, and drops {@code from}. */
    void alias(int from, int to) {
        if (from != to) {
            aliases.put(from, to);
        }
    }

    /** Drops a type nothing should refer to any more. */
    void remove(int id) {
        removed.set(id);
    }

    /** @return whether a type was dropped or aliased */
    boolean isGone(int id) {
        return removed.get(id) || aliases.containsKey(id);
    }

    /**
     * Adds a data section.
     *
     * @param name    the section's name
     * @param size    its size in bytes
     * @param entries {@code {type id, offset, size}} per variable, sorted by offset
     */
    void addDatasec(String name, int size, List<int[]> entries) {
        int[] words = new int[3 + 3 * entries.size()];
        words[0] = intern(name);
        words[1] = KIND_DATASEC << 24 | entries.size();
        words[2] = size;
        for (int m = 0; m < entries.size(); m++) {
            System.arraycopy(entries.get(m), 0, words, 3 + 3 * m, 3);
        }
        types.add(words);
        owners.add("");
    }

    private int follow(int id) {
        int hops = 0;
        while (aliases.containsKey(id) && hops++ < types.size()) {
            id = aliases.get(id);
        }
        return id;
    }

    /** The merged BTF and how global ids map to its ids. */
    record Result(byte[] bytes, int[] finalIds) {
    }

    /**
     * Resolves aliases, deduplicates, renumbers and writes the BTF.
     *
     * @return the section and the id map (0 for dropped types)
     */
    Result finish() {
        int count = types.size();
        List<Integer> typePositions = new ArrayList<>();
        List<Integer> unusedStrings = new ArrayList<>();
        int[][] refs = new int[count][];
        for (int id = 1; id < count; id++) {
            int[] words = types.get(id);
            typePositions.clear();
            layout(words[1] >>> 24 & 0x1f, words[1] & 0xffff, typePositions, unusedStrings);
            refs[id] = new int[typePositions.size()];
            for (int i = 0; i < refs[id].length; i++) {
                int position = typePositions.get(i);
                words[position] = follow(words[position]);
                refs[id][i] = position;
            }
        }
        boolean[] alive = new boolean[count];
        for (int id = 1; id < count; id++) {
            alive[id] = !removed.get(id) && !aliases.containsKey(id);
        }
        // A tag on something dropped goes with it.
        for (int id = 1; id < count; id++) {
            if (alive[id] && kind(id) == KIND_DECL_TAG && !alive[types.get(id)[2]] && types.get(id)[2] != 0) {
                alive[id] = false;
            }
        }
        int[] classes = dedup(count, alive, refs);
        int[] finalIds = new int[count];
        Map<Integer, Integer> classToFinal = new HashMap<>();
        List<Integer> kept = new ArrayList<>();
        for (int id = 1; id < count; id++) {
            if (!alive[id]) {
                continue;
            }
            Integer existing = classToFinal.get(classes[id]);
            if (existing == null) {
                kept.add(id);
                existing = kept.size();
                classToFinal.put(classes[id], existing);
            }
            finalIds[id] = existing;
        }
        for (int id = 1; id < count; id++) {
            if (!alive[id]) {
                int target = follow(id);
                finalIds[id] = target != id && alive[target] ? finalIds[target] : 0;
            }
        }
        ByteArrayOutputStream typeBytes = new ByteArrayOutputStream();
        for (int id : kept) {
            int[] words = types.get(id).clone();
            for (int position : refs[id]) {
                words[position] = words[position] == 0 ? 0 : finalIds[words[position]];
            }
            ByteBuffer buffer = ByteBuffer.allocate(4 * words.length).order(order);
            for (int word : words) {
                buffer.putInt(word);
            }
            typeBytes.write(buffer.array(), 0, words.length * 4);
        }
        byte[] typeSection = typeBytes.toByteArray();
        byte[] stringSection = strings.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(24 + typeSection.length + stringSection.length).order(order);
        out.putShort((short) MAGIC);
        out.put((byte) 1);
        out.put((byte) 0);
        out.putInt(24);
        out.putInt(0);
        out.putInt(typeSection.length);
        out.putInt(typeSection.length);
        out.putInt(stringSection.length);
        out.put(typeSection);
        out.put(stringSection);
        return new Result(out.array(), finalIds);
    }

    /**
     * Partition refinement: types start in classes by their own words (names, sizes, offsets,
     * with references blanked) and are split by the classes of what they refer to until nothing
     * splits. Types left in one class are structurally identical, cycles through pointers
     * included. Variables and data sections are never merged: each stands for storage of its own.
     */
    private int[] dedup(int count, boolean[] alive, int[][] refs) {
        int[] classes = new int[count];
        Map<Key, Integer> ids = new HashMap<>();
        for (int id = 1; id < count; id++) {
            if (!alive[id]) {
                continue;
            }
            int[] words = types.get(id).clone();
            for (int position : refs[id]) {
                words[position] = 0;
            }
            int kind = kind(id);
            boolean unique = kind == KIND_DATASEC || kind == KIND_VAR && linkage(id) != LINKAGE_EXTERN;
            int[] key = Arrays.copyOf(words, words.length + 1);
            key[words.length] = unique ? id : 0;
            classes[id] = ids.computeIfAbsent(new Key(key), k -> ids.size() + 1);
        }
        int classCount = ids.size();
        while (true) {
            Map<Key, Integer> next = new HashMap<>();
            int[] refined = new int[count];
            for (int id = 1; id < count; id++) {
                if (!alive[id]) {
                    continue;
                }
                int[] words = types.get(id);
                int[] key = new int[1 + refs[id].length];
                key[0] = classes[id];
                for (int i = 0; i < refs[id].length; i++) {
                    int target = words[refs[id][i]];
                    key[1 + i] = target == 0 || target >= count ? -target : alive[target] ? classes[target] : -target;
                }
                refined[id] = next.computeIfAbsent(new Key(key), k -> next.size() + 1);
            }
            classes = refined;
            if (next.size() == classCount) {
                return classes;
            }
            classCount = next.size();
        }
    }

    /** An int array compared by content, as a map key. */
    private record Key(int[] words) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key that && Arrays.equals(words, that.words);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(words);
        }

        @Override
        public String toString() {
            return Arrays.toString(words);
        }
    }
}
