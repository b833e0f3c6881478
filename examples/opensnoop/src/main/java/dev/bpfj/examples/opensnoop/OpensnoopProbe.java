package dev.bpfj.examples.opensnoop;

import dev.bpfj.examples.opensnoop.OpensnoopBpf.OpensnoopEvent;
import dev.bpfj.runtime.BpfProgram;
import dev.bpfj.runtime.PerfBuffer;
import dev.bpfj.runtime.RingBuffer;
import java.lang.foreign.MemorySegment;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The one class that talks to the opensnoop BPF object, through the generated
 * {@link OpensnoopBpf} skeleton: sets the filters, sizes the buffers, loads, attaches, reads
 * events and lost-event counters, and closes everything in order.
 */
final class OpensnoopProbe implements AutoCloseable {

    /**
     * Indexes of the lost_events counters ({@code enum opensnoop_lost} in opensnoop.h). The enum
     * only names array indexes, so it is not in the object's BTF and the skeleton has no constants
     * for it.
     */
    static final int LOST_OUTPUT = 0;
    static final int LOST_INFLIGHT = 1;

    /**
     * The ring size used with {@code --perf-buffer}, where the ring carries nothing: libbpf
     * rounds it up to one page of the running kernel.
     */
    static final int UNUSED_RING_SIZE = 4096;

    /**
     * Default perf buffer pages: 4 MiB in all, like the default ring, split over the CPUs, but
     * never fewer than the classic tool's 64 pages per CPU. (With 64 pages per CPU on two CPUs,
     * two threads opening back to back lost about 4% of their events here; with 512, none.)
     */
    static int defaultPerfPages(int cpus) {
        return Math.max(64, Integer.highestOneBit(1024 / Math.max(1, cpus)));
    }

