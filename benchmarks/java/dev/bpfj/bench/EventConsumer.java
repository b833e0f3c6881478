package dev.bpfj.bench;

import dev.bpfj.runtime.BpfMap;
import dev.bpfj.runtime.BpfObject;
import dev.bpfj.runtime.BpfProgram;
import dev.bpfj.runtime.GlobalData;
import dev.bpfj.runtime.OpenOptions;
import dev.bpfj.runtime.PerfBuffer;
import dev.bpfj.runtime.RingBuffer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Java event consumer of the bpfj benchmarks, the counterpart of benchmarks/c/consumer.c: loads
 * the opensnoop object with bpf-runtime, reads the events the load generator causes through the
 * pure-Java {@link RingBuffer} or the libbpf-backed {@link PerfBuffer}, and per event does what
 * the C consumer does: read the pid and count.
 *
 * <pre>EventConsumer ring|perf OBJECT PID TARG_PID_OFFSET USE_PERF_BUFFER_OFFSET</pre>
 *
 * The .rodata offsets come from the C tool ({@code consumer offsets OBJECT}), which reads them
 * from the object's BTF. Prints {@code ready} once attached; a line or EOF on stdin stops it; it
 * then drains and prints the same result line as the C consumer.
 */
public final class EventConsumer {

    private static final int PERF_PAGES = 64;
    private static final long EVENT_PID_OFFSET = 8;
    private static final long LOST_OUTPUT = 0;
    private static final long LOST_INFLIGHT = 1;

    private static long events;
    private static long matching;
    private static long lostPerf;
    private static int target;
    private static volatile boolean stop;

    private EventConsumer() {
    }

    /**
     * Runs the consumer.
     *
     * @param args mode, object file, target pid, and the two .rodata offsets
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 5 || !(args[0].equals("ring") || args[0].equals("perf"))) {
            System.err.println("usage: EventConsumer ring|perf OBJECT PID TARG_PID_OFFSET USE_PERF_BUFFER_OFFSET");
            System.exit(2);
        }
        boolean perf = args[0].equals("perf");
        target = Integer.parseInt(args[2]);
        try (BpfObject object = BpfObject.open(Path.of(args[1]), OpenOptions.defaults().withObjectName("opensnoop"))) {
            GlobalData rodata = object.globalData(".rodata");
            rodata.setInt(Long.parseLong(args[3]), target);
            rodata.setBoolean(Long.parseLong(args[4]), perf);
            for (String syscall : List.of("open", "openat", "openat2")) {
                boolean present = tracepointExists("sys_enter_" + syscall) && tracepointExists("sys_exit_" + syscall);
                object.program("sys_enter_" + syscall).autoload(present);
                object.program("sys_exit_" + syscall).autoload(present);
            }
            object.load();
            for (BpfProgram program : object.programs()) {
                if (program.autoload()) {
                    program.attach();
                }
            }
            RingBuffer ring = null;
            PerfBuffer perfBuffer = null;
            if (perf) {
                // -Dbpfj.bench.wakeup=N: the kernel wakes the reader once per N samples per CPU
                // (PerfBuffer.Builder.wakeupEvents); the 100 ms poll timeout bounds the latency.
                perfBuffer = PerfBuffer.builder(object.map("perf_events")).pageCount(PERF_PAGES)
                        .wakeupEvents(Integer.getInteger("bpfj.bench.wakeup", 1))
                        .onSample((cpu, data) -> count(data))
                        .onLost((cpu, n) -> lostPerf += n)
                        .build();
            } else {
                ring = RingBuffer.builder().add(object.map("events"), EventConsumer::count).build();
            }
            Thread watcher = new Thread(EventConsumer::watchStdin, "stdin-watcher");
            watcher.setDaemon(true);
            watcher.start();
            System.out.println("ready");
            System.out.flush();
            Duration timeout = Duration.ofMillis(100);
            while (!stop) {
                if ((perf ? perfBuffer.poll(timeout) : ring.poll(timeout)) < 0) {
                    break;
                }
            }
            if (perf) {
                perfBuffer.consume();
            } else {
                ring.consume();
            }
            BpfMap lost = object.map("lost_events");
            System.out.println("events=" + events + " lost_output=" + lost.lookupLongSum(LOST_OUTPUT, 0)
                    + " lost_perf=" + lostPerf + " lost_inflight=" + lost.lookupLongSum(LOST_INFLIGHT, 0)
                    + " matching=" + matching);
            System.out.flush();
        }
    }

    private static void count(MemorySegment event) {
        events++;
        if (event.get(ValueLayout.JAVA_INT_UNALIGNED, EVENT_PID_OFFSET) == target) {
            matching++;
        }
    }

    private static void watchStdin() {
        try {
            InputStream in = System.in;
            int b;
            do {
                b = in.read();
            } while (b >= 0 && b != '\n');
        } catch (IOException e) {
            // a broken stdin means the harness is gone: stop as well
        }
        stop = true;
    }

    private static boolean tracepointExists(String event) {
        for (String root : List.of("/sys/kernel/tracing", "/sys/kernel/debug/tracing")) {
            if (Files.isDirectory(Path.of(root, "events", "syscalls", event))) {
                return true;
            }
        }
        return false;
    }
}
