package dev.bpfj.toolchain.skeleton;

import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.btf.BtfArray;
import dev.bpfj.toolchain.btf.BtfEnum;
import dev.bpfj.toolchain.btf.BtfFloat;
import dev.bpfj.toolchain.btf.BtfInt;
import dev.bpfj.toolchain.btf.BtfMember;
import dev.bpfj.toolchain.btf.BtfPtr;
import dev.bpfj.toolchain.btf.BtfStruct;
import dev.bpfj.toolchain.btf.BtfType;
import dev.bpfj.toolchain.btf.BtfTypedef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides the Java shape of every BTF type the skeleton touches and collects the structs,
 * unions and enums that get a generated class, with their Java names.
 *
 * <p>Types are registered in the order the generator meets them (maps, globals, programs,
 * extra types), which makes the names deterministic; they are emitted sorted by Java name.
 */
final class TypeModel {

    /** A struct whose view would have more accessors than this is generated as raw bytes. */
    static final int MAX_FIELDS = 1000;
    /** Method parameter slots Java allows (a record's canonical constructor must fit). */
    static final int MAX_SLOTS = 254;

    /**
     * One accessor of a generated view: a C member, with anonymous members flattened into their parent.
     *
     * @param cName     the C member name (dotted path for members of anonymous members is not needed:
     *                  C reaches them by their own name)
     * @param javaName  the accessor name
     * @param offset    byte offset from the start of the view's struct
     * @param shape     the Java shape
     * @param bitOffset for bitfields, the bit offset from the start of the struct; -1 otherwise
     * @param bitSize   for bitfields, the width in bits; 0 otherwise
     * @param cDecl     the C declaration, for the Javadoc
     */
    record Field(String cName, String javaName, long offset, Shape shape, long bitOffset, int bitSize, String cDecl) {
        boolean isBitfield() {
            return bitSize > 0;
        }
    }

    /**
     * A generated struct or union view.
     *
     * @param btfId    the struct's BTF id
     * @param javaName the class name
     * @param cName    how C spells it ({@code struct event})
     * @param size     its size
     * @param fields   the accessors (empty when opaque)
     * @param opaque   true when too big to map field by field: raw bytes only
     * @param union    true for a union
     */
    record StructType(int btfId, String javaName, String cName, long size, List<Field> fields, boolean opaque,
            boolean union) {
    }

    /**
     * A generated enum constants class.
     *
     * @param btfId    the enum's BTF id
     * @param javaName the class name
     * @param btfEnum  the enum
     */
    record EnumType(int btfId, String javaName, BtfEnum btfEnum) {
    }

    private final Btf btf;
    private final JavaNames.Scope classNames;
    private final Map<Integer, StructType> structs = new LinkedHashMap<>();
    private final Map<Integer, String> structNames = new LinkedHashMap<>();
    private final Map<Integer, EnumType> enums = new LinkedHashMap<>();

    /**
     * Creates an empty model.
     *
     * @param btf        the object's BTF
     * @param classNames the skeleton's nested class names, with the fixed ones already claimed
     */
    TypeModel(Btf btf, JavaNames.Scope classNames) {
        this.btf = btf;
        this.classNames = classNames;
    }

    /** @return the generated structs and unions */
    List<StructType> structs() {
        return List.copyOf(structs.values());
    }

    /** @return the generated enums */
    List<EnumType> enums() {
        return List.copyOf(enums.values());
    }

    /** The largest type the skeleton maps: what a Java array can hold. */
    static final long MAX_JAVA_SIZE = Integer.MAX_VALUE - 8;

