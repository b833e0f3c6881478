package dev.bpfj.toolchain.skeleton;

import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.btf.BtfEnumValue;
import dev.bpfj.toolchain.btf.BtfMember;
import dev.bpfj.toolchain.btf.BtfStruct;
import dev.bpfj.toolchain.btf.BtfType;
import dev.bpfj.toolchain.skeleton.TypeModel.EnumType;
import dev.bpfj.toolchain.skeleton.TypeModel.Field;
import dev.bpfj.toolchain.skeleton.TypeModel.StructType;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the nested classes for C types: a flyweight view with an immutable {@code Snapshot}
 * record per struct or union, and a constants class per enum.
 */
final class StructEmitter {

    /** Names a view and its snapshot use for themselves; C members with these names get a suffix. */
    /**
     * The private static helpers every skeleton class declares. A nested class's member of the same
     * name would hide them from the generated code in that class (javac then finds no applicable
     * method), so fields and variables with these names get the {@code _} suffix.
     */
    static final Set<String> HELPERS = Set.of("readString", "readChars", "readBytes", "writeBytes", "writeString",
            "getBits", "setBits", "expectSize");

    static final Set<String> RESERVED = union(Set.of("wrap", "segment", "offset", "snapshot", "allocate", "write",
            "read", "target", "view", "value", "source", "bytes", "base"), HELPERS);

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private final Btf btf;
    private final TypeModel types;
    private final boolean bigEndian;
    private boolean usesBits;

    StructEmitter(Btf btf, TypeModel types, ByteOrder order) {
        this.btf = btf;
        this.types = types;
        this.bigEndian = order == ByteOrder.BIG_ENDIAN;
    }

    /** @return whether some view reads bitfields, so the skeleton needs its bit helpers */
    boolean usesBits() {
        return usesBits;
    }

    /**
     * Writes an enum's constants class.
     *
     * @param out  where
     * @param type the enum
     */
    void enumClass(SourceBuilder out, EnumType type) {
        Prim prim = Prim.ofIntSize(type.btfEnum().size());
        out.javadoc("The values of " + SourceBuilder.code("enum " + type.btfEnum().name()) + " (" + type.btfEnum().size()
                        + " bytes" + (type.btfEnum().signed() ? "" : ", unsigned") + "). Fields of this enum type are plain",
                "{@code " + prim.java + "}s, so values the enum does not name survive a read and a write unchanged.");
        out.open("public static final class " + type.javaName());
        JavaNames.Scope scope = new JavaNames.Scope(Set.of("nameOf"));
        List<String[]> named = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (BtfEnumValue value : type.btfEnum().values()) {
            String name = scope.claim(value.name().isEmpty() ? "VALUE" : value.name());
            out.javadoc(SourceBuilder.code(value.name() + " = " + value.value()));
            out.line("public static final " + prim.java + " " + name + " = " + literal(prim, value.value()) + ";");
            out.line("");
            if (seen.add(truncate(prim, value.value()))) {
                named.add(new String[] {name, value.name()});
            }
        }
        out.line("private " + type.javaName() + "() {");
        out.line("}");
        out.line("");
        out.javadoc("The C name of a value.", "",
                "@param value a value of this enum type",
                "@return the first enumerator with this value, or {@code null} when none has it");
        out.open("public static String nameOf(" + prim.java + " value)");
        for (String[] n : named) {
            out.open("if (value == " + n[0] + ")");
            out.line("return " + SourceBuilder.literal(n[1]) + ";");
            out.close();
        }
        out.line("return null;");
        out.close();
        out.close();
    }

    private static long truncate(Prim prim, long value) {
        return switch (prim) {
            case BYTE -> (byte) value;
            case SHORT -> (short) value;
            case INT -> (int) value;
            default -> value;
        };
    }

    /**
     * A Java literal of a primitive type for a C integer value.
     *
     * @param prim  the primitive
     * @param value the value (truncated to the primitive's width, as C stores it)
     * @return the literal
     */
    static String literal(Prim prim, long value) {
        long v = truncate(prim, value);
        return switch (prim) {
            case BYTE -> "(byte) " + v;
            case SHORT -> "(short) " + v;
            case INT -> Long.toString(v);
            case BOOLEAN -> v != 0 ? "true" : "false";
            default -> v + "L";
        };
    }

