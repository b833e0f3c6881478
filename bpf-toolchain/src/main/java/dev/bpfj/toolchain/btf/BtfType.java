package dev.bpfj.toolchain.btf;

/**
 * One BTF type. There is one record per kind; every type knows its id (its index in
 * {@link Btf#types()}, where id 0 is {@link BtfVoid}) and its name (empty for anonymous types
 * and for kinds that have no name, such as pointers).
 */
public sealed interface BtfType permits BtfType.Reference, BtfVoid, BtfInt, BtfArray, BtfStruct, BtfEnum, BtfFwd,
        BtfFunc, BtfFuncProto, BtfVar, BtfDatasec, BtfFloat, BtfDeclTag {

    /** @return this type's id */
    int id();

    /** @return this type's name, empty when it has none */
    String name();

    /** @return this type's kind */
    BtfKind kind();

    /**
     * A type that only refers to another one: pointer, typedef, qualifiers and type tags.
     */
    sealed interface Reference extends BtfType permits BtfPtr, Alias {
        /** @return the id of the type referred to */
        int typeId();
    }

    /**
     * A type that {@link Btf#resolve(int)} looks through: typedefs, {@code const}, {@code volatile},
     * {@code restrict} and type tags.
     */
    sealed interface Alias extends Reference permits BtfTypedef, BtfVolatile, BtfConst, BtfRestrict, BtfTypeTag {
    }
}
