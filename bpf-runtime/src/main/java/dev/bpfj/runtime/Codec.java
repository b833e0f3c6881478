package dev.bpfj.runtime;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Converts between a Java value and its fixed-size, native-order byte image in a map key,
 * value or event record. Generated skeleton types provide one per C struct; primitives have the
 * constants below.
 *
 * @param <T> the Java type
 */
public interface Codec<T> {

    /** The size of the C image in bytes. */
    long byteSize();

    /** Reads a value from the start of {@code source} (at least {@link #byteSize()} bytes). */
    T read(MemorySegment source);

    /** Writes {@code value} to the start of {@code target} (at least {@link #byteSize()} bytes). */
    void write(MemorySegment target, T value);

    /** {@code __s8}/{@code __u8}. */
    Codec<Byte> INT8 = new PrimitiveCodec<>(1,
            source -> source.get(ValueLayout.JAVA_BYTE, 0),
            (target, value) -> target.set(ValueLayout.JAVA_BYTE, 0, value));

    /** {@code __s16}/{@code __u16}. */
    Codec<Short> INT16 = new PrimitiveCodec<>(2,
            source -> source.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0),
            (target, value) -> target.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, value));

    /** {@code __s32}/{@code __u32} (read {@code __u32} with {@link Integer#toUnsignedLong}). */
    Codec<Integer> INT32 = new PrimitiveCodec<>(4,
            source -> source.get(ValueLayout.JAVA_INT_UNALIGNED, 0),
            (target, value) -> target.set(ValueLayout.JAVA_INT_UNALIGNED, 0, value));

    /** {@code __s64}/{@code __u64}. */
    Codec<Long> INT64 = new PrimitiveCodec<>(8,
            source -> source.get(ValueLayout.JAVA_LONG_UNALIGNED, 0),
            (target, value) -> target.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, value));

    /** {@code float}. */
    Codec<Float> FLOAT32 = new PrimitiveCodec<>(4,
            source -> source.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0),
            (target, value) -> target.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 0, value));

    /** {@code double}. */
    Codec<Double> FLOAT64 = new PrimitiveCodec<>(8,
            source -> source.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, 0),
            (target, value) -> target.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, value));

    /**
     * Raw bytes of a fixed size: reads copy {@code size} bytes, writes need exactly
     * {@code size} bytes.
     */
    static Codec<byte[]> bytes(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("byte codec size must be positive, got " + size);
        }
        return new PrimitiveCodec<>(size,
                source -> source.asSlice(0, size).toArray(ValueLayout.JAVA_BYTE),
                (target, value) -> {
                    if (value.length != size) {
                        throw new IllegalArgumentException("expected " + size + " bytes, got " + value.length);
                    }
                    MemorySegment.copy(value, 0, target, ValueLayout.JAVA_BYTE, 0, size);
                });
    }

    /** Base of the built-in codecs, which only differ in size and layout; it answers {@link #byteSize()}. */
    abstract class Primitive<T> implements Codec<T> {
        private final long size;

        Primitive(long size) {
            this.size = size;
        }

        @Override
        public long byteSize() {
            return size;
        }
    }
}
