package dev.bpfj.toolchain.vmlinux;

import dev.bpfj.toolchain.btf.BtfKind;
import dev.bpfj.toolchain.btf.BtfTable;

/**
 * Decides how each struct and union must be written so that clang, compiling for
 * {@code -target bpf}, gives it exactly the BTF's size and member offsets.
 *
 * <p>BTF keeps offsets but not the {@code packed}/{@code aligned} attributes or zero-width
 * bitfields that produced them. So every record is first laid out the way clang lays out C
 * (System V rules: members at their type's alignment, bitfields never crossing a storage unit of
 * their type, unnamed bitfields not raising the record's alignment); where a member sits later
 * than that, explicit padding bitfields fill the gap; where one sits earlier, or the record ends
 * before its natural size, the record is written {@code packed} and padded explicitly instead.
 * A union larger than its largest member gets the smallest {@code aligned(N)} that reproduces
 * its size. Alignments are those of the header as written (a packed record aligns to 1), so
 * decisions compose through nesting.
 */
final class LayoutPlanner {

    /** How one record is written. */
    record Plan(boolean packed, int alignedAttribute, long[] paddingBefore, long trailingPadding, int alignment,
                String problem) {
    }

    private final BtfTable btf;
    private final Plan[] plans;
    private final int[] alignments;

    /**
     * A planner for the records of {@code btf}.
     *
     * @param btf the BTF
     */
    LayoutPlanner(BtfTable btf) {
        this.btf = btf;
        this.plans = new Plan[btf.typeCount()];
        this.alignments = new int[btf.typeCount()];
    }

    /**
     * The plan of a struct or union, computed once.
     *
     * @param record the record's type id
     * @return how to write it
     */
    Plan plan(int record) {
        Plan plan = plans[record];
        if (plan == null) {
            plan = tryLayout(record, false);
            if (plan == null) {
                plan = tryLayout(record, true);
            }
            if (plan == null) {
                plan = bestEffort(record);
            }
            plans[record] = plan;
        }
        return plan;
    }

    /**
     * The alignment in bytes that clang gives a type as this header writes it.
     *
     * @param id a type id
     * @return the alignment, at least 1
     */
    int alignOf(int id) {
        int cached = alignments[id];
        if (cached != 0) {
            return cached;
        }
        int alignment = computeAlign(id);
        alignments[id] = alignment;
        return alignment;
    }

    private int computeAlign(int id) {
        switch (btf.kind(id)) {
            case INT:
            case FLOAT:
            case ENUM:
            case ENUM64:
                return scalarAlign(btf.size(id));
            case PTR:
                return 8;
            case ARRAY:
                return alignOf(btf.arrayElementType(id));
            case STRUCT:
            case UNION:
                return plan(id).alignment();
            case TYPEDEF:
            case CONST:
            case VOLATILE:
            case RESTRICT:
            case TYPE_TAG:
                return alignOf(btf.typeId(id));
            default:
                // void, forward declarations, functions: never laid out by value in valid BTF.
                return 1;
        }
    }

    private static int scalarAlign(int size) {
        // clang's BPF data layout: integers align to their size up to 8, except __int128 (16).
        if (size >= 16) {
            return 16;
        }
        int alignment = 1;
        while (alignment * 2 <= size && alignment < 8) {
            alignment *= 2;
        }
        return alignment;
    }

    private long sizeBits(int typeId) {
        return btf.hasSize(typeId) ? btf.sizeOf(typeId) * 8 : 0;
    }

