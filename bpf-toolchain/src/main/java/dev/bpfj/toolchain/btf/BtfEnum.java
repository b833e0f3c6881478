package dev.bpfj.toolchain.btf;

import java.util.List;

/**
 * An enum, from either an {@code ENUM} (32-bit values) or an {@code ENUM64} (64-bit values)
 * type; {@link #is64()} tells which.
 *
 * @param id     the type id
 * @param name   the tag name, empty for anonymous enums
 * @param size   the size in bytes (1, 2, 4 or 8)
 * @param signed true when the values are signed (the kind flag)
 * @param values the enumerators in declaration order
 * @param is64   true for an {@code ENUM64} type
 */
public record BtfEnum(int id, String name, int size, boolean signed, List<BtfEnumValue> values, boolean is64)
        implements BtfType {

    /** Copies the value list so the record stays immutable. */
    public BtfEnum {
        values = List.copyOf(values);
    }

    @Override
    public BtfKind kind() {
        return is64 ? BtfKind.ENUM64 : BtfKind.ENUM;
    }
}
