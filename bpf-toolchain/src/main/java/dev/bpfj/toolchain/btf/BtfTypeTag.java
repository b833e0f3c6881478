package dev.bpfj.toolchain.btf;

/**
 * A type tag, {@code __attribute__((btf_type_tag("name")))}, applied to another type (the kernel
 * uses these for {@code __user}, {@code __rcu} and {@code __percpu} pointers).
 *
 * @param id     the type id
 * @param name   the tag value
 * @param typeId the id of the tagged type
 */
public record BtfTypeTag(int id, String name, int typeId) implements BtfType.Alias {

    @Override
    public BtfKind kind() {
        return BtfKind.TYPE_TAG;
    }
}
