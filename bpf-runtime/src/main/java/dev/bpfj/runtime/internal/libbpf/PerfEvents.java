package dev.bpfj.runtime.internal.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The perf-buffer bindings with a caller-chosen {@code perf_event_attr} (the wake-up policy of
 * {@code PerfBuffer}). Same holder pattern as {@link Libbpf}: a handle is bound on first use.
 */
public final class PerfEvents {

    /** {@code PERF_TYPE_SOFTWARE}. */
    private static final int TYPE_SOFTWARE = 1;
    /** {@code PERF_COUNT_SW_BPF_OUTPUT}: the event {@code bpf_perf_event_output} writes to. */
    private static final long CONFIG_BPF_OUTPUT = 10;
    /** {@code PERF_SAMPLE_RAW}: samples carry the program's bytes. */
    private static final long SAMPLE_RAW = 1L << 10;
    /** {@code PERF_ATTR_SIZE_VER7}: every field up to {@code sig_data}; all kernels since 5.13 take it, older ones check that the tail is zero. */
    private static final int ATTR_SIZE = 128;
    private static final long OFFSET_TYPE = 0;
    private static final long OFFSET_SIZE = 4;
    private static final long OFFSET_CONFIG = 8;
    private static final long OFFSET_SAMPLE_PERIOD = 16;
    private static final long OFFSET_SAMPLE_TYPE = 24;
    private static final long OFFSET_WAKEUP_EVENTS = 48;

    private PerfEvents() {
    }

    /**
     * The {@code perf_event_attr} libbpf's {@code perf_buffer__new} uses (software BPF output
     * event, raw samples, period 1), except that the reader is woken after every
     * {@code wakeupEvents} samples instead of every one.
     *
     * @param arena        where the attribute lives; it must outlive the call that uses it
     * @param wakeupEvents samples per wake-up, at least 1
     * @return the attribute
     */
    public static MemorySegment bpfOutputAttr(Arena arena, int wakeupEvents) {
        if (wakeupEvents < 1) {
            throw new IllegalArgumentException("wakeupEvents must be at least 1, got " + wakeupEvents);
        }
        MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
        attr.set(JAVA_INT, OFFSET_TYPE, TYPE_SOFTWARE);
        attr.set(JAVA_INT, OFFSET_SIZE, ATTR_SIZE);
        attr.set(JAVA_LONG, OFFSET_CONFIG, CONFIG_BPF_OUTPUT);
        attr.set(JAVA_LONG, OFFSET_SAMPLE_PERIOD, 1);
        attr.set(JAVA_LONG, OFFSET_SAMPLE_TYPE, SAMPLE_RAW);
        attr.set(JAVA_INT, OFFSET_WAKEUP_EVENTS, wakeupEvents);
        return attr;
    }

    private static final class perf_buffer__new_raw {
        static final MethodHandle HANDLE = Native.libbpf("perf_buffer__new_raw",
                FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS),
                Native.ERRNO_OPTION);
    }

    /**
     * Calls libbpf's {@code perf_buffer__new_raw}; errno goes to {@code capture}.
     *
     * @param capture   the errno capture segment ({@link Native#captureSegment})
     * @param mapFd     the perf event array's fd (libbpf keeps it)
     * @param pageCount data pages per CPU, a power of two
     * @param attr      the perf event attribute ({@link #bpfOutputAttr})
     * @param eventCallback libbpf's per-record callback, or NULL when the caller reads the rings itself
     * @param ctx       the callback's context, or NULL
     * @param opts      {@code perf_buffer_raw_opts}, or NULL
     * @return the {@code struct perf_buffer *}, or NULL on failure
     */
    public static MemorySegment perf_buffer__new_raw(MemorySegment capture, int mapFd, long pageCount,
            MemorySegment attr, MemorySegment eventCallback, MemorySegment ctx, MemorySegment opts) {
        try {
            return (MemorySegment) perf_buffer__new_raw.HANDLE.invokeExact(capture, mapFd, pageCount, attr,
                    eventCallback, ctx, opts);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
