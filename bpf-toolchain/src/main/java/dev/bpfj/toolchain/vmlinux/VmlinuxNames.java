package dev.bpfj.toolchain.vmlinux;

import dev.bpfj.toolchain.btf.Btf;

/**
 * The names {@link VmlinuxHeaderWriter} gives types, for code that refers to the header's types
 * (tests, probes, generated sources): BTF may repeat a name, and the header then writes the
 * second {@code struct foo} as {@code struct foo___2}.
 */
public final class VmlinuxNames {

    private final HeaderEmitter emitter;

    private VmlinuxNames(HeaderEmitter emitter) {
        this.emitter = emitter;
    }

    /**
     * The names a header written from {@code btf} uses.
     *
     * @param btf the BTF
     * @return its names
     */
    public static VmlinuxNames of(Btf btf) {
        return new VmlinuxNames(new HeaderEmitter(btf.table(), new HeaderText(16)));
    }

    /**
     * The C name of a named struct, union, enum, forward declaration or typedef.
     *
     * @param id a type id
     * @return the name as written in the header (without {@code struct}), or null for other types
     * @throws IndexOutOfBoundsException if no type has this id
     */
    public String nameOf(int id) {
        return emitter.nameOf(id);
    }
}
