package dev.bpfj.toolchain.skeleton;

import java.util.List;

/** How a C type appears in Java: what the generator decided for one field, variable, key or value. */
sealed interface Shape {

    /** @return the C size in bytes */
    long size();

    /**
     * A C scalar as a Java primitive.
     *
     * @param prim      the primitive
     * @param unsigned  whether C reads it as unsigned (the generator adds unsigned helpers)
     * @param enumClass the generated constants class of its C enum, or null
     * @param pointer   whether it is a C pointer (an address in the BPF program's address space)
     */
    record Scalar(Prim prim, boolean unsigned, String enumClass, boolean pointer) implements Shape {
        @Override
        public long size() {
            return prim.size;
        }
    }

    /**
     * A 128-bit integer: raw bytes plus low and high halves.
     *
     * @param signed whether it is {@code __int128} rather than {@code unsigned __int128}
     */
    record Int128(boolean signed) implements Shape {
        @Override
        public long size() {
            return 16;
        }
    }

    /**
     * A one-dimensional {@code char} array: a NUL-terminated string plus its raw bytes.
     *
     * @param count the number of elements (0 for a flexible array member: up to the record's end)
     */
    record Chars(long count) implements Shape {
        @Override
        public long size() {
            return count;
        }
    }

    /**
     * A fixed array, possibly multi-dimensional, of scalars, structs or raw elements.
     *
     * @param dims    the dimensions, outermost first (0 for a flexible array member)
     * @param element the element shape (never an array)
     */
    record Array(List<Long> dims, Shape element) implements Shape {
        @Override
        public long size() {
            long n = element.size();
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        /** @return the number of elements of all dimensions together */
        long count() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }

    /**
     * A struct or union with a generated view class.
     *
     * @param javaName the view class
     * @param size     its size
     */
    record Struct(String javaName, long size) implements Shape {
    }

    /**
     * Bytes the generator cannot map to anything better; the accessor says why.
     *
     * @param size   the size
     * @param reason why, for the Javadoc
     */
    record Raw(long size, String reason) implements Shape {
    }
}
