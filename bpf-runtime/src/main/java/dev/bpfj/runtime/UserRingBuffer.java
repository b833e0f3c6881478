package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.LibbpfAttach;
import dev.bpfj.runtime.internal.libbpf.LibbpfLog;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Writes records into a {@code BPF_MAP_TYPE_USER_RINGBUF} map for BPF programs to drain with
 * {@code bpf_user_ringbuf_drain()} (user space to kernel; Linux 6.1+, libbpf 1.1+). Made by
 * {@link BpfMap#userRingBuffer()}; one producer at a time (the methods are synchronized).
 *
 * <pre>{@code
 * try (UserRingBuffer requests = skel.maps().requests().userRingBuffer()) {
 *     requests.write(bytes);                 // false when the ring is full
 * }
 * }</pre>
 *
 * <p>A record is reserved, filled and then submitted (the BPF side sees it) or discarded; the
 * segment {@link #reserve(int)} returns becomes inaccessible once it is submitted or discarded.
 */
public final class UserRingBuffer implements AutoCloseable {

    private final BpfMap map;
    private final BpfObject object;
    private MemorySegment handle;
    private Arena pending;
    private MemorySegment pendingSample;

    private UserRingBuffer(BpfMap map, MemorySegment handle) {
        this.map = map;
        this.object = map.object();
        this.handle = handle;
    }

    static UserRingBuffer open(BpfMap map) {
        int fd = map.fd();
        if (!LibbpfAttach.has("user_ring_buffer__new")) {
            throw new BpfException("open user ring buffer on map", map.name(), 0, "user ring buffers need libbpf >= 1.1, but this"
                    + " machine has libbpf " + Native.libbpfVersion() + "; install a newer libbpf1 package");
        }
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment handle = LibbpfAttach.user_ring_buffer__new(capture, fd, MemorySegment.NULL);
            if (handle.equals(MemorySegment.NULL)) {
                int errno = Native.errno(capture);
                throw new BpfException("open user ring buffer on map", map.name(), errno, Environment.hintFor(errno),
                        log.lastWarnings(3));
            }
            log.log();
            UserRingBuffer buffer = new UserRingBuffer(map, handle);
            if (buffer.object != null) {
                try {
                    buffer.object.register(buffer);
                } catch (RuntimeException e) {
                    LibbpfAttach.user_ring_buffer__free(handle);
                    throw e;
                }
            }
            return buffer;
        }
    }

    /** The map this writer writes to. */
    public BpfMap map() {
        return map;
    }

    /**
     * Reserves a record of {@code size} bytes; fill it, then {@link #submit(MemorySegment)} or
     * {@link #discard(MemorySegment)} it before the next reservation.
     *
     * @return the record, or null when the ring has no room now (the BPF side has not drained it)
     * @throws IllegalArgumentException when {@code size} is not positive or larger than the ring
     * @throws IllegalStateException    when a reservation is still pending, or the writer is closed
     */
    public synchronized MemorySegment reserve(int size) {
        requireOpen();
        if (size <= 0 || size > map.maxEntries()) {
            throw new IllegalArgumentException("record size for user ring buffer " + map.name() + " must be 1.."
                    + map.maxEntries() + " bytes (the ring's size), got " + size);
        }
        if (pendingSample != null) {
            throw new IllegalStateException("user ring buffer " + map.name()
                    + ": submit or discard the pending record before reserving another");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment sample = LibbpfAttach.user_ring_buffer__reserve(capture, handle, size);
            if (sample.equals(MemorySegment.NULL)) {
                int errno = Native.errno(capture);
                if (errno == Errno.ENOSPC) {
                    return null;
                }
                throw new BpfException("reserve record in user ring buffer", map.name(), errno,
                        errno == 7 /* E2BIG */ ? "the record is larger than the ring" : null);
            }
            pending = Arena.ofShared();
            pendingSample = sample;
            return sample.reinterpret(size, pending, null);
        }
    }

    /** Makes the reserved record visible to the BPF side. */
    public synchronized void submit(MemorySegment record) {
        MemorySegment sample = finish(record, "submit");
        LibbpfAttach.user_ring_buffer__submit(handle, sample);
    }

    /** Gives the reserved record back without the BPF side seeing it. */
    public synchronized void discard(MemorySegment record) {
        MemorySegment sample = finish(record, "discard");
        LibbpfAttach.user_ring_buffer__discard(handle, sample);
    }

    /**
     * Writes {@code bytes} as one record.
     *
     * @return false when the ring has no room now
     */
    public synchronized boolean write(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        MemorySegment record = reserve(bytes.length);
        if (record == null) {
            return false;
        }
        MemorySegment.copy(bytes, 0, record, ValueLayout.JAVA_BYTE, 0, bytes.length);
        submit(record);
        return true;
    }

    /**
     * Writes {@code value} with {@code codec} as one record.
     *
     * @return false when the ring has no room now
     */
    public synchronized <T> boolean write(Codec<T> codec, T value) {
        MemorySegment record = reserve(Math.toIntExact(codec.byteSize()));
        if (record == null) {
            return false;
        }
        try {
            codec.write(record, value);
        } catch (RuntimeException e) {
            discard(record);
            throw e;
        }
        submit(record);
        return true;
    }

    private MemorySegment finish(MemorySegment record, String what) {
        requireOpen();
        if (pendingSample == null || record == null || record.address() != pendingSample.address()) {
            throw new IllegalStateException("cannot " + what + " in user ring buffer " + map.name()
                    + ": the segment is not the pending reservation");
        }
        MemorySegment sample = pendingSample;
        pendingSample = null;
        pending.close();
        pending = null;
        return sample;
    }

    private void requireOpen() {
        if (handle == null) {
            throw new IllegalStateException("user ring buffer " + map.name() + " is closed");
        }
    }

    /** Discards a pending record, frees the writer; idempotent. Its object also closes it. */
    @Override
    public synchronized void close() {
        if (handle == null) {
            return;
        }
        if (pendingSample != null) {
            LibbpfAttach.user_ring_buffer__discard(handle, pendingSample);
            pending.close();
            pendingSample = null;
        }
        LibbpfAttach.user_ring_buffer__free(handle);
        handle = null;
        if (object != null) {
            object.unregister(this);
        }
    }
}