    /** Where tracefs is looked for: its own mount point, then the one inside debugfs. */
    static final List<Path> TRACEFS_ROOTS = List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));

    private final OpensnoopBpf skeleton;
    private final RingBuffer ring;
    private final PerfBuffer perf;
    private final List<String> attached;

    private OpensnoopProbe(OpensnoopBpf skeleton, RingBuffer ring, PerfBuffer perf, List<String> attached) {
        this.skeleton = skeleton;
        this.ring = ring;
        this.perf = perf;
        this.attached = attached;
    }

    /**
     * Opens, configures, loads and attaches the programs.
     *
     * @param options the filters and output path to use
     * @param sink    receives every event, on the thread that calls {@link #poll}; the view it
     *                gets is reused for the next event, so the sink must not keep it
     * @return the running probe; the caller owns it
     */
    static OpensnoopProbe start(Options options, Consumer<OpensnoopEvent> sink) {
        OpensnoopBpf skeleton = OpensnoopBpf.open();
        try {
            configure(skeleton, options, OpensnoopProbe::tracepointExists);
            if (!skeleton.progs().sysEnterOpen().autoload() && !skeleton.progs().sysEnterOpenat().autoload()
                    && !skeleton.progs().sysEnterOpenat2().autoload()) {
                // nothing would be attached: tracing nothing is not tracing
                throw new IllegalStateException(noSyscallTracepoints(TRACEFS_ROOTS));
            }
            skeleton.load();
            skeleton.attach();
            List<String> attached = new ArrayList<>();
            for (BpfProgram program : skeleton.object().programs()) {
                if (program.autoload()) {
                    attached.add(program.sectionName());
                }
            }
            // One view for all events: wrapping a record allocates nothing.
            OpensnoopEvent view = new OpensnoopEvent();
            RingBuffer ring = null;
            PerfBuffer perf = null;
            if (options.perfBuffer()) {
                perf = skeleton.maps().perfEvents().perfBuffer()
                        .pageCount(options.perfPages() > 0 ? options.perfPages()
                                : defaultPerfPages(Runtime.getRuntime().availableProcessors()))
                        .onSample((cpu, data) -> sink.accept(wrap(view, data)))
                        .build();
            } else {
                ring = skeleton.maps().events().ringBuffer(record -> sink.accept(wrap(view, record)));
            }
            return new OpensnoopProbe(skeleton, ring, perf, List.copyOf(attached));
        } catch (RuntimeException e) {
            skeleton.close();
            throw e;
        }
    }

    /**
     * Applies the options to an opened skeleton: the {@code .rodata} filters, the buffer sizes,
     * and which programs load.
     *
     * @param skeleton         opened, not loaded
     * @param options          the command line
     * @param tracepointExists whether the kernel has a syscalls tracepoint of this name
     */
    static void configure(OpensnoopBpf skeleton, Options options, Predicate<String> tracepointExists) {
        skeleton.rodata()
                .targPid(options.pid())
                .targTid(options.tid())
                .targUid(options.uid().orElse(-1))
                .targFailed(options.failedOnly())
                .usePerfBuffer(options.perfBuffer());
        if (options.perfBuffer()) {
            // The ring map is still created (the programs refer to it), but nothing goes through it.
            skeleton.maps().events().maxEntries(UNUSED_RING_SIZE);
        } else if (options.ringSizeBytes() > 0) {
            skeleton.maps().events().maxEntries(Math.toIntExact(options.ringSizeBytes()));
        }
        // open() is missing on arm64 and riscv64, openat2() before Linux 5.6: load only the pairs
        // whose tracepoints this kernel has, so the others cannot fail the load or the attach.
        OpensnoopBpf.Progs progs = skeleton.progs();
        autoload(tracepointExists, "open", progs.sysEnterOpen(), progs.sysExitOpen());
        autoload(tracepointExists, "openat", progs.sysEnterOpenat(), progs.sysExitOpenat());
        autoload(tracepointExists, "openat2", progs.sysEnterOpenat2(), progs.sysExitOpenat2());
    }

    private static void autoload(Predicate<String> tracepointExists, String syscall, BpfProgram enter,
            BpfProgram exit) {
        boolean present = tracepointExists.test("sys_enter_" + syscall) && tracepointExists.test("sys_exit_" + syscall);
        enter.autoload(present);
        exit.autoload(present);
    }

    private static OpensnoopEvent wrap(OpensnoopEvent view, MemorySegment record) {
        EventText.checkHeader(record);
        return view.wrap(record);
    }

    /** The tracepoint sections attached, for {@code --verbose}. */
    List<String> attached() {
        return attached;
    }

    /** The size of the ring buffer in bytes, or 0 with {@code --perf-buffer}. */
    long ringSize() {
        return ring == null ? 0 : Integer.toUnsignedLong(skeleton.maps().events().maxEntries());
    }

    /** The skeleton, for tests that look at what was loaded. */
    OpensnoopBpf skeleton() {
        return skeleton;
    }

    /**
     * Waits up to {@code timeout} for events and hands all available ones to the sink.
     *
     * @param timeout how long to wait when nothing is available
     * @return events handled, or -1 once the probe is closed
     */
    int poll(Duration timeout) {
        return ring != null ? ring.poll(timeout) : perf.poll(timeout);
    }

    /** Hands every available event to the sink without waiting. */
    int drain() {
        return ring != null ? ring.consume() : perf.consume();
    }

    /** Events lost so far, by cause. */
    Lost lost() {
        OpensnoopBpf.Maps.LostEventsMap counters = skeleton.maps().lostEvents();
        return new Lost(counters.lookupLongSum(LOST_OUTPUT, 0),
                perf == null ? 0 : perf.lostCount(),
                counters.lookupLongSum(LOST_INFLIGHT, 0));
    }

    /** Detaches the programs and frees the object: readers, links, object, in that order. */
    @Override
    public void close() {
        skeleton.close();
    }

    /**
     * Counts of events that were not reported.
     *
     * @param bufferFull   the BPF program found no room in the ring or perf buffer
     * @param perfDropped  samples the kernel's perf buffer counted as lost; these are the same
     *                     events as {@code bufferFull} seen from the other side, so they are not added
     * @param inflightFull the table of opens in progress was full, so their exit went unreported
     */
    record Lost(long bufferFull, long perfDropped, long inflightFull) {
        long total() {
            return Math.max(bufferFull, perfDropped) + inflightFull;
        }
    }

    static boolean tracepointExists(String event) {
        for (Path root : TRACEFS_ROOTS) {
            if (Files.isDirectory(root.resolve("events").resolve("syscalls").resolve(event))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why no syscalls tracepoint is visible under any of the tracefs mount points, and what to do:
     * the text of the error that stops the tool instead of tracing nothing.
     *
     * @param roots where tracefs may be mounted, the usual place first
     * @return a message naming what is missing and how to fix it
     */
    static String noSyscallTracepoints(List<Path> roots) {
        Path usual = roots.get(0);
        for (Path root : roots) {
            Path events = root.resolve("events");
            try {
                Files.readAttributes(events, BasicFileAttributes.class);
            } catch (AccessDeniedException e) {
                return "cannot read " + root + " (permission denied): the open() tracepoints are found through"
                        + " tracefs, which is readable by root only by default; run opensnoop as root (sudo),"
                        + " or let this user read tracefs (for example: mount -o remount,mode=755 " + root + ")";
            } catch (IOException e) {
                continue;
            }
            if (!Files.isDirectory(events.resolve("syscalls"))) {
                return "this kernel has no syscall tracepoints (" + events.resolve("syscalls")
                        + " is missing): opensnoop needs a kernel built with CONFIG_FTRACE_SYSCALLS=y";
            }
            return "none of the tracepoints syscalls:sys_enter_open, sys_enter_openat, sys_enter_openat2 (and"
                    + " their sys_exit_ pairs) is in " + events.resolve("syscalls");
        }
        return "tracefs is not mounted at " + usual + ", so there is no open() tracepoint to attach to;"
                + " mount it (as root) with: mount -t tracefs tracefs " + usual;
    }
}
