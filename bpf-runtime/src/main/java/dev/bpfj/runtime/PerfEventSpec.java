package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Libbpf;
import dev.bpfj.runtime.internal.libbpf.Libc;
import dev.bpfj.runtime.internal.libbpf.LibbpfAttach;
import dev.bpfj.runtime.internal.libbpf.LibbpfLog;
import dev.bpfj.runtime.internal.libbpf.LinuxPerf;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@code SEC("perf_event")} program samples, for {@link BpfProgram#attachPerfEvent(PerfEventSpec)}:
 * a perf event ({@code type} and {@code config} as in {@code perf_event_open(2)}) and how often it
 * fires, as a frequency in samples per second or as a period in events. The program runs on every
 * online CPU, for every process. Needs Linux 4.9+.
 *
 * <pre>{@code
 * try (BpfLink sampling = program.attachPerfEvent(PerfEventSpec.softwareCpuClock(99))) { ... }
 * }</pre>
 *
 * @param type      {@link #TYPE_HARDWARE}, {@link #TYPE_SOFTWARE} or another {@code perf_type_id}
 * @param config    the event within the type, like {@link #SW_CPU_CLOCK} or {@link #HW_CPU_CYCLES}
 * @param sample    samples per second when {@code frequency}, else events per sample; positive
 * @param frequency whether {@code sample} is a frequency (true) or a period (false)
 */
public record PerfEventSpec(int type, long config, long sample, boolean frequency) {

    /** {@code PERF_TYPE_HARDWARE}: CPU counters (absent in many virtual machines). */
    public static final int TYPE_HARDWARE = 0;
    /** {@code PERF_TYPE_SOFTWARE}: kernel clocks and counters, always present. */
    public static final int TYPE_SOFTWARE = 1;
    /** {@code PERF_COUNT_HW_CPU_CYCLES}. */
    public static final long HW_CPU_CYCLES = 0;
    /** {@code PERF_COUNT_HW_INSTRUCTIONS}. */
    public static final long HW_INSTRUCTIONS = 1;
    /** {@code PERF_COUNT_SW_CPU_CLOCK}: the per-CPU high-resolution timer, the usual profiler clock. */
    public static final long SW_CPU_CLOCK = 0;
    /** {@code PERF_COUNT_SW_TASK_CLOCK}. */
    public static final long SW_TASK_CLOCK = 1;

    private static final long FLAG_DISABLED = 1L;
    private static final long FLAG_FREQ = 1L << 10;

    /** Checks the components. */
    public PerfEventSpec {
        if (type < 0) {
            throw new IllegalArgumentException("perf event type must not be negative, got " + type);
        }
        if (sample <= 0) {
            throw new IllegalArgumentException("perf event " + (frequency ? "frequency" : "period")
                    + " must be positive, got " + sample);
        }
    }

    /** The software CPU clock sampled {@code hertz} times per second on every CPU: works everywhere. */
    public static PerfEventSpec softwareCpuClock(long hertz) {
        return new PerfEventSpec(TYPE_SOFTWARE, SW_CPU_CLOCK, hertz, true);
    }

    /** The hardware cycle counter sampled {@code hertz} times per second; needs a CPU PMU (often missing in VMs). */
    public static PerfEventSpec hardwareCpuCycles(long hertz) {
        return new PerfEventSpec(TYPE_HARDWARE, HW_CPU_CYCLES, hertz, true);
    }

    /** A copy that samples every {@code events} occurrences instead of at a frequency. */
    public PerfEventSpec withPeriod(long events) {
        return new PerfEventSpec(type, config, events, false);
    }

    private String describe() {
        String event = type == TYPE_SOFTWARE && config == SW_CPU_CLOCK ? "software cpu-clock"
                : type == TYPE_HARDWARE && config == HW_CPU_CYCLES ? "hardware cpu-cycles"
                : "perf event type " + type + " config " + config;
        return event + (frequency ? " at " + sample + " Hz" : " every " + sample + " events");
    }

    /**
     * Opens the event on every online CPU and attaches {@code program} to each; returns libbpf's
     * links. On failure everything made so far is closed before the exception.
     */
    List<MemorySegment> openAndAttach(BpfProgram program) {
        int[] cpus = BpfSystem.onlineCpus(BpfSystem.possibleCpus());
        List<MemorySegment> links = new ArrayList<>(cpus.length);
        String who = program.name() + " (" + program.sectionName() + ")";
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            MemorySegment attr = arena.allocate(LinuxPerf.ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, type);
            attr.set(ValueLayout.JAVA_INT, 4, LinuxPerf.ATTR_SIZE);
            attr.set(ValueLayout.JAVA_LONG, 8, config);
            attr.set(ValueLayout.JAVA_LONG, 16, sample);
            // Disabled until libbpf's attach enables it, so no sample arrives before the program is there.
            attr.set(ValueLayout.JAVA_LONG, 40, FLAG_DISABLED | (frequency ? FLAG_FREQ : 0));
            MemorySegment capture = Native.captureSegment(arena);
            for (int cpu : cpus) {
                int fd = LinuxPerf.perf_event_open(capture, attr, -1, cpu, -1, LinuxPerf.FLAG_FD_CLOEXEC);
                if (fd < 0) {
                    int errno = Native.errno(capture);
                    throw new BpfException("open perf event for program", who + ": " + describe() + " on CPU " + cpu,
                            errno, openHint(errno));
                }
                MemorySegment link = LibbpfAttach.bpf_program__attach_perf_event(capture, program.handle(), fd);
                if (link.equals(MemorySegment.NULL)) {
                    int errno = Native.errno(capture);
                    Libc.close(capture, fd);
                    String hint = Environment.hintFor(errno);
                    throw new BpfException("attach program", who + " to " + describe() + " on CPU " + cpu, errno,
                            hint != null ? hint : errno == Errno.EINVAL
                                    ? "only SEC(\"perf_event\") programs attach to perf events" : null,
                            log.lastWarnings(3));
                }
                links.add(link);
            }
            log.log();
            return links;
        } catch (RuntimeException e) {
            // libbpf owns each attached perf event fd and closes it with its link.
            for (MemorySegment link : links) {
                Libbpf.bpf_link__destroy(link);
            }
            throw e;
        }
    }

    private String openHint(int errno) {
        if (errno == Errno.ENOENT || errno == Errno.EOPNOTSUPP) {
            return type == TYPE_HARDWARE
                    ? "this machine has no hardware counter for it (virtual machines often lack a PMU); sample PerfEventSpec.softwareCpuClock(hz) instead"
                    : "the kernel does not know this event";
        }
        if (errno == Errno.EINVAL) {
            return "the kernel refused the event's settings (is the frequency above /proc/sys/kernel/perf_event_max_sample_rate?)";
        }
        if (errno == Errno.EACCES || errno == Errno.EPERM) {
            String environment = Environment.hintFor(errno);
            return environment != null ? environment
                    : "perf events for all processes need CAP_PERFMON (or root) and /proc/sys/kernel/perf_event_paranoid <= 1 otherwise";
        }
        return null;
    }
}