    /**
     * Writes a struct's view class with its snapshot record.
     *
     * @param out  where
     * @param type the struct
     */
    void structClass(SourceBuilder out, StructType type) {
        String x = type.javaName();
        String c = SourceBuilder.code(type.cName());
        out.javadoc("A view of " + c + " (" + type.size() + " bytes) over native memory: a map value, a ring-buffer",
                "record, a global variable. One instance can be {@linkplain #wrap re-pointed} at any number of records;",
                "accessors read and write the memory directly and allocate nothing. Use {@link #snapshot()} to keep",
                "a copy or hand it to another thread."
                        + (type.opaque() ? " This type has too many members to map one by one (more than "
                        + TypeModel.MAX_FIELDS + "): it offers its raw bytes only." : ""));
        out.open("public static final class " + x);
        out.javadoc("The size of " + c + " in bytes.");
        out.line("public static final long BYTE_SIZE = " + type.size() + "L;");
        out.line("");
        out.javadoc("The C layout of " + c + ": members named as in C; bitfields appear as padding.");
        out.line("public static final MemoryLayout LAYOUT = " + layout(type) + ";");
        out.line("");
        out.javadoc("Converts between " + c + " and {@link Snapshot}, for typed maps and ring buffers.");
        out.open("public static final Codec<Snapshot> CODEC = new Codec<>()");
        out.line("@Override");
        out.open("public long byteSize()");
        out.line("return BYTE_SIZE;");
        out.close();
        out.line("");
        out.line("@Override");
        out.open("public Snapshot read(MemorySegment source)");
        out.line("return new " + x + "().wrap(source).snapshot();");
        out.close();
        out.line("");
        out.line("@Override");
        out.open("public void write(MemorySegment target, Snapshot value)");
        out.line("value.write(target);");
        out.close();
        out.closeWith("};");
        out.line("");
        out.line("private MemorySegment segment = MemorySegment.NULL;");
        out.line("private long base;");
        List<Field> fields = type.fields();
        for (int i = 0; i < fields.size(); i++) {
            String child = childClass(fields.get(i).shape());
            if (child != null) {
                out.line("private final " + child + " child" + i + " = new " + child + "();");
            }
        }
        out.line("");
        out.javadoc("Creates a view over nothing; {@link #wrap} it before use.");
        out.open("public " + x + "()");
        out.close();
        out.line("");
        out.javadoc("Points this view at the start of a segment.", "",
                "@param segment the memory holding " + c,
                "@return this view");
        out.open("public " + x + " wrap(MemorySegment segment)");
        out.line("return wrap(segment, 0L);");
        out.close();
        out.line("");
        out.javadoc("Points this view at an offset in a segment.", "",
                "@param segment the memory holding " + c,
                "@param offset  where it starts in the segment",
                "@return this view");
        out.open("public " + x + " wrap(MemorySegment segment, long offset)");
        out.line("this.segment = Objects.requireNonNull(segment, \"segment\");");
        out.line("this.base = offset;");
        out.line("return this;");
        out.close();
        out.line("");
        out.javadoc("@return the segment this view reads");
        out.open("public MemorySegment segment()");
        out.line("return segment;");
        out.close();
        out.line("");
        out.javadoc("@return where the struct starts in {@link #segment()}");
        out.open("public long offset()");
        out.line("return base;");
        out.close();
        out.line("");
        out.javadoc("Allocates a zeroed " + c + " in an arena.", "",
                "@param arena the arena that owns the memory",
                "@return a view of the new memory");
        out.open("public static " + x + " allocate(Arena arena)");
        out.line("return new " + x + "().wrap(arena.allocate(Math.max(1L, BYTE_SIZE), 8L));");
        out.close();
        boolean rawSnapshot = type.opaque() || TypeModel.slots(fields) > TypeModel.MAX_SLOTS;
        if (type.opaque()) {
            out.line("");
            out.javadoc("@return a copy of the struct's bytes");
            out.open("public byte[] bytes()");
            out.line("return readBytes(segment, base, BYTE_SIZE);");
            out.close();
        }
        for (int i = 0; i < fields.size(); i++) {
            accessors(out, x, fields.get(i), i);
        }
        out.line("");
        snapshotMethod(out, x, fields, rawSnapshot);
        out.line("");
        snapshotRecord(out, type, fields, rawSnapshot);
        out.close();
    }

    private String childClass(Shape shape) {
        if (shape instanceof Shape.Struct s) {
            return s.javaName();
        }
        if (shape instanceof Shape.Array a && a.element() instanceof Shape.Struct s) {
            return s.javaName();
        }
        return null;
    }

    // ---------------------------------------------------------------- layouts

    private String layout(StructType type) {
        if (type.opaque()) {
            return "MemoryLayout.sequenceLayout(" + type.size() + "L, ValueLayout.JAVA_BYTE).withName("
                    + SourceBuilder.literal(layoutName(type)) + ")";
        }
        BtfStruct s = (BtfStruct) btf.type(type.btfId());
        return structLayout(s) + ".withName(" + SourceBuilder.literal(layoutName(type)) + ")";
    }

