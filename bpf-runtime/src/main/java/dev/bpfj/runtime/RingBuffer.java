package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.EpollWaiter;
import dev.bpfj.runtime.internal.libbpf.Libc;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads records from one or more {@code BPF_MAP_TYPE_RINGBUF} maps.
 *
 * <p>This is a pure-Java consumer of the kernel's ring protocol: the ring is mapped into the
 * process (a writable consumer-position page, then the read-only producer-position page and the
 * data area). The kernel offers the data area twice back to back, so that a record that wraps
 * around the end is contiguous; this reader maps it once and copies the rare wrapping record into
 * a scratch segment instead, because every mapped page counts in the process's resident memory
 * from the start (the kernel maps them all at {@code mmap}): a 4 MiB ring costs 4 MiB, not 8. Each
 * record starts with an 8-byte header whose length word carries a BUSY bit (still being written)
 * and a DISCARD bit; positions are read with acquire and published with release semantics, as
 * the kernel's producer expects. Waiting uses epoll on the map fds. Measured against libbpf's
 * {@code ring_buffer__consume} with an FFM upcall per record, this avoids one native-to-Java
 * transition per record (see the runtime's report for numbers).
 *
 * <p>{@link #poll} and {@link #consume} run on the caller's thread and call the handlers there;
 * {@link #close()} may be called from any thread and wakes a blocked poll. A handler exception
 * stops consumption (the failing record counts as consumed) and is rethrown by poll.
 */
public final class RingBuffer implements AutoCloseable {

    /** Receives one record. */
    @FunctionalInterface
    public interface RecordHandler {
        /**
         * Handles a record.
         *
         * @param record the record's bytes, read-only, valid only during this call
         */
        void onRecord(MemorySegment record);
    }

    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final int HEADER_SIZE = 8;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final Ring[] rings;
    private final Set<BpfObject> owners;
    private final ReaderGuard guard;
    /** Created once, so that polling allocates nothing. */
    private final ReaderGuard.Pass pass = this::consumeRings;

    private RingBuffer(List<BpfMap> maps, List<RecordHandler> handlers) {
        Arena arena = Arena.ofShared();
        this.owners = new LinkedHashSet<>();
        EpollWaiter createdWaiter = null;
        try {
            createdWaiter = new EpollWaiter();
            long pageSize = Libc.getpagesize();
            rings = new Ring[maps.size()];
            for (int i = 0; i < rings.length; i++) {
                BpfMap map = maps.get(i);
                // Held open while its fd is used: a racing close cannot hand us another map's pages.
                int mapFd = map.enterFd();
                try {
                    rings[i] = new Ring(map, mapFd, handlers.get(i), arena, pageSize);
                    createdWaiter.add(mapFd, i);
                } finally {
                    map.exitFd();
                }
            }
        } catch (RuntimeException | Error e) {
            if (createdWaiter != null) {
                createdWaiter.close();
            }
            arena.close();
            throw e;
        }
        this.guard = new ReaderGuard(createdWaiter, arena::close);
        for (BpfMap map : maps) {
            if (map.object() != null) {
                owners.add(map.object());
            }
        }
    }

    /** Starts describing a ring buffer reader. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Waits up to {@code timeout} for records and consumes every available one.
     *
     * @param timeout how long to wait when nothing is available; negative waits indefinitely
     * @return the number of records handled, or -1 when the reader is (or got) closed
     */
    public int poll(Duration timeout) {
        return guard.poll(timeout, pass);
    }

    /**
     * Consumes every available record without waiting.
     *
     * @return the number of records handled, or -1 when the reader is closed
     */
    public int consume() {
        return guard.consume(pass);
    }

    private int consumeRings() {
        int handled = 0;
        for (Ring ring : rings) {
            handled += ring.consume(guard);
            if (guard.isClosed()) {
                break;
            }
        }
        return handled;
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return guard.isClosed();
    }

    /**
     * Closes the reader: wakes a blocked poll, waits for it to leave, unmaps the rings; safe from
     * any thread (and from a handler) and idempotent.
     */
    @Override
    public void close() {
        guard.close(() -> {
            for (BpfObject owner : owners) {
                owner.unregister(this);
            }
        });
    }

    /** One mapped ring and its handler. */
    private static final class Ring {
        private final RecordHandler handler;
        private final MemorySegment consumerPosition;
        private final MemorySegment producerPosition;
        private final MemorySegment data;
        private final long mask;
        private final Arena arena;
        /** Where a record that runs past the end of the data area is made contiguous; grown on demand. */
        private MemorySegment wrapped = MemorySegment.NULL;

        @SuppressWarnings("restricted")
        Ring(BpfMap map, int mapFd, RecordHandler handler, Arena arena, long pageSize) {
            this.handler = handler;
            this.arena = arena;
            long size = Integer.toUnsignedLong(map.maxEntries());
            this.mask = size - 1;
            try (Arena local = Arena.ofConfined()) {
                MemorySegment capture = Native.captureSegment(local);
                MemorySegment consumer = Libc.mmap(capture, MemorySegment.NULL, pageSize,
                        Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, mapFd, 0);
                if (consumer.address() == -1L) {
                    throw new BpfException("map the consumer page of ring buffer", map.name(), Native.errno(capture), null);
                }
                this.consumerPosition = consumer.reinterpret(pageSize, arena, s -> unmap(s, pageSize));
                long producerLength = pageSize + size;
                MemorySegment producer = Libc.mmap(capture, MemorySegment.NULL, producerLength,
                        Libc.PROT_READ, Libc.MAP_SHARED, mapFd, pageSize);
                if (producer.address() == -1L) {
                    throw new BpfException("map the data pages of ring buffer", map.name(), Native.errno(capture), null);
                }
                MemorySegment mapped = producer.reinterpret(producerLength, arena, s -> unmap(s, producerLength))
                        .asReadOnly();
                this.producerPosition = mapped.asSlice(0, pageSize);
                this.data = mapped.asSlice(pageSize, size);
            }
        }

        /** Consumes what the producer has committed; publishes the position after each record. */
        int consume(ReaderGuard guard) {
            int handled = 0;
            long consumer = (long) LONG.getAcquire(consumerPosition, 0L);
            while (true) {
                long producer = (long) LONG.getAcquire(producerPosition, 0L);
                if (consumer >= producer) {
                    return handled;
                }
                while (consumer < producer) {
                    long offset = consumer & mask;
                    int header = (int) INT.getAcquire(data, offset);
                    if ((header & BUSY) != 0) {
                        // The producer reserved this record but has not committed it yet.
                        return handled;
                    }
                    int length = header & ~(BUSY | DISCARD);
                    consumer += (length + HEADER_SIZE + 7L) & ~7L;
                    try {
                        if ((header & DISCARD) == 0) {
                            handled++;
                            handler.onRecord(record(offset + HEADER_SIZE, length));
                        }
                    } finally {
                        LONG.setRelease(consumerPosition, 0L, consumer);
                    }
                    if (guard.isClosed()) {
                        return handled;
                    }
                }
            }
        }

        /**
         * The record at {@code start} (past its header): a view into the ring, or a copy when it
         * runs past the end of the data area and continues at its start.
         */
        private MemorySegment record(long start, int length) {
            long size = data.byteSize();
            if (start + length <= size) {
                return data.asSlice(start, length);
            }
            if (wrapped.byteSize() < length) {
                // Native, like the ring, so a handler may hand it to native code as it would a view.
                wrapped = arena.allocate(Math.max(length, Math.min(2 * wrapped.byteSize(), size)), 8);
            }
            long first = Math.max(0, size - start);
            MemorySegment.copy(data, start & mask, wrapped, 0, first);
            MemorySegment.copy(data, (start + first) & mask, wrapped, first, length - first);
            return wrapped.asSlice(0, length).asReadOnly();
        }

        private static void unmap(MemorySegment segment, long length) {
            try (Arena local = Arena.ofConfined()) {
                Libc.munmap(Native.captureSegment(local), segment, length);
            }
        }
    }

    /** Collects the maps and handlers of a {@link RingBuffer}. */
    public static final class Builder {
        private final List<BpfMap> maps = new ArrayList<>();
        private final List<RecordHandler> handlers = new ArrayList<>();

        private Builder() {
        }

        /** Adds a ring-buffer map and the handler for its records. */
        public Builder add(BpfMap map, RecordHandler handler) {
            Objects.requireNonNull(map, "map");
            Objects.requireNonNull(handler, "handler");
            if (map.type() != MapType.RINGBUF) {
                throw new IllegalArgumentException("map " + map.name() + " is a " + map.type()
                        + " map; a RingBuffer reads RINGBUF maps (use PerfBuffer for PERF_EVENT_ARRAY)");
            }
            maps.add(map);
            handlers.add(handler);
            return this;
        }

        /** Adds a ring-buffer map whose records {@code codec} decodes before {@code consumer} sees them. */
        public <T> Builder add(BpfMap map, Codec<T> codec, Consumer<? super T> consumer) {
            Objects.requireNonNull(codec, "codec");
            Objects.requireNonNull(consumer, "consumer");
            return add(map, record -> {
                if (record.byteSize() < codec.byteSize()) {
                    throw new IllegalArgumentException("record of " + record.byteSize() + " bytes from ring buffer "
                            + map.name() + " is smaller than the " + codec.byteSize() + " bytes the codec reads");
                }
                consumer.accept(codec.read(record));
            });
        }

        /**
         * Maps the rings and registers the reader with the maps' objects (which close it when they close).
         *
         * @throws IllegalStateException when a map's object is not loaded
         */
        public RingBuffer build() {
            if (maps.isEmpty()) {
                throw new IllegalStateException("a RingBuffer needs at least one map: call add(map, handler)");
            }
            for (BpfMap map : maps) {
                map.fd();
            }
            RingBuffer ringBuffer = new RingBuffer(List.copyOf(maps), List.copyOf(handlers));
            try {
                for (BpfObject owner : ringBuffer.owners) {
                    owner.register(ringBuffer);
                }
            } catch (RuntimeException e) {
                ringBuffer.close();
                throw e;
            }
            return ringBuffer;
        }
    }
}
