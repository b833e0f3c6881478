package dev.bpfj.toolchain.btf;

import java.util.List;
import java.util.Optional;

/**
 * A struct or union.
 *
 * @param id      the type id
 * @param name    the tag name, empty for anonymous structs and unions
 * @param size    the size in bytes
 * @param members the members in declaration order
 * @param isUnion true for a union, false for a struct
 */
public record BtfStruct(int id, String name, int size, List<BtfMember> members, boolean isUnion) implements BtfType {

    /** Copies the member list so the record stays immutable. */
    public BtfStruct {
        members = List.copyOf(members);
    }

    /**
     * Finds a direct member by name (members of anonymous inner structs are not searched).
     *
     * @param memberName the member name
     * @return the member, or empty
     */
    public Optional<BtfMember> member(String memberName) {
        return members.stream().filter(m -> m.name().equals(memberName)).findFirst();
    }

    @Override
    public BtfKind kind() {
        return isUnion ? BtfKind.UNION : BtfKind.STRUCT;
    }
}
