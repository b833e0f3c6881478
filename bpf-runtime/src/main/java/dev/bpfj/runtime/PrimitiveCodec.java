package dev.bpfj.runtime;

import java.lang.foreign.MemorySegment;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A built-in {@link Codec} given by its size and a read and a write function: the primitive
 * codecs differ in nothing else.
 *
 * @param <T> the Java type
 */
final class PrimitiveCodec<T> extends Codec.Primitive<T> {

    private final Function<MemorySegment, T> reader;
    private final BiConsumer<MemorySegment, T> writer;

    PrimitiveCodec(long size, Function<MemorySegment, T> reader, BiConsumer<MemorySegment, T> writer) {
        super(size);
        this.reader = reader;
        this.writer = writer;
    }

    @Override
    public T read(MemorySegment source) {
        return reader.apply(source);
    }

    @Override
    public void write(MemorySegment target, T value) {
        writer.accept(target, value);
    }
}
