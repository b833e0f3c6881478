package dev.bpfj.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Checks what libbpf trusts in an object before it parses it: the section table's bounds, the
 * symbols' names and sections, the relocations' symbols (see {@link ElfSections#problem}), and the
 * {@code .BTF} section's header, type records, type references and string offsets. libbpf 1.1
 * (Debian 12's) indexes its type table with the ids an object's BTF names, unchecked, and reads
 * names at the offsets it gives: a damaged object makes it read outside its tables and kills the
 * JVM. (Measured: one byte changed at random in opensnoop.bpf.o crashed libbpf 1.1.2's
 * {@code bpf_object__open_mem} in 49 of 20,000 tries, each time in {@code .BTF}.) A check that
 * passes proves nothing else about the object; libbpf and the kernel stay the judges of the rest.
 */
final class ObjectCheck {

    private static final int BTF_MAGIC = 0xEB9F;
    private static final int BTF_HEADER_SIZE = 24;

    private static final int KIND_INT = 1;
    private static final int KIND_PTR = 2;
    private static final int KIND_ARRAY = 3;
    private static final int KIND_STRUCT = 4;
    private static final int KIND_UNION = 5;
    private static final int KIND_ENUM = 6;
    private static final int KIND_FWD = 7;
    private static final int KIND_TYPEDEF = 8;
    private static final int KIND_VOLATILE = 9;
    private static final int KIND_CONST = 10;
    private static final int KIND_RESTRICT = 11;
    private static final int KIND_FUNC = 12;
    private static final int KIND_FUNC_PROTO = 13;
    private static final int KIND_VAR = 14;
    private static final int KIND_DATASEC = 15;
    private static final int KIND_FLOAT = 16;
    private static final int KIND_DECL_TAG = 17;
    private static final int KIND_TYPE_TAG = 18;
    private static final int KIND_ENUM64 = 19;

    private ObjectCheck() {
    }

    /**
     * Why libbpf must not be given {@code elf}, or null when nothing this check looks at is wrong
     * (also for what is not a 64-bit ELF file at all: libbpf refuses that by itself).
     */
    static String problem(byte[] elf) {
        String sections = ElfSections.problem(elf);
        if (sections != null) {
            return sections;
        }
        try {
            ByteBuffer btf = ElfSections.find(elf, ".BTF");
            return btf == null ? null : btfProblem(btf);
        } catch (ElfSections.MalformedException e) {
            return e.getMessage();
        }
    }

    /**
     * The same for a kernel BTF file (libbpf's {@code btf_custom_path}): raw BTF, or an ELF file with
     * a {@code .BTF} section. What is not BTF at all, libbpf refuses safely by itself: null.
     */
    static String btfFileProblem(byte[] file) {
        if (ElfSections.isElf64(file)) {
            return problem(file);
        }
        boolean magic = file.length >= 2 && ((file[0] & 0xff) == 0x9f && (file[1] & 0xff) == 0xeb
                || (file[0] & 0xff) == 0xeb && (file[1] & 0xff) == 0x9f);
        return magic ? btfProblem(ByteBuffer.wrap(file).order(ByteOrder.nativeOrder())) : null;
    }

    /** Why this {@code .BTF} section is unsafe for libbpf, or null. */
    private static String btfProblem(ByteBuffer btf) {
        if (btf.limit() < BTF_HEADER_SIZE) {
            return "its .BTF section has " + btf.limit() + " bytes, fewer than the BTF header's " + BTF_HEADER_SIZE;
        }
        int magic = Short.toUnsignedInt(btf.getShort(0));
        if (magic != BTF_MAGIC) {
            ByteOrder other = btf.order() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            if (Short.toUnsignedInt(btf.duplicate().order(other).getShort(0)) != BTF_MAGIC) {
                return String.format("its .BTF section starts with 0x%04x, not the BTF magic 0xeb9f", magic);
            }
            btf = btf.duplicate().order(other);
        }
        long headerLength = Integer.toUnsignedLong(btf.getInt(4));
        long typeOffset = Integer.toUnsignedLong(btf.getInt(8));
        long typeLength = Integer.toUnsignedLong(btf.getInt(12));
        long stringOffset = Integer.toUnsignedLong(btf.getInt(16));
        long stringLength = Integer.toUnsignedLong(btf.getInt(20));
        long data = btf.limit() - headerLength;
        if (headerLength < BTF_HEADER_SIZE || headerLength > btf.limit()) {
            return "its BTF header claims " + headerLength + " bytes in a " + btf.limit() + "-byte .BTF section";
        }
        if (typeOffset + typeLength > data || stringOffset + stringLength > data) {
            return "its BTF types (" + typeLength + " bytes at " + typeOffset + ") or strings (" + stringLength
                    + " bytes at " + stringOffset + ") run past the " + data + " bytes after the BTF header";
        }
        if (typeOffset % 4 != 0 || typeLength % 4 != 0) {
            return "its BTF type records (" + typeLength + " bytes at " + typeOffset + ") are not 4-byte aligned";
        }
        int strings = (int) (headerLength + stringOffset);
        if (stringLength == 0 || btf.get(strings) != 0 || btf.get(strings + (int) stringLength - 1) != 0) {
            return "its BTF string section does not start and end with a NUL byte";
        }
        ByteBuffer types = btf.duplicate().position((int) (headerLength + typeOffset))
                .limit((int) (headerLength + typeOffset + typeLength)).slice().order(btf.order());
        return typesProblem(types, stringLength);
    }

    /** Two passes: find where each type record starts (and that each fits), then check what they refer to. */
    private static String typesProblem(ByteBuffer types, long stringLength) {
        int[] starts = new int[Math.max(16, types.limit() / 12 + 1)];
        int count = 0;
        int position = 0;
        while (position < types.limit()) {
            if (types.limit() - position < 12) {
                return "BTF type [" + (count + 1) + "] is cut off: " + (types.limit() - position) + " bytes left";
            }
            int info = types.getInt(position + 4);
            int kind = (info >>> 24) & 0x1f;
            int vlen = info & 0xffff;
            long extra = switch (kind) {
                case KIND_INT, KIND_VAR, KIND_DECL_TAG -> 4;
                case KIND_ARRAY -> 12;
                case KIND_STRUCT, KIND_UNION, KIND_DATASEC, KIND_ENUM64 -> 12L * vlen;
                case KIND_ENUM, KIND_FUNC_PROTO -> 8L * vlen;
                case KIND_PTR, KIND_FWD, KIND_TYPEDEF, KIND_VOLATILE, KIND_CONST, KIND_RESTRICT, KIND_FUNC,
                        KIND_FLOAT, KIND_TYPE_TAG -> 0;
                default -> -1;
            };
            if (extra < 0) {
                return "BTF type [" + (count + 1) + "] has kind " + kind + ", which no libbpf knows";
            }
            if (12 + extra > types.limit() - position) {
                return "BTF type [" + (count + 1) + "] (kind " + kind + ", " + vlen + " entries) runs past the end of"
                        + " the type records";
            }
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
            }
            starts[count++] = position;
            position += 12 + (int) extra;
        }
        for (int index = 0; index < count; index++) {
            String problem = typeProblem(types, starts, count, index + 1, stringLength);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String typeProblem(ByteBuffer types, int[] starts, int count, int id, long stringLength) {
        int at = starts[id - 1];
        int info = types.getInt(at + 4);
        int kind = (info >>> 24) & 0x1f;
        int vlen = info & 0xffff;
        int type = types.getInt(at + 8);
        String self = "BTF type [" + id + "]";
        String problem = name(types.getInt(at), stringLength, self);
        if (problem != null) {
            return problem;
        }
        switch (kind) {
            case KIND_INT -> {
                // what the kernel's own BTF check demands of an integer
                int encoding = types.getInt(at + 12);
                int bits = encoding & 0xff;
                int offset = (encoding >>> 16) & 0xff;
                long size = Integer.toUnsignedLong(type);
                if (bits > 128 || (size != 1 && size != 2 && size != 4 && size != 8 && size != 16)
                        || offset + bits > size * 8) {
                    return self + " is a " + size + "-byte integer of " + bits + " bits at bit " + offset;
                }
                return null;
            }
            case KIND_PTR, KIND_TYPEDEF, KIND_VOLATILE, KIND_CONST, KIND_RESTRICT, KIND_VAR, KIND_DECL_TAG,
                    KIND_TYPE_TAG -> {
                return reference(type, count, self);
            }
            case KIND_FUNC -> {
                problem = reference(type, count, self);
                if (problem == null && (type == 0 || kindOf(types, starts, type) != KIND_FUNC_PROTO)) {
                    return self + " is a function whose type [" + type + "] is not a function prototype";
                }
                return problem;
            }
            case KIND_ARRAY -> {
                problem = reference(types.getInt(at + 12), count, self + "'s element type");
                return problem != null ? problem : reference(types.getInt(at + 16), count, self + "'s index type");
            }
            case KIND_STRUCT, KIND_UNION -> {
                for (int i = 0; i < vlen; i++) {
                    int member = at + 12 + 12 * i;
                    String which = self + "'s member " + i;
                    problem = name(types.getInt(member), stringLength, which);
                    problem = problem != null ? problem : reference(types.getInt(member + 4), count, which);
                    if (problem != null) {
                        return problem;
                    }
                }
                return null;
            }
            case KIND_ENUM, KIND_ENUM64 -> {
                int size = kind == KIND_ENUM ? 8 : 12;
                for (int i = 0; i < vlen; i++) {
                    problem = name(types.getInt(at + 12 + size * i), stringLength, self + "'s value " + i);
                    if (problem != null) {
                        return problem;
                    }
                }
                return null;
            }
            case KIND_FUNC_PROTO -> {
                problem = reference(type, count, self + "'s return type");
                for (int i = 0; i < vlen && problem == null; i++) {
                    int parameter = at + 12 + 8 * i;
                    String which = self + "'s parameter " + i;
                    problem = name(types.getInt(parameter), stringLength, which);
                    problem = problem != null ? problem : reference(types.getInt(parameter + 4), count, which);
                }
                return problem;
            }
            case KIND_DATASEC -> {
                for (int i = 0; i < vlen; i++) {
                    int variable = types.getInt(at + 12 + 12 * i);
                    problem = reference(variable, count, self + "'s entry " + i);
                    if (problem != null) {
                        return problem;
                    }
                    int entryKind = variable == 0 ? 0 : kindOf(types, starts, variable);
                    if (entryKind != KIND_VAR && entryKind != KIND_FUNC) {
                        return self + "'s entry " + i + " is type [" + variable + "], neither a variable nor a function";
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    private static int kindOf(ByteBuffer types, int[] starts, int id) {
        return (types.getInt(starts[id - 1] + 4) >>> 24) & 0x1f;
    }

    private static String reference(int type, int count, String what) {
        if (Integer.toUnsignedLong(type) > count) {
            return what + " refers to type [" + Integer.toUnsignedLong(type) + "], but there are only " + count
                    + " types";
        }
        return null;
    }

    private static String name(int offset, long stringLength, String what) {
        if (Integer.toUnsignedLong(offset) >= stringLength) {
            return what + "'s name is at offset " + Integer.toUnsignedLong(offset) + ", past the " + stringLength
                    + " bytes of BTF strings";
        }
        return null;
    }
}
