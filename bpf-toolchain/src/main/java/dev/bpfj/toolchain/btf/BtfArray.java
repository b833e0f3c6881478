package dev.bpfj.toolchain.btf;

/**
 * An array. Multi-dimensional C arrays are arrays of arrays: {@code int a[2][3]} is an array of
 * 2 elements whose element type is an array of 3 ints.
 *
 * @param id        the type id
 * @param elemType  the id of the element type
 * @param indexType the id of the index type (an integer type)
 * @param count     the number of elements (0 for flexible array members)
 */
public record BtfArray(int id, int elemType, int indexType, long count) implements BtfType {

    @Override
    public String name() {
        return "";
    }

    @Override
    public BtfKind kind() {
        return BtfKind.ARRAY;
    }
}