    private static String layoutName(StructType type) {
        int space = type.cName().indexOf(' ');
        return type.cName().substring(space + 1);
    }

    private String structLayout(BtfStruct s) {
        List<String> elements = new ArrayList<>();
        List<BtfMember> members = new ArrayList<>(s.members());
        if (s.isUnion()) {
            long max = 0;
            for (BtfMember m : members) {
                if (!m.isBitfield() && btf.hasSize(m.typeId())) {
                    elements.add(memberLayout(m));
                    max = Math.max(max, btf.sizeOf(m.typeId()));
                }
            }
            if (max < s.size()) {
                elements.add("MemoryLayout.paddingLayout(" + s.size() + "L)");
            }
            return "MemoryLayout.unionLayout(" + String.join(", ", elements) + ")";
        }
        members.sort(BY_BIT_OFFSET);
        long position = 0;
        for (BtfMember m : members) {
            if (m.isBitfield() || m.bitOffset() % 8 != 0 || !btf.hasSize(m.typeId())) {
                continue;
            }
            long offset = m.byteOffset();
            if (offset < position) {
                continue;
            }
            if (offset > position) {
                elements.add("MemoryLayout.paddingLayout(" + (offset - position) + "L)");
            }
            elements.add(memberLayout(m));
            position = offset + btf.sizeOf(m.typeId());
        }
        if (s.size() > position) {
            elements.add("MemoryLayout.paddingLayout(" + (s.size() - position) + "L)");
        }
        return "MemoryLayout.structLayout(" + String.join(", ", elements) + ")";
    }

    private String memberLayout(BtfMember m) {
        String layout = typeLayout(m.typeId());
        return m.name().isEmpty() ? layout : layout + ".withName(" + SourceBuilder.literal(m.name()) + ")";
    }

    private String typeLayout(int typeId) {
        BtfType type = btf.resolve(typeId);
        if (type instanceof BtfStruct s) {
            if (s.name().isEmpty()) {
                String known = knownStruct(s.id());
                return known != null ? known + ".LAYOUT" : structLayout(s);
            }
            String known = knownStruct(s.id());
            if (known != null) {
                return known + ".LAYOUT";
            }
            return structLayout(s);
        }
        if (type instanceof dev.bpfj.toolchain.btf.BtfArray a) {
            return "MemoryLayout.sequenceLayout(" + a.count() + "L, " + typeLayout(a.elemType()) + ")";
        }
        Shape shape = types.shapeOf(typeId, "");
        if (shape instanceof Shape.Scalar sc) {
            return sc.prim().layout;
        }
        long size = btf.hasSize(typeId) ? btf.sizeOf(typeId) : 0;
        return "MemoryLayout.sequenceLayout(" + size + "L, ValueLayout.JAVA_BYTE)";
    }

