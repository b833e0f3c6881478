package dev.bpfj.runtime;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.bpfj.runtime.internal.libbpf.EpollWaiter;
import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.LibbpfLog;
import dev.bpfj.runtime.internal.libbpf.Libbpf;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Reads samples from a {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY} map: one perf ring per possible
 * CPU, managed by libbpf's {@code perf_buffer}, with the sample and lost callbacks as FFM
 * upcalls. Counts of samples the kernel dropped because a buffer was full are kept per CPU.
 *
 * <p>{@link #poll} and {@link #consume} call the handlers on the caller's thread. An exception
 * from a handler never escapes into native code: it is kept, the remaining samples of that
 * consume pass are skipped (libbpf cannot stop mid-pass), and poll rethrows it. {@link #close()}
 * is safe from any thread and wakes a blocked poll.
 */
public final class PerfBuffer implements AutoCloseable {

    /** Receives one sample. */
    @FunctionalInterface
    public interface SampleHandler {
        /**
         * Handles a sample.
         *
         * @param cpu  the CPU whose buffer it came from
         * @param data the sample's bytes, valid only during this call
         */
        void onSample(int cpu, MemorySegment data);
    }

    /** Learns about samples the kernel dropped. */
    @FunctionalInterface
    public interface LostHandler {
        /**
         * Reports lost samples.
         *
         * @param cpu   the CPU whose buffer overflowed
         * @param count how many samples were dropped since the last report
         */
        void onLost(int cpu, long count);
    }

    private static final MethodHandle SAMPLE;
    private static final MethodHandle LOST;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SAMPLE = lookup.findVirtual(PerfBuffer.class, "sampleUpcall",
                    MethodType.methodType(void.class, MemorySegment.class, int.class, MemorySegment.class, int.class));
            LOST = lookup.findVirtual(PerfBuffer.class, "lostUpcall",
                    MethodType.methodType(void.class, MemorySegment.class, int.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final BpfMap map;
    private final SampleHandler sampleHandler;
    private final LostHandler lostHandler;
    private final MemorySegment handle;
    private final ReaderGuard guard;
    /** Created once, so that polling allocates nothing. */
    private final ReaderGuard.Pass pass = this::consumePass;
    private final AtomicLongArray lostPerCpu;
    private final AtomicLong lostTotal = new AtomicLong();
    private int handledInPass;
    private Throwable failure;

    @SuppressWarnings("restricted")
    private PerfBuffer(BpfMap map, int pageCount, SampleHandler sampleHandler, LostHandler lostHandler) {
        this.map = map;
        this.sampleHandler = sampleHandler;
        this.lostHandler = lostHandler;
        this.lostPerCpu = new AtomicLongArray(BpfSystem.possibleCpus());
        Arena arena = Arena.ofShared();
        MemorySegment created = MemorySegment.NULL;
        EpollWaiter createdWaiter = null;
        try {
            Linker linker = Linker.nativeLinker();
            MemorySegment sampleStub = linker.upcallStub(SAMPLE.bindTo(this),
                    FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, JAVA_INT), arena);
            MemorySegment lostStub = linker.upcallStub(LOST.bindTo(this),
                    FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_LONG), arena);
            MemorySegment capture = Native.captureSegment(arena);
            try (LibbpfLog.Capture log = LibbpfLog.capture()) {
                created = Libbpf.perf_buffer__new(capture, map.fd(), pageCount, sampleStub, lostStub,
                        MemorySegment.NULL, MemorySegment.NULL);
                if (created.equals(MemorySegment.NULL)) {
                    int errno = Native.errno(capture);
                    throw new BpfException("create perf buffer on map", map.name(), errno,
                            Environment.hintFor(errno), log.lastWarnings(3));
                }
                log.log();
            }
            createdWaiter = new EpollWaiter();
            // libbpf's own epoll set is itself pollable: nest it under ours, next to the wake-up fd.
            createdWaiter.add(Libbpf.perf_buffer__epoll_fd(created), 0);
        } catch (RuntimeException | Error e) {
            if (createdWaiter != null) {
                createdWaiter.close();
            }
            if (!created.equals(MemorySegment.NULL)) {
                Libbpf.perf_buffer__free(created);
            }
            arena.close();
            throw e;
        }
        this.handle = created;
        MemorySegment buffers = created;
        this.guard = new ReaderGuard(createdWaiter, () -> {
            Libbpf.perf_buffer__free(buffers);
            arena.close();
        });
    }

    /** Starts describing a perf buffer reader over {@code perfEventArray}. */
    public static Builder builder(BpfMap perfEventArray) {
        return new Builder(perfEventArray);
    }

    /**
     * Waits up to {@code timeout} for samples and consumes every available one.
     *
     * @param timeout how long to wait when nothing is available; negative waits indefinitely
     * @return the number of samples handled, or -1 when the reader is (or got) closed
     */
    public int poll(Duration timeout) {
        return guard.poll(timeout, pass);
    }

    /**
     * Consumes every available sample without waiting.
     *
     * @return the number of samples handled, or -1 when the reader is closed
     */
    public int consume() {
        return guard.consume(pass);
    }

    private int consumePass() {
        handledInPass = 0;
        failure = null;
        int rc = Libbpf.perf_buffer__consume(handle);
        Throwable thrown = failure;
        failure = null;
        if (thrown instanceof RuntimeException e) {
            throw e;
        }
        if (thrown instanceof Error e) {
            throw e;
        }
        if (rc < 0) {
            throw new BpfException("consume perf buffer of map", map.name(), -rc, null);
        }
        return handledInPass;
    }

    /** The upcall for a sample; never throws. */
    @SuppressWarnings("restricted")
    private void sampleUpcall(MemorySegment context, int cpu, MemorySegment data, int size) {
        if (failure != null) {
            return;
        }
        try {
            handledInPass++;
            sampleHandler.onSample(cpu, data.reinterpret(Integer.toUnsignedLong(size)).asReadOnly());
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** The upcall for lost samples; never throws. */
    private void lostUpcall(MemorySegment context, int cpu, long count) {
        try {
            if (cpu >= 0 && cpu < lostPerCpu.length()) {
                lostPerCpu.addAndGet(cpu, count);
            }
            lostTotal.addAndGet(count);
            if (lostHandler != null && failure == null) {
                lostHandler.onLost(cpu, count);
            }
        } catch (Throwable t) {
            if (failure == null) {
                failure = t;
            }
        }
    }

    /** Samples dropped so far on all CPUs because their buffer was full. */
    public long lostCount() {
        return lostTotal.get();
    }

    /** Samples dropped so far on {@code cpu}. */
    public long lostCount(int cpu) {
        return lostPerCpu.get(cpu);
    }

    /** The number of per-CPU buffers (possible CPUs). */
    public int cpuCount() {
        return lostPerCpu.length();
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return guard.isClosed();
    }

    /** Closes the reader: wakes a blocked poll, waits for it, frees the buffers; idempotent, any thread. */
    @Override
    public void close() {
        guard.close(() -> {
            if (map.object() != null) {
                map.object().unregister(this);
            }
        });
    }

    /** Collects the settings of a {@link PerfBuffer}. */
    public static final class Builder {
        private final BpfMap map;
        private int pageCount = 64;
        private SampleHandler sampleHandler;
        private LostHandler lostHandler;

        private Builder(BpfMap map) {
            this.map = Objects.requireNonNull(map, "map");
            if (map.type() != MapType.PERF_EVENT_ARRAY) {
                throw new IllegalArgumentException("map " + map.name() + " is a " + map.type()
                        + " map; a PerfBuffer reads PERF_EVENT_ARRAY maps (use RingBuffer for RINGBUF)");
            }
        }

        /** Pages per CPU buffer: a power of two (default 64). */
        public Builder pageCount(int pages) {
            if (pages <= 0 || Integer.bitCount(pages) != 1) {
                throw new IllegalArgumentException("perf buffer page count must be a power of two, got " + pages);
            }
            this.pageCount = pages;
            return this;
        }

        /** The handler for samples (required). */
        public Builder onSample(SampleHandler handler) {
            this.sampleHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** The handler for lost-sample reports (optional; counts are kept either way). */
        public Builder onLost(LostHandler handler) {
            this.lostHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Opens the per-CPU buffers and registers the reader with the map's object.
         *
         * @throws IllegalStateException when no sample handler was set or the object is not loaded
         */
        public PerfBuffer build() {
            if (sampleHandler == null) {
                throw new IllegalStateException("PerfBuffer on map " + map.name() + " needs onSample(handler)");
            }
            map.fd();
            PerfBuffer buffer = new PerfBuffer(map, pageCount, sampleHandler, lostHandler);
            if (map.object() != null) {
                try {
                    map.object().register(buffer);
                } catch (RuntimeException e) {
                    buffer.close();
                    throw e;
                }
            }
            return buffer;
        }
    }
}