    /**
     * Lays the record out with or without {@code packed}; null when that mode cannot reproduce
     * the BTF.
     */
    private Plan tryLayout(int record, boolean packed) {
        int memberCount = btf.vlen(record);
        long[] padding = new long[memberCount];
        long cursor = 0;
        int maxAlign = 1;
        long size = btf.size(record);
        long sizeBits = size * 8L;
        if (btf.kind(record) == BtfKind.UNION) {
            for (int memberIndex = 0; memberIndex < memberCount; memberIndex++) {
                if (btf.memberBitOffset(record, memberIndex) != 0) {
                    return null;
                }
                int memberType = btf.memberType(record, memberIndex);
                int alignment = packed ? 1 : alignOf(memberType);
                maxAlign = Math.max(maxAlign, alignment);
                int bitfieldSize = btf.memberBitfieldSize(record, memberIndex);
                long bits = bitfieldSize != 0 ? bitfieldSize : sizeBits(memberType);
                cursor = Math.max(cursor, bits);
            }
            long maxBytes = (cursor + 7) / 8;
            long natural = alignUp(maxBytes, maxAlign);
            if (size == natural) {
                return new Plan(packed, 0, padding, 0, maxAlign, null);
            }
            if (size < natural) {
                return null;
            }
            // Larger than its members: the union was declared with a bigger alignment.
            for (int candidate = maxAlign * 2; candidate <= 4096; candidate *= 2) {
                if (alignUp(maxBytes, candidate) == size) {
                    return new Plan(packed, candidate, padding, 0, candidate, null);
                }
            }
            if (size % maxAlign == 0) {
                // No alignment explains the size (an empty union, say): a padding member covers it.
                return new Plan(packed, 0, padding, sizeBits, maxAlign, null);
            }
            return null;
        }
        for (int i = 0; i < memberCount; i++) {
            long offset = btf.memberBitOffset(record, i);
            if (offset < cursor) {
                return null;
            }
            int memberType = btf.memberType(record, i);
            int alignment = packed ? 1 : alignOf(memberType);
            long alignBits = alignment * 8L;
            int bitfieldSize = btf.memberBitfieldSize(record, i);
            if (bitfieldSize != 0) {
                long width = bitfieldSize;
                long typeBits = sizeBits(memberType);
                if (typeBits == 0 || width > typeBits) {
                    return null;
                }
                if (bitfieldPlacement(cursor, width, alignBits, typeBits, packed) != offset) {
                    // Needs padding first; the padding ends exactly at offset, from where the
                    // bitfield must then stay put.
                    if (bitfieldPlacement(offset, width, alignBits, typeBits, packed) != offset) {
                        return null;
                    }
                    padding[i] = offset - cursor;
                }
                cursor = offset + width;
            } else {
                if (offset % 8 != 0) {
                    return null;
                }
                long natural = alignUp(cursor, alignBits);
                if (offset < natural || offset % alignBits != 0) {
                    return null;
                }
                if (offset > natural) {
                    padding[i] = offset - cursor;
                }
                cursor = offset + sizeBits(memberType);
            }
            maxAlign = Math.max(maxAlign, alignment);
        }
        if (cursor > sizeBits) {
            return null;
        }
        long natural = alignUp(cursor, maxAlign * 8L);
        if (packed) {
            return new Plan(true, 0, padding, sizeBits - cursor, 1, null);
        }
        if (sizeBits % (maxAlign * 8L) != 0 || sizeBits < natural) {
            return null;
        }
        return new Plan(false, 0, padding, sizeBits > natural ? sizeBits - cursor : 0, maxAlign, null);
    }

    private static long bitfieldPlacement(long cursor, long width, long alignBits, long typeBits, boolean packed) {
        if (packed) {
            return cursor;
        }
        // clang (System V): a bitfield that would cross a storage unit of its type moves to the next one.
        if ((cursor % alignBits) + width > typeBits) {
            return alignUp(cursor, alignBits);
        }
        return cursor;
    }

    /** A record whose BTF no C declaration reproduces (overlapping or out-of-order members). */
    private Plan bestEffort(int record) {
        return new Plan(true, 0, new long[btf.vlen(record)], 0, 1,
                (btf.kind(record) == BtfKind.UNION ? "union " : "struct ")
                        + (btf.isNamed(record) ? btf.name(record) : "(anonymous)")
                        + " (BTF type " + record + "): its member offsets or size cannot be expressed in C;"
                        + " sizes and offsets in the header differ from the BTF");
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }
}
