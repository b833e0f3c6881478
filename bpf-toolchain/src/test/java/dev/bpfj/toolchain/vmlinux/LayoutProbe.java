package dev.bpfj.toolchain.vmlinux;

import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.btf.BtfKind;
import dev.bpfj.toolchain.btf.BtfMember;
import dev.bpfj.toolchain.btf.BtfStruct;
import dev.bpfj.toolchain.btf.BtfType;
import java.util.function.IntPredicate;

/**
 * Writes a C file of {@code _Static_assert}s saying what the BTF says about every record and
 * typedef: {@code sizeof} of each, and {@code offsetof} of each named non-bitfield member
 * (members of anonymous records included, at their offset in the outer record). Compiled after
 * a header, clang checks that the header reproduces the BTF's layout. Each failure names the
 * type and member, and {@code -ferror-limit=0} makes clang report every one.
 */
final class LayoutProbe {

    private final Btf btf;
    private final VmlinuxNames names;
    private final StringBuilder out = new StringBuilder();
    private int assertions;

    LayoutProbe(Btf btf) {
        this.btf = btf;
        this.names = VmlinuxNames.of(btf);
    }

    /**
     * Appends the assertions for every named record and typedef that {@code include} accepts.
     *
     * @param include type ids to check
     * @return this probe
     */
    LayoutProbe addAll(IntPredicate include) {
        for (BtfType type : btf.types()) {
            if (!include.test(type.id()) || type.name().isEmpty()) {
                continue;
            }
            if (type instanceof BtfStruct) {
                BtfStruct record = (BtfStruct) type;
                String spelled = (record.isUnion() ? "union " : "struct ") + names.nameOf(record.id());
                size(spelled, record.size());
                members(spelled, record, 0);
            } else if (type.kind() == BtfKind.TYPEDEF && btf.hasSize(type.id())
                    && !type.name().startsWith("__builtin_")) {
                size(names.nameOf(type.id()), btf.sizeOf(type.id()));
            }
        }
        return this;
    }

    private void size(String spelled, long size) {
        out.append("_Static_assert(sizeof(").append(spelled).append(") == ").append(size).append(", \"sizeof(")
                .append(spelled).append(")\");\n");
        assertions++;
    }

    private void members(String spelled, BtfStruct record, long baseBits) {
        for (BtfMember member : record.members()) {
            long bits = baseBits + member.bitOffset();
            if (member.name().isEmpty()) {
                BtfType inner = btf.resolve(member.typeId());
                if (inner instanceof BtfStruct && inner.name().isEmpty()) {
                    members(spelled, (BtfStruct) inner, bits);
                }
            } else if (!member.isBitfield()) {
                out.append("_Static_assert(__builtin_offsetof(").append(spelled).append(", ").append(member.name())
                        .append(") == ").append(bits / 8).append(", \"offsetof(").append(spelled).append(", ")
                        .append(member.name()).append(")\");\n");
                assertions++;
            }
        }
    }

    /** @return how many assertions the probe makes */
    int assertions() {
        return assertions;
    }

    /** @return the probe's C text */
    String text() {
        return out.toString();
    }
}