    private String knownStruct(int id) {
        for (StructType t : types.structs()) {
            if (t.btfId() == id) {
                return t.javaName();
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- accessors

    private void accessors(SourceBuilder out, String x, Field f, int index) {
        String n = f.javaName();
        String at = "base + " + f.offset() + "L";
        String decl = SourceBuilder.code(f.cDecl()) + " at byte " + f.offset();
        out.line("");
        if (f.isBitfield()) {
            usesBits = true;
            Shape.Scalar s = (Shape.Scalar) f.shape();
            int bit = (int) (f.bitOffset() % 8);
            String read = "getBits(segment, base + " + (f.bitOffset() / 8) + "L, " + bit + ", " + f.bitSize() + ", "
                    + (!s.unsigned() && s.prim() != Prim.BOOLEAN) + ")";
            out.javadoc("Reads the bitfield " + decl + ", bit " + bit + ".", "", "@return its value");
            out.open("public " + s.prim().java + " " + n + "()");
            out.line("return " + (s.prim() == Prim.BOOLEAN ? read + " != 0"
                    : s.prim() == Prim.LONG ? read : "(" + s.prim().java + ") " + read) + ";");
            out.close();
            out.line("");
            out.javadoc("Writes the bitfield " + decl + "; bits beyond its width are dropped.", "",
                    "@param value the new value", "@return this view");
            out.open("public " + x + " " + n + "(" + s.prim().java + " value)");
            out.line("setBits(segment, base + " + (f.bitOffset() / 8) + "L, " + bit + ", " + f.bitSize() + ", "
                    + (s.prim() == Prim.BOOLEAN ? "value ? 1L : 0L" : "value") + ");");
            out.line("return this;");
            out.close();
            unsignedHelper(out, n, s, "");
            return;
        }
        Shape shape = f.shape();
        if (shape instanceof Shape.Scalar s) {
            out.javadoc("Reads " + decl + scalarNote(s) + ".", "", "@return its value");
            out.open("public " + s.prim().java + " " + n + "()");
            out.line("return segment.get(" + s.prim().layout + ", " + at + ");");
            out.close();
            out.line("");
            out.javadoc("Writes " + decl + ".", "", "@param value the new value", "@return this view");
            out.open("public " + x + " " + n + "(" + s.prim().java + " value)");
            out.line("segment.set(" + s.prim().layout + ", " + at + ", value);");
            out.line("return this;");
            out.close();
            unsignedHelper(out, n, s, "");
        } else if (shape instanceof Shape.Chars ch) {
            String limit = ch.count() + "L";
            String flexible = ch.count() == 0 ? " (a flexible array: up to the end of the segment)" : "";
            out.javadoc("Reads " + decl + " as text: UTF-8 up to the first NUL" + flexible + ".", "",
                    "@return the text; bytes past the segment's end are not read, so truncated records work");
            out.open("public String " + n + "()");
            out.line("return readString(segment, " + at + ", " + limit + ");");
            out.close();
            out.line("");
            out.javadoc("Reads the raw bytes of " + decl + flexible + ".", "", "@return a copy of the bytes, zero where the segment ends early");
            out.open("public byte[] " + n + "Bytes()");
            out.line("return readChars(segment, " + at + ", " + limit + ");");
            out.close();
            out.line("");
            out.javadoc("Writes text into " + decl + ", UTF-8, NUL-padded.", "",
                    "@param value the text; it must leave room for the terminating NUL",
                    "@return this view");
            out.open("public " + x + " " + n + "(String value)");
            out.line("writeString(segment, " + at + ", " + limit + ", value);");
            out.line("return this;");
            out.close();
            out.line("");
            out.javadoc("Writes raw bytes into " + decl + ", zero-padded.", "",
                    "@param value at most the array's size", "@return this view");
            out.open("public " + x + " " + n + "Bytes(byte[] value)");
            out.line("writeBytes(segment, " + at + ", " + limit + ", value);");
            out.line("return this;");
            out.close();
        } else if (shape instanceof Shape.Int128 i) {
            rawAccessors(out, x, n, at, 16, decl + " (" + (i.signed() ? "signed" : "unsigned")
                    + " 128-bit integer, in the object's byte order)");
            String low = bigEndian ? at + " + 8L" : at;
            String high = bigEndian ? at : at + " + 8L";
            out.line("");
            out.javadoc("Reads the low 64 bits of " + decl + ".", "", "@return the low half");
            out.open("public long " + n + "Low()");
            out.line("return segment.get(ValueLayout.JAVA_LONG_UNALIGNED, " + low + ");");
            out.close();
            out.line("");
            out.javadoc("Reads the high 64 bits of " + decl + ".", "", "@return the high half");
            out.open("public long " + n + "High()");
            out.line("return segment.get(ValueLayout.JAVA_LONG_UNALIGNED, " + high + ");");
            out.close();
        } else if (shape instanceof Shape.Raw r) {
            rawAccessors(out, x, n, at, r.size(), decl + ": " + SourceBuilder.code(r.reason()));
        } else if (shape instanceof Shape.Struct s) {
            out.javadoc("The nested " + decl + ".", "",
                    "@return a view of it, shared by every call on this view (re-pointed each time)");
            out.open("public " + s.javaName() + " " + n + "()");
            out.line("return child" + index + ".wrap(segment, " + at + ");");
            out.close();
        } else if (shape instanceof Shape.Array a) {
            arrayAccessors(out, x, f, index, a, at, decl);
        }
    }

    private void rawAccessors(SourceBuilder out, String x, String n, String at, long size, String what) {
        out.javadoc("Reads the raw bytes of " + what + ".", "", "@return a copy of the bytes");
        out.open("public byte[] " + n + "()");
        out.line("return readBytes(segment, " + at + ", " + size + "L);");
        out.close();
        out.line("");
        out.javadoc("Writes the raw bytes of " + what + ".", "", "@param value the bytes (at most the field's size)",
                "@return this view");
        out.open("public " + x + " " + n + "(byte[] value)");
        out.line("writeBytes(segment, " + at + ", " + size + "L, value);");
        out.line("return this;");
        out.close();
    }

    private static String scalarNote(Shape.Scalar s) {
        StringBuilder note = new StringBuilder();
        if (s.pointer()) {
            note.append(" (a pointer: an address in the BPF program's memory, as a number)");
        } else if (s.enumClass() != null) {
            note.append(" (values in {@link ").append(s.enumClass()).append("})");
        }
        if (s.unsigned() && s.prim() == Prim.LONG && !s.pointer()) {
            note.append(" (unsigned: print with Long.toUnsignedString)");
        }
        return note.toString();
    }

    /**
     * Emits {@code nUnsigned(args)}, which widens an unsigned C integer of 1 to 4 bytes; nothing
     * for other scalars. {@code moreDoc} lines (e.g. an {@code @throws}) end its Javadoc.
     */
    static void unsignedHelper(SourceBuilder out, String n, Shape.Scalar s, String args, String... moreDoc) {
        if (!s.unsigned() || !s.prim().isInteger() || s.prim() == Prim.LONG) {
            return;
        }
        String type = s.prim() == Prim.INT ? "long" : "int";
        String convert = switch (s.prim()) {
            case BYTE -> "Byte.toUnsignedInt";
            case SHORT -> "Short.toUnsignedInt";
            default -> "Integer.toUnsignedLong";
        };
        out.line("");
        String[] doc = new String[3 + moreDoc.length];
        doc[0] = "Reads {@link #" + n + "()} as the unsigned number C sees.";
        doc[1] = "";
        doc[2] = "@return the value, zero-extended";
        System.arraycopy(moreDoc, 0, doc, 3, moreDoc.length);
        out.javadoc(doc);
        out.open("public " + type + " " + n + "Unsigned(" + args + ")");
        out.line("return " + convert + "(" + n + "());");
        out.close();
    }

    private void arrayAccessors(SourceBuilder out, String x, Field f, int index, Shape.Array a, String at, String decl) {
        String n = f.javaName();
        List<Long> dims = a.dims();
        StringBuilder params = new StringBuilder();
        StringBuilder indexDoc = new StringBuilder();
        for (int d = 0; d < dims.size(); d++) {
            params.append(d == 0 ? "" : ", ").append("int i").append(d);
        }
        String position = at + " + " + flatIndex(dims) + " * " + a.element().size() + "L";
        for (int d = 0; d < dims.size(); d++) {
            indexDoc.append(d == 0 ? "" : ",").append("i").append(d);
        }
        String[] paramDocs = new String[dims.size()];
        for (int d = 0; d < dims.size(); d++) {
            paramDocs[d] = "@param i" + d + " index " + (d + 1) + " of " + dims.size() + ", below " + dims.get(d);
        }
        Shape element = a.element();
        if (element instanceof Shape.Scalar s) {
            out.javadoc(concat(new String[] {"Reads one element of " + decl + scalarNote(s) + ".", ""}, paramDocs,
                    new String[] {"@return the element"}));
            out.open("public " + s.prim().java + " " + n + "(" + params + ")");
            out.line("return segment.get(" + s.prim().layout + ", " + position + ");");
            out.close();
            out.line("");
            out.javadoc(concat(new String[] {"Writes one element of " + decl + ".", ""}, paramDocs,
                    new String[] {"@param value the new value", "@return this view"}));
            out.open("public " + x + " " + n + "(" + params + ", " + s.prim().java + " value)");
            out.line("segment.set(" + s.prim().layout + ", " + position + ", value);");
            out.line("return this;");
            out.close();
        } else if (element instanceof Shape.Struct s) {
            out.javadoc(concat(new String[] {"One element of " + decl + ".", ""}, paramDocs,
                    new String[] {"@return a view of it, shared by every call on this view (re-pointed each time)"}));
            out.open("public " + s.javaName() + " " + n + "(" + params + ")");
            out.line("return child" + index + ".wrap(segment, " + position + ");");
            out.close();
        } else {
            out.javadoc(concat(new String[] {"Reads the raw bytes of one element of " + decl + ".", ""}, paramDocs,
                    new String[] {"@return a copy of the element's bytes"}));
            out.open("public byte[] " + n + "(" + params + ")");
            out.line("return readBytes(segment, " + position + ", " + element.size() + "L);");
            out.close();
            out.line("");
            out.javadoc(concat(new String[] {"Writes the raw bytes of one element of " + decl + ".", ""}, paramDocs,
                    new String[] {"@param value the bytes", "@return this view"}));
            out.open("public " + x + " " + n + "(" + params + ", byte[] value)");
            out.line("writeBytes(segment, " + position + ", " + element.size() + "L, value);");
            out.line("return this;");
            out.close();
        }
    }

    private static String[] concat(String[]... parts) {
        List<String> all = new ArrayList<>();
        for (String[] p : parts) {
            all.addAll(List.of(p));
        }
        return all.toArray(new String[0]);
    }

    /**
     * The row-major flat index of a multi-dimensional access, with bounds checks.
     *
     * @param dims the dimensions
     * @return a Java {@code long} expression over {@code i0, i1, ...}
     */
    private static String flatIndex(List<Long> dims) {
        StringBuilder expr = new StringBuilder();
        for (int d = 0; d < dims.size(); d++) {
            long stride = 1;
            for (int e = d + 1; e < dims.size(); e++) {
                stride *= dims.get(e);
            }
            String term = "Objects.checkIndex((long) i" + d + ", " + dims.get(d) + "L)";
            expr.append(d == 0 ? "" : " + ").append(stride == 1 ? term : term + " * " + stride + "L");
        }
        return "(" + expr + ")";
    }

    // ---------------------------------------------------------------- snapshots

    private record Component(String type, String name, Field field) {
    }

    private List<Component> components(List<Field> fields) {
        List<Component> out = new ArrayList<>();
        for (Field f : fields) {
            Shape s = f.shape();
            String n = f.javaName();
            if (s instanceof Shape.Scalar sc) {
                out.add(new Component(sc.prim().java, n, f));
            } else if (s instanceof Shape.Chars) {
                out.add(new Component("byte[]", n + "Bytes", f));
            } else if (s instanceof Shape.Struct st) {
                out.add(new Component(st.javaName() + ".Snapshot", n, f));
            } else if (s instanceof Shape.Array a && a.element() instanceof Shape.Scalar sc) {
                out.add(new Component(sc.prim().java + "[]", n, f));
            } else if (s instanceof Shape.Array a && a.element() instanceof Shape.Struct st) {
                out.add(new Component("List<" + st.javaName() + ".Snapshot>", n, f));
            } else if (s instanceof Shape.Array a) {
                out.add(new Component("List<byte[]>", n, f));
            } else {
                out.add(new Component("byte[]", n, f));
            }
        }
        return out;
    }

    private void snapshotMethod(SourceBuilder out, String x, List<Field> fields, boolean raw) {
        out.javadoc("Copies the struct into an immutable record.", "", "@return the copy");
        out.open("public Snapshot snapshot()");
        if (raw) {
            out.line("return new Snapshot(readBytes(segment, base, BYTE_SIZE));");
            out.close();
            return;
        }
        List<String> args = new ArrayList<>();
        int local = 0;
        for (Component comp : components(fields)) {
            Field f = comp.field();
            String n = f.javaName();
            if (f.shape() instanceof Shape.Chars) {
                args.add(n + "Bytes()");
            } else if (f.shape() instanceof Shape.Struct) {
                args.add(n + "().snapshot()");
            } else if (f.shape() instanceof Shape.Array a) {
                String v = "c" + local++;
                long count = a.count();
                if (a.element() instanceof Shape.Scalar sc) {
                    out.line(sc.prim().java + "[] " + v + " = new " + sc.prim().java + "[" + count + "];");
                } else if (a.element() instanceof Shape.Struct st) {
                    out.line("List<" + st.javaName() + ".Snapshot> " + v + " = new ArrayList<>(" + count + ");");
                } else {
                    out.line("List<byte[]> " + v + " = new ArrayList<>(" + count + ");");
                }
                openLoops(out, a.dims());
                String call = n + "(" + indexArgs(a.dims().size()) + ")";
                if (a.element() instanceof Shape.Scalar) {
                    out.line(v + "[" + flatInt(a.dims()) + "] = " + call + ";");
                } else if (a.element() instanceof Shape.Struct) {
                    out.line(v + ".add(" + call + ".snapshot());");
                } else {
                    out.line(v + ".add(" + call + ");");
                }
                closeLoops(out, a.dims());
                args.add(v);
            } else {
                args.add(n + "()");
            }
        }
        out.line("return new Snapshot(" + String.join(", ", args) + ");");
        out.close();
    }

    private static String indexArgs(int n) {
        StringBuilder s = new StringBuilder();
        for (int d = 0; d < n; d++) {
            s.append(d == 0 ? "" : ", ").append("i").append(d);
        }
        return s.toString();
    }

    private static String flatInt(List<Long> dims) {
        StringBuilder expr = new StringBuilder();
        for (int d = 0; d < dims.size(); d++) {
            long stride = 1;
            for (int e = d + 1; e < dims.size(); e++) {
                stride *= dims.get(e);
            }
            expr.append(d == 0 ? "" : " + ").append(stride == 1 ? "i" + d : "i" + d + " * " + stride);
        }
        return expr.toString();
    }

    private static final Comparator<BtfMember> BY_BIT_OFFSET = new Comparator<>() {
        @Override
        public int compare(BtfMember a, BtfMember b) {
            return Long.compare(a.bitOffset(), b.bitOffset());
        }
    };

    /**
     * Opens one loop per dimension ({@code i0}, {@code i1}, ...); {@link #closeLoops} closes them. Two calls
     * around the body rather than a lambda: each lambda's first use costs the fresh JVM of a Maven build
     * about a millisecond, and the skeleton is generated once per build.
     */
    private static void openLoops(SourceBuilder out, List<Long> dims) {
        for (int d = 0; d < dims.size(); d++) {
            out.open("for (int i" + d + " = 0; i" + d + " < " + dims.get(d) + "; i" + d + "++)");
        }
    }

    private static void closeLoops(SourceBuilder out, List<Long> dims) {
        for (int d = 0; d < dims.size(); d++) {
            out.close();
        }
    }

    private void snapshotRecord(SourceBuilder out, StructType type, List<Field> fields, boolean raw) {
        String x = type.javaName();
        String c = SourceBuilder.code(type.cName());
        if (raw) {
            out.javadoc("An immutable copy of " + c + " as raw bytes (the struct has too many members for a record).", "",
                    "@param bytes the struct's bytes, {@link #BYTE_SIZE} of them");
            out.open("public record Snapshot(byte[] bytes)");
            out.javadoc("Copies the bytes so that the record stays immutable.");
            out.open("public Snapshot");
            out.line("bytes = bytes.clone();");
            out.close();
            out.line("");
            out.javadoc("@return a copy of the bytes");
            out.line("@Override");
            out.open("public byte[] bytes()");
            out.line("return bytes.clone();");
            out.close();
            writeMethods(out, x);
            out.line("writeBytes(target, offset, BYTE_SIZE, bytes);");
            out.close();
            equalsHashToString(out, List.of(new Component("byte[]", "bytes", null)));
            out.close();
            return;
        }
        List<Component> comps = components(fields);
        List<String> docs = new ArrayList<>();
        docs.add("An immutable copy of " + c + ", safe to keep and to hand to other threads; arrays are");
        docs.add("copied in and out, multi-dimensional arrays are flattened in C's row-major order.");
        docs.add("");
        List<String> declared = new ArrayList<>();
        for (Component comp : comps) {
            docs.add("@param " + comp.name() + " " + SourceBuilder.code(comp.field().cDecl()));
            declared.add(comp.type() + " " + comp.name());
        }
        out.javadoc(docs.toArray(new String[0]));
        out.open("public record Snapshot(" + String.join(", ", declared) + ")");
        out.javadoc("Checks and copies the components so that the record stays immutable.");
        out.open("public Snapshot");
        for (Component comp : comps) {
            String n = comp.name();
            Shape s = comp.field().shape();
            if (comp.type().endsWith("[]")) {
                out.line(n + " = " + n + ".clone();");
                long expected = s instanceof Shape.Array a ? a.count() : s instanceof Shape.Chars ch ? ch.count() : s.size();
                if (expected > 0) {
                    out.open("if (" + n + ".length != " + expected + ")");
                    out.line("throw new IllegalArgumentException(" + SourceBuilder.literal(n + " must have " + expected
                            + " elements, got ") + " + " + n + ".length);");
                    out.close();
                }
            } else if (comp.type().startsWith("List<")) {
                out.line(n + " = List.copyOf(" + n + ");");
            } else if (!isPrimitive(comp.type())) {
                out.line("Objects.requireNonNull(" + n + ", " + SourceBuilder.literal(n) + ");");
            }
        }
        out.close();
        for (Component comp : comps) {
            if (comp.type().endsWith("[]")) {
                out.line("");
                out.javadoc("@return a copy of " + SourceBuilder.code(comp.field().cDecl()));
                out.line("@Override");
                out.open("public " + comp.type() + " " + comp.name() + "()");
                out.line("return " + comp.name() + ".clone();");
                out.close();
            }
            if (comp.field().shape() instanceof Shape.Chars) {
                String n = comp.field().javaName();
                out.line("");
                out.javadoc("@return " + SourceBuilder.code(comp.field().cDecl()) + " as text: UTF-8 up to the first NUL");
                out.open("public String " + n + "()");
                out.line("return readString(MemorySegment.ofArray(" + n + "Bytes), 0L, " + n + "Bytes.length);");
                out.close();
            }
        }
        writeMethods(out, x);
        out.line(x + " view = new " + x + "().wrap(target, offset);");
        for (Component comp : comps) {
            Field f = comp.field();
            String n = comp.name();
            String j = f.javaName();
            if (f.shape() instanceof Shape.Array a) {
                openLoops(out, a.dims());
                String idx = a.element() instanceof Shape.Scalar ? "[" + flatInt(a.dims()) + "]"
                        : ".get(" + flatInt(a.dims()) + ")";
                if (a.element() instanceof Shape.Struct st) {
                    out.line(n + idx + ".write(target, offset + " + f.offset() + "L + (long) (" + flatInt(a.dims())
                            + ") * " + st.size() + "L);");
                } else {
                    out.line("view." + j + "(" + indexArgs(a.dims().size()) + ", " + n + idx + ");");
                }
                closeLoops(out, a.dims());
            } else if (f.shape() instanceof Shape.Struct) {
                out.line(n + ".write(target, offset + " + f.offset() + "L);");
            } else {
                out.line("view." + n + "(" + n + ");");
            }
        }
        out.close();
        boolean arrays = false;
        for (Component comp : comps) {
            arrays |= comp.type().endsWith("[]") || comp.type().startsWith("List<byte[]");
        }
        if (arrays) {
            equalsHashToString(out, comps);
        }
        out.close();
    }

    private static boolean isPrimitive(String type) {
        for (Prim p : Prim.values()) {
            if (p.java.equals(type)) {
                return true;
            }
        }
        return false;
    }

    private void writeMethods(SourceBuilder out, String x) {
        out.line("");
        out.javadoc("Writes this value at the start of a segment; padding becomes zero.", "",
                "@param target at least {@link #BYTE_SIZE} bytes");
        out.open("public void write(MemorySegment target)");
        out.line("write(target, 0L);");
        out.close();
        out.line("");
        out.javadoc("Writes this value at an offset in a segment; padding becomes zero.", "",
                "@param target the segment", "@param offset where the struct starts in it");
        out.open("public void write(MemorySegment target, long offset)");
        out.line("target.asSlice(offset, BYTE_SIZE).fill((byte) 0);");
    }

    private void equalsHashToString(SourceBuilder out, List<Component> comps) {
        out.line("");
        out.javadoc("Compares the contents, arrays element by element.", "", "@param other any object",
                "@return true for a snapshot with equal contents");
        out.line("@Override");
        out.open("public boolean equals(Object other)");
        List<String> terms = new ArrayList<>();
        for (Component comp : comps) {
            String n = comp.name();
            String t = comp.type();
            if (t.endsWith("[]")) {
                terms.add("Arrays.equals(" + n + ", that." + n + ")");
            } else if (t.equals("List<byte[]>")) {
                terms.add("Arrays.deepEquals(" + n + ".toArray(), that." + n + ".toArray())");
            } else if (t.equals("float")) {
                terms.add("Float.compare(" + n + ", that." + n + ") == 0");
            } else if (t.equals("double")) {
                terms.add("Double.compare(" + n + ", that." + n + ") == 0");
            } else if (isPrimitive(t)) {
                terms.add(n + " == that." + n);
            } else {
                terms.add(n + ".equals(that." + n + ")");
            }
        }
        out.line("return other instanceof Snapshot that" + (terms.isEmpty() ? "" : "\n" + "                    && "
                + String.join("\n                    && ", terms)) + ";");
        out.close();
        out.line("");
        out.javadoc("@return a hash of the contents");
        out.line("@Override");
        out.open("public int hashCode()");
        out.line("int hash = 1;");
        for (Component comp : comps) {
            String n = comp.name();
            String t = comp.type();
            String h;
            if (t.endsWith("[]")) {
                h = "Arrays.hashCode(" + n + ")";
            } else if (t.equals("List<byte[]>")) {
                h = "Arrays.deepHashCode(" + n + ".toArray())";
            } else if (isPrimitive(t)) {
                h = boxedName(t) + ".hashCode(" + n + ")";
            } else {
                h = n + ".hashCode()";
            }
            out.line("hash = 31 * hash + " + h + ";");
        }
        out.line("return hash;");
        out.close();
        out.line("");
        out.javadoc("@return the contents, arrays spelled out");
        out.line("@Override");
        out.open("public String toString()");
        List<String> parts = new ArrayList<>();
        for (Component comp : comps) {
            String n = comp.name();
            String t = comp.type();
            String v = t.endsWith("[]") ? "Arrays.toString(" + n + ")"
                    : t.equals("List<byte[]>") ? "Arrays.deepToString(" + n + ".toArray())" : n;
            parts.add(SourceBuilder.literal(n + "=") + " + " + v);
        }
        out.line("return \"Snapshot[\"" + (parts.isEmpty() ? "" : " + " + String.join(" + \", \" + ", parts)) + " + \"]\";");
        out.close();
    }

    private static String boxedName(String prim) {
        for (Prim p : Prim.values()) {
            if (p.java.equals(prim)) {
                return p.boxed;
            }
        }
        throw new IllegalArgumentException(prim);
    }
}