    /**
     * The Java shape of a type, registering the classes it needs.
     *
     * @param typeId   a BTF type id (typedefs and qualifiers are followed)
     * @param nameHint a C-ish name to derive a class name from when the struct is anonymous
     * @return the shape
     * @throws IllegalArgumentException for a type larger than {@link #MAX_JAVA_SIZE}
     */
    Shape shapeOf(int typeId, String nameHint) {
        String hint = nameHint;
        BtfType type = btf.type(typeId);
        while (type instanceof BtfType.Alias alias) {
            if (type instanceof BtfTypedef typedef && !typedef.name().isEmpty()) {
                hint = typedef.name();
            }
            type = btf.type(alias.typeId());
        }
        if (btf.hasSize(type.id()) && btf.sizeOf(type.id()) > MAX_JAVA_SIZE) {
            // Java arrays and the snapshot records' byte[] stop short of 2 GiB; no map value or
            // global of this size can exist in the kernel either.
            throw new IllegalArgumentException(btf.describe(type.id()) + " (used by " + nameHint + ") is "
                    + btf.sizeOf(type.id()) + " bytes, more than a Java array can hold");
        }
        if (type instanceof BtfInt i) {
            if (i.isBool() && i.size() == 1) {
                return new Shape.Scalar(Prim.BOOLEAN, false, null, false);
            }
            if (i.size() == 16) {
                return new Shape.Int128(i.isSigned());
            }
            Prim prim = Prim.ofIntSize(i.size());
            if (prim == null || i.bits() != i.size() * 8 || i.offset() != 0) {
                return new Shape.Raw(i.size(), "C type " + i.name() + " has no Java primitive of its size");
            }
            return new Shape.Scalar(prim, !i.isSigned() && !i.isChar(), null, false);
        }
        if (type instanceof BtfPtr) {
            return new Shape.Scalar(Prim.LONG, true, null, true);
        }
        if (type instanceof BtfEnum e) {
            Prim prim = Prim.ofIntSize(e.size());
            if (prim == null) {
                return new Shape.Raw(e.size(), "enum of " + e.size() + " bytes has no Java primitive");
            }
            String enumClass = e.name().isEmpty() ? null : enumClass(e);
            return new Shape.Scalar(prim, !e.signed(), enumClass, false);
        }
        if (type instanceof BtfFloat f) {
            if (f.size() == 4) {
                return new Shape.Scalar(Prim.FLOAT, false, null, false);
            }
            if (f.size() == 8) {
                return new Shape.Scalar(Prim.DOUBLE, false, null, false);
            }
            return new Shape.Raw(f.size(), f.name() + " (" + f.size() + "-byte float) has no Java primitive");
        }
        if (type instanceof BtfArray array) {
            return arrayShape(array, hint);
        }
        if (type instanceof BtfStruct s) {
            return new Shape.Struct(structClass(s, hint), s.size());
        }
        long size = btf.hasSize(type.id()) ? btf.sizeOf(type.id()) : 0;
        return new Shape.Raw(size, btf.describe(type.id()) + " has no Java mapping");
    }

    private Shape arrayShape(BtfArray array, String hint) {
        List<Long> dims = new ArrayList<>();
        BtfType element = array;
        while (element instanceof BtfArray a) {
            dims.add(a.count());
            element = btf.resolve(a.elemType());
        }
        Shape elementShape = shapeOf(element.id(), hint);
        if (dims.size() == 1 && element instanceof BtfInt i && i.size() == 1 && (i.isChar() || i.name().contains("char"))) {
            return new Shape.Chars(dims.get(0));
        }
        if (elementShape instanceof Shape.Int128 || elementShape instanceof Shape.Chars) {
            return new Shape.Raw(btf.sizeOf(array.id()), "array of " + btf.describe(element.id()) + " is mapped as raw bytes");
        }
        if (elementShape.size() == 0 || dims.contains(0L)) {
            // A flexible array member: its length is the record's, known only at run time.
            return new Shape.Raw(0, "flexible array member " + btf.describe(array.id())
                    + ": the bytes from its offset to the end of the segment");
        }
        return new Shape.Array(List.copyOf(dims), elementShape);
    }

    private String enumClass(BtfEnum e) {
        EnumType existing = enums.get(e.id());
        if (existing != null) {
            return existing.javaName();
        }
        String name = classNames.claim(JavaNames.upperCamel(e.name()));
        enums.put(e.id(), new EnumType(e.id(), name, e));
        return name;
    }

    /**
     * The view class of a struct or union, generating it (and what it contains) on first use.
     *
     * @param s    the struct
     * @param hint the name to use if it is anonymous
     * @return the class name
     */
    String structClass(BtfStruct s, String hint) {
        String existing = structNames.get(s.id());
        if (existing != null) {
            return existing;
        }
        String cName = s.name().isEmpty() ? hint : s.name();
        String name = classNames.claim(JavaNames.upperCamel(cName));
        structNames.put(s.id(), name);
        boolean opaque = countFields(s, 0) > MAX_FIELDS;
        // A struct with too many fields for one record keeps its accessors; only its snapshot is raw bytes.
        List<Field> fields = opaque ? List.of() : fields(s, name);
        String spelled = (s.isUnion() ? "union " : "struct ") + (s.name().isEmpty() ? "(anonymous, " + hint + ")" : s.name());
        structs.put(s.id(), new StructType(s.id(), name, spelled, s.size(), fields, opaque, s.isUnion()));
        return name;
    }

