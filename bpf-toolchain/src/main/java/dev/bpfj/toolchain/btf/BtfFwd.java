package dev.bpfj.toolchain.btf;

/**
 * A forward declaration: {@code struct foo;} or {@code union foo;} without a body.
 *
 * @param id      the type id
 * @param name    the tag name
 * @param isUnion true for {@code union}, false for {@code struct}
 */
public record BtfFwd(int id, String name, boolean isUnion) implements BtfType {

    @Override
    public BtfKind kind() {
        return BtfKind.FWD;
    }
}
