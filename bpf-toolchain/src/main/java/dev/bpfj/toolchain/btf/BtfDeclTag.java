package dev.bpfj.toolchain.btf;

/**
 * A declaration tag, {@code __attribute__((btf_decl_tag("name")))}, attached to a type, a
 * variable, a function, or one member/parameter of it.
 *
 * @param id           the type id
 * @param name         the tag value
 * @param typeId       the id of the tagged struct, union, variable, typedef or function
 * @param componentIdx the index of the tagged member or parameter, or -1 when the tag applies to
 *                     the whole declaration
 */
public record BtfDeclTag(int id, String name, int typeId, int componentIdx) implements BtfType {

    @Override
    public BtfKind kind() {
        return BtfKind.DECL_TAG;
    }
}