    private int countFields(BtfStruct s, int depth) {
        if (depth > 16) {
            return MAX_FIELDS + 1;
        }
        int n = 0;
        for (BtfMember m : s.members()) {
            BtfType t = btf.resolve(m.typeId());
            if (m.name().isEmpty() && t instanceof BtfStruct inner) {
                n += countFields(inner, depth + 1);
            } else {
                n++;
            }
        }
        return n;
    }

    /**
     * The record slots a struct's snapshot needs ({@code long} and {@code double} take two).
     *
     * @param fields the view's fields
     * @return the slot count
     */
    static int slots(List<Field> fields) {
        int n = 0;
        for (Field f : fields) {
            n += f.shape() instanceof Shape.Scalar s && (s.prim() == Prim.LONG || s.prim() == Prim.DOUBLE) ? 2 : 1;
        }
        return n;
    }

    private List<Field> fields(BtfStruct s, String className) {
        JavaNames.Scope scope = new JavaNames.Scope(StructEmitter.RESERVED);
        List<Field> out = new ArrayList<>();
        collect(s, 0, className, scope, out);
        return List.copyOf(out);
    }

    private void collect(BtfStruct s, long baseBits, String className, JavaNames.Scope scope, List<Field> out) {
        int anonymous = 0;
        for (BtfMember m : s.members()) {
            long bitOffset = baseBits + m.bitOffset();
            BtfType type = btf.resolve(m.typeId());
            if (m.name().isEmpty() && type instanceof BtfStruct inner && !m.isBitfield()) {
                // C reaches the members of an anonymous struct or union as if they were the parent's.
                collect(inner, bitOffset, className, scope, out);
                continue;
            }
            String cName = m.name().isEmpty() ? "anon" + (anonymous++) : m.name();
            String decl = declaration(m.typeId(), cName) + (m.isBitfield() ? " : " + m.bitfieldSize() : "");
            if (m.isBitfield()) {
                Shape shape = shapeOf(m.typeId(), cName);
                Shape bitShape = shape instanceof Shape.Scalar sc ? sc
                        : new Shape.Scalar(m.bitfieldSize() > 32 ? Prim.LONG : Prim.INT, true, null, false);
                if (bitShape instanceof Shape.Scalar sc && (sc.prim() == Prim.FLOAT || sc.prim() == Prim.DOUBLE)) {
                    bitShape = new Shape.Scalar(Prim.LONG, true, null, false);
                }
                String javaName = scope.claim(JavaNames.lowerCamel(cName), suffixes(bitShape));
                out.add(new Field(cName, javaName, bitOffset / 8, bitShape, bitOffset, m.bitfieldSize(), decl));
                continue;
            }
            Shape shape = shapeOf(m.typeId(), className + "_" + cName);
            if (bitOffset % 8 != 0) {
                shape = new Shape.Raw(shape.size(), "member is not byte aligned");
            }
            String javaName = scope.claim(JavaNames.lowerCamel(cName), suffixes(shape));
            out.add(new Field(cName, javaName, bitOffset / 8, shape, -1, 0, decl));
        }
    }

    /**
     * The derived accessor names a shape generates next to its base name.
     *
     * @param shape a shape
     * @return suffixes such as {@code Bytes} or {@code Unsigned}
     */
    static List<String> suffixes(Shape shape) {
        if (shape instanceof Shape.Chars) {
            return List.of("Bytes");
        }
        if (shape instanceof Shape.Int128) {
            return List.of("Low", "High");
        }
        if (shape instanceof Shape.Scalar s && s.unsigned() && s.prim() != Prim.LONG && s.prim().isInteger()) {
            return List.of("Unsigned");
        }
        return List.of();
    }

    /**
     * A C declaration of a name with a type, for Javadoc: {@code const volatile __u32 targ_pid},
     * {@code int matrix[2][3]}.
     *
     * @param typeId the type
     * @param name   the declared name
     * @return the declaration
     */
    String declaration(int typeId, String name) {
        String type = btf.describe(typeId);
        int bracket = type.indexOf('[');
        if (bracket >= 0) {
            return type.substring(0, bracket) + " " + name + type.substring(bracket);
        }
        return type.endsWith("*") ? type + name : type + " " + name;
    }
}
