package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.EpollWaiter;
import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.FdLifetime;
import dev.bpfj.runtime.internal.libbpf.LibbpfLog;
import dev.bpfj.runtime.internal.libbpf.Libbpf;
import dev.bpfj.runtime.internal.libbpf.Libc;
import dev.bpfj.runtime.internal.libbpf.Native;
import dev.bpfj.runtime.internal.libbpf.PerfEvents;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Reads samples from a {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY} map: one perf ring per online CPU.
 * libbpf's {@code perf_buffer} sets the rings up (a perf event per CPU, its mmap'd ring, the map
 * slot pointing at it); this class waits on those perf events and reads the records in Java,
 * straight from the mapped rings: each ring starts with the kernel's {@code perf_event_mmap_page}, whose
 * {@code data_head} is read with acquire semantics and whose {@code data_tail} is published with
 * release semantics once a pass has read the ring, and records are {@code PERF_RECORD_SAMPLE}
 * (the raw bytes the program wrote) or {@code PERF_RECORD_LOST} (how many samples the kernel
 * dropped because the ring was full). A record that wraps around the end of the ring is copied
 * into one contiguous buffer. There is no native-to-Java transition per sample, and a handler's
 * exception leaves the samples after it in the ring (libbpf's consume pass cannot stop, so they
 * were dropped). In CPU per sample it measured the same as libbpf's {@code perf_buffer__consume}
 * with an FFM upcall, within 5%: the wake-ups dominate.
 *
 * <p>{@link #poll} and {@link #consume} call the handlers on the caller's thread. An exception
 * from a handler stops the pass and is rethrown by poll; the failing sample counts as consumed,
 * the ones after it stay for the next call. {@link #close()} is safe from any thread and wakes a
 * blocked poll.
 *
 * <p>Wake-ups: by default the kernel wakes a waiting poll for every sample, which is most of a
 * busy reader's cost. {@link Builder#wakeupEvents(int) wakeupEvents(n)} asks it to wake the
 * reader once per {@code n} samples per CPU instead; samples that do not reach the threshold are
 * still read when the poll's timeout ends (a poll always reads the rings after waiting), so their
 * latency is bounded by the timeout the caller passes to {@link #poll}. A reader that must see
 * every sample at once keeps the default of 1.
 */
public final class PerfBuffer implements AutoCloseable {

    /** Receives one sample. */
    @FunctionalInterface
    public interface SampleHandler {
        /**
         * Handles a sample.
         *
         * @param cpu  the CPU whose buffer it came from
         * @param data the sample's bytes (as the kernel sized them, padded to 8 bytes with the
         *             size word), read-only, valid only during this call
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

    /** {@code perf_event_mmap_page}: where the kernel's write position and the reader's position are. */
    private static final long DATA_HEAD = 1024;
    private static final long DATA_TAIL = 1032;
    private static final int RECORD_LOST = 2;
    private static final int RECORD_SAMPLE = 9;
    /** {@code struct perf_event_header}: u32 type, u16 misc, u16 size. */
    private static final int HEADER_SIZE = 8;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT;

    private final BpfMap map;
    private final SampleHandler sampleHandler;
    private final LostHandler lostHandler;
    private final CpuRing[] rings;
    /** The perf event of each ring (libbpf owns them). */
    private final int[] eventFds;
    private final ReaderGuard guard;
    /** Created once, so that polling allocates nothing. */
    private final ReaderGuard.Pass pass = this::consumeRings;
    private final AtomicLongArray lostPerCpu;
    private final AtomicLong lostTotal = new AtomicLong();
    /**
     * Where a record that wraps around the end of its ring is made contiguous; grows as needed.
     * Backed by longs so that it is 8-byte aligned, as the ring is.
     */
    private MemorySegment wrapped = MemorySegment.ofArray(new long[32]);

    @SuppressWarnings("restricted")
    private PerfBuffer(BpfMap map, int pageCount, int wakeupEvents, SampleHandler sampleHandler,
            LostHandler lostHandler) {
        this.map = map;
        this.sampleHandler = sampleHandler;
        this.lostHandler = lostHandler;
        this.lostPerCpu = new AtomicLongArray(BpfSystem.possibleCpus());
        MemorySegment created = MemorySegment.NULL;
        EpollWaiter createdWaiter = null;
        int ownFd = -1;
        try (Arena local = Arena.ofConfined()) {
            MemorySegment capture = Native.captureSegment(local);
            // libbpf keeps the fd it is given and clears the map's slots through it when the buffer
            // is freed: a duplicate of our own means that is always this map, even after the map's
            // own fd was closed and its number reused.
            int mapFd = map.enterFd();
            try {
                ownFd = FdLifetime.dupCloexec(capture, mapFd);
            } finally {
                map.exitFd();
            }
            if (ownFd < 0) {
                throw new BpfException("duplicate the fd of map", map.name(), Native.errno(capture), null);
            }
            try (LibbpfLog.Capture log = LibbpfLog.capture()) {
                // No callbacks: libbpf only sets the rings up; this class reads them.
                created = wakeupEvents == 1
                        ? Libbpf.perf_buffer__new(capture, ownFd, pageCount, MemorySegment.NULL,
                                MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL)
                        : PerfEvents.perf_buffer__new_raw(capture, ownFd, pageCount,
                                PerfEvents.bpfOutputAttr(local, wakeupEvents), MemorySegment.NULL,
                                MemorySegment.NULL, MemorySegment.NULL);
                if (created.equals(MemorySegment.NULL)) {
                    int errno = Native.errno(capture);
                    throw new BpfException("create perf buffer on map", map.name(), errno,
                            Environment.hintFor(errno), log.lastWarnings(3));
                }
                log.log();
            }
            rings = mapRings(created, local);
            eventFds = new int[rings.length];
            createdWaiter = new EpollWaiter();
            // The perf events themselves go into our epoll set, next to the wake-up fd: waiting on
            // libbpf's own set, nested, costs the kernel a second wake-up for every sample.
            for (int i = 0; i < rings.length; i++) {
                int fd = Libbpf.perf_buffer__buffer_fd(created, i);
                if (fd < 0) {
                    throw new BpfException("find the perf event of buffer " + i + " of map", map.name(), -fd, null);
                }
                eventFds[i] = fd;
                createdWaiter.add(fd, i);
            }
        } catch (RuntimeException | Error e) {
            if (createdWaiter != null) {
                createdWaiter.close();
            }
            if (!created.equals(MemorySegment.NULL)) {
                Libbpf.perf_buffer__free(created);
            }
            closeFd(ownFd);
            throw e;
        }
        MemorySegment buffers = created;
        int buffersFd = ownFd;
        this.guard = new ReaderGuard(createdWaiter, () -> {
            Libbpf.perf_buffer__free(buffers);
            closeFd(buffersFd);
        });
    }

    private static void closeFd(int fd) {
        if (fd >= 0) {
            try (Arena local = Arena.ofConfined()) {
                Libc.close(Native.captureSegment(local), fd);
            }
        }
    }

    /**
     * The rings libbpf mapped, with the CPU of each: libbpf makes one for every online CPU below
     * the map's size, in CPU order.
     */
    @SuppressWarnings("restricted")
    private CpuRing[] mapRings(MemorySegment created, Arena local) {
        int count = (int) Libbpf.perf_buffer__buffer_cnt(created);
        int[] cpus = BpfSystem.onlineCpus(Math.min(BpfSystem.possibleCpus(),
                map.maxEntries() > 0 ? map.maxEntries() : Integer.MAX_VALUE));
        long pageSize = Libc.getpagesize();
        MemorySegment base = local.allocate(ValueLayout.ADDRESS);
        MemorySegment size = local.allocate(ValueLayout.JAVA_LONG);
        CpuRing[] mapped = new CpuRing[count];
        for (int i = 0; i < count; i++) {
            int rc = Libbpf.perf_buffer__buffer(created, i, base, size);
            if (rc < 0) {
                throw new BpfException("find the ring of perf buffer " + i + " of map", map.name(), -rc, null);
            }
            long dataSize = size.get(ValueLayout.JAVA_LONG, 0);
            // The buffer's lifetime is the perf_buffer's, which the guard frees after the last pass.
            MemorySegment region = base.get(ValueLayout.ADDRESS, 0).reinterpret(pageSize + dataSize);
            // Should the CPUs not match libbpf's count, the buffer index is the best name left.
            int cpu = cpus.length == count ? cpus[i] : i;
            mapped[i] = new CpuRing(cpu, region.asSlice(0, pageSize), region.asSlice(pageSize, dataSize).asReadOnly());
        }
        return mapped;
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

    private int consumeRings() {
        int handled = 0;
        for (CpuRing ring : rings) {
            handled += consume(ring);
            if (guard.isClosed()) {
                break;
            }
        }
        return handled;
    }

    /** Reads one ring up to the kernel's position, then hands the space back to the kernel. */
    private int consume(CpuRing ring) {
        long head = (long) LONG.getAcquire(ring.control, DATA_HEAD);
        long tail = (long) LONG.get(ring.control, DATA_TAIL);
        if (tail >= head) {
            // Nothing new: leave the kernel's cache line alone.
            return 0;
        }
        int handled = 0;
        try {
            while (tail < head) {
                long offset = tail & ring.mask;
                int size = Short.toUnsignedInt(ring.data.get(SHORT, offset + 6));
                if (size < HEADER_SIZE) {
                    // Never written by a kernel; skipping the rest of the ring beats looping forever.
                    tail = head;
                    throw new BpfException("read perf buffer of map", map.name(), 0,
                            "a record on CPU " + ring.cpu + " is " + size + " bytes, shorter than its header");
                }
                // A record that runs past the end of the ring is copied into one piece; the common
                // one is read in place, with one slice (the sample handed over) and no other object.
                boolean inPlace = offset + size <= ring.data.byteSize();
                MemorySegment record = inPlace ? ring.data : contiguous(ring.data, offset, size);
                long at = inPlace ? offset : 0;
                int type = record.get(ValueLayout.JAVA_INT, at);
                tail += size;
                if (type == RECORD_SAMPLE) {
                    handled++;
                    int length = record.get(ValueLayout.JAVA_INT, at + HEADER_SIZE);
                    sampleHandler.onSample(ring.cpu, record.asSlice(at + HEADER_SIZE + 4,
                            Math.min(Integer.toUnsignedLong(length), size - HEADER_SIZE - 4L)));
                } else if (type == RECORD_LOST) {
                    lost(ring.cpu, record.get(ValueLayout.JAVA_LONG, at + HEADER_SIZE + 8));
                }
                if (guard.isClosed()) {
                    break;
                }
            }
        } finally {
            LONG.setRelease(ring.control, DATA_TAIL, tail);
        }
        return handled;
    }

    /** A record that runs past the end of the ring, copied into one piece. */
    private MemorySegment contiguous(MemorySegment data, long offset, int size) {
        if (wrapped.byteSize() < size) {
            wrapped = MemorySegment.ofArray(new long[Math.max(size, (int) wrapped.byteSize() * 2) / 8 + 1]);
        }
        long first = data.byteSize() - offset;
        MemorySegment.copy(data, offset, wrapped, 0, first);
        MemorySegment.copy(data, 0, wrapped, first, size - first);
        return wrapped.asSlice(0, size).asReadOnly();
    }

    private void lost(int cpu, long count) {
        if (cpu >= 0 && cpu < lostPerCpu.length()) {
            lostPerCpu.addAndGet(cpu, count);
        }
        lostTotal.addAndGet(count);
        if (lostHandler != null) {
            lostHandler.onLost(cpu, count);
        }
    }

    /** One CPU's ring: its control page and its data pages. */
    private static final class CpuRing {
        final int cpu;
        final MemorySegment control;
        final MemorySegment data;
        final long mask;

        CpuRing(int cpu, MemorySegment control, MemorySegment data) {
            this.cpu = cpu;
            this.control = control;
            this.data = data;
            this.mask = data.byteSize() - 1;
        }
    }

    /** The perf event fd of ring {@code index} (for tests of the wake-up policy; libbpf owns it). */
    int eventFd(int index) {
        return eventFds[index];
    }

    /** How many rings libbpf made (one per online CPU). */
    int ringCount() {
        return eventFds.length;
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
        private int wakeupEvents = 1;
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

        /**
         * Samples per CPU after which the kernel wakes a waiting {@link PerfBuffer#poll} (default
         * 1: every sample). Larger values save most of the per-sample wake-up cost of a busy
         * reader; samples below the threshold wait until the poll's timeout ends, so the poll
         * timeout is the latency bound (see the class comment). Keep it well below what one
         * CPU's ring holds (page count x 4096 bytes / record size), or the ring fills before the
         * wake-up and the kernel drops samples until the next timeout.
         *
         * @param samples samples per wake-up, 1 to 65536
         * @return this builder
         * @throws IllegalArgumentException when {@code samples} is out of range
         */
        public Builder wakeupEvents(int samples) {
            if (samples < 1 || samples > 65536) {
                throw new IllegalArgumentException("perf buffer on map " + map.name()
                        + ": wakeupEvents must be between 1 and 65536 samples, got " + samples);
            }
            this.wakeupEvents = samples;
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
            PerfBuffer buffer = new PerfBuffer(map, pageCount, wakeupEvents, sampleHandler, lostHandler);
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
