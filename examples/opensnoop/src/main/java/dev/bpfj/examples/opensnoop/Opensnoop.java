package dev.bpfj.examples.opensnoop;

import dev.bpfj.runtime.BpfException;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The opensnoop command: {@code java -jar opensnoop.jar [OPTION...]}.
 *
 * <p>One thread does everything — poll the buffer, format, write — so output needs no locking.
 * Output is buffered and flushed at least every {@link #FLUSH_INTERVAL} and at exit.
 *
 * <p>Ctrl-C and SIGTERM: Java has no public API for signal handlers. {@code sun.misc.Signal}
 * works, but javac warns on every use of it ("internal proprietary API") and that warning cannot
 * be suppressed, with {@code @SuppressWarnings} or any {@code -Xlint} option, so it would stay in
 * every build; {@code jdk.internal.misc.Signal} would need {@code --add-exports} at compile and
 * run time. So the tool uses a shutdown hook, which the JVM runs on SIGINT and SIGTERM: the hook
 * asks the loop to stop and waits for the main thread to detach, flush and report lost events,
 * then ends the JVM with the tool's own status. That last step is {@link Runtime#halt}, because a
 * JVM that a signal stopped would otherwise exit with 128 + the signal number rather than 0. A
 * process started with SIGINT ignored gets its SIGINT back first ({@link InterruptSignal}).
 */
public final class Opensnoop {

    /** Exit status for success. */
    static final int EXIT_OK = 0;
    /** Exit status when tracing could not start or failed. */
    static final int EXIT_FAILURE = 1;
    /** Exit status for a bad command line. */
    static final int EXIT_USAGE = 2;

    /** The longest output may wait in the buffer. */
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);
    private static final Duration LOST_CHECK_INTERVAL = Duration.ofSeconds(1);

    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;

    /** How long a signal's shutdown hook waits for the loop to detach and flush. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private static volatile boolean stopRequested;
    /** Counted down by main once the tool is done, with {@link #exitStatus} set. */
    private static final CountDownLatch FINISHED = new CountDownLatch(1);
    private static volatile int exitStatus = EXIT_FAILURE;
    /** Held so that the configured logger is not garbage-collected with its settings. */
    private static Logger runtimeLogger;

    private Opensnoop() {
    }

    /**
     * Runs the command and exits with its status.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        int status = EXIT_FAILURE;
        try {
            status = run(args, System.err);
        } finally {
            // before System.exit: if a signal already started the shutdown, exit would block
            // forever, and the hook is waiting for this
            exitStatus = status;
            FINISHED.countDown();
        }
        System.exit(status);
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, PrintStream err) {
        CommandLine.Request request;
        try {
            request = CommandLine.parse(Arrays.asList(args));
        } catch (UsageException e) {
            err.println("opensnoop: " + e.getMessage());
            err.println("Try 'opensnoop --help' for more information.");
            return EXIT_USAGE;
        }
        switch (request) {
            case CommandLine.ShowHelp help -> {
                System.out.print(CommandLine.help());
                System.out.flush();
                return EXIT_OK;
            }
            case CommandLine.ShowUsage usage -> {
                System.out.print(CommandLine.usage());
                System.out.flush();
                return EXIT_OK;
            }
            case CommandLine.ShowVersion version -> {
                System.out.println("opensnoop (bpfj) " + version());
                System.out.flush();
                return EXIT_OK;
            }
            case CommandLine.Run runRequest -> {
                return trace(runRequest.options(), err);
            }
        }
    }

    private static int trace(Options options, PrintStream err) {
        if (!privileged()) {
            err.println("opensnoop: loading BPF programs needs root, or CAP_BPF and CAP_PERFMON;"
                    + " run it with sudo (sudo java -jar opensnoop.jar)");
            return EXIT_FAILURE;
        }
        if (options.verbose()) {
            showLibbpfMessages();
        }
        installStopHook(err);

        // Raw bytes, not a Writer: the formatter copies names and paths from the records as the
        // kernel gave them, so the per-event path neither decodes nor encodes text.
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        LineFormatter formatter = new LineFormatter(options, ZoneId::systemDefault);
        FullPathResolver resolver = options.fullPath() ? new FullPathResolver(Path.of("/proc")) : null;
        // bpf_ktime_get_ns() and System.nanoTime() both read CLOCK_MONOTONIC on Linux, so one
        // offset turns event times into wall-clock times.
        long wallMinusMonotonicNanos = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - System.nanoTime();
        byte[] name = options.name().map(n -> n.getBytes(StandardCharsets.UTF_8)).orElse(null);

        OpensnoopProbe probe;
        try {
            probe = OpensnoopProbe.start(options, event -> {
                if (name != null && !EventText.commContains(event, name)) {
                    return;
                }
                try {
                    formatter.format(event, event.tsNs() + wallMinusMonotonicNanos,
                            resolver == null ? null : resolver.resolve(event.pid(), event.dfd(), event.path()), out);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (BpfException e) {
            err.println("opensnoop: " + e.getMessage());
            if ("EPERM".equals(e.errnoName()) && e.hint() == null) {
                err.println("opensnoop: run it as root, or with CAP_BPF and CAP_PERFMON");
            }
            return EXIT_FAILURE;
        } catch (RuntimeException e) {
            err.println("opensnoop: cannot start tracing: " + e.getMessage());
            return EXIT_FAILURE;
        }

        OpensnoopProbe.Lost reported = new OpensnoopProbe.Lost(0, 0, 0);
        try (probe) {
            if (options.verbose()) {
                err.println("opensnoop: attached " + String.join(", ", probe.attached()));
                err.println(options.perfBuffer() ? "opensnoop: events through the perf buffer"
                        : "opensnoop: events through a " + probe.ringSize() + "-byte ring buffer");
            }
            out.write(formatter.header().getBytes(StandardCharsets.UTF_8));
            out.flush();
            long start = System.nanoTime();
            long deadline = options.duration().map(d -> start + d.toNanos()).orElse(Long.MAX_VALUE);
            long lastFlush = start;
            long lastLostCheck = start;
            while (!stopRequested) {
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    break;
                }
                Duration wait = Duration.ofNanos(Math.min(FLUSH_INTERVAL.toNanos(), deadline - now));
                if (probe.poll(wait) < 0) {
                    break;
                }
                now = System.nanoTime();
                if (now - lastFlush >= FLUSH_INTERVAL.toNanos()) {
                    out.flush();
                    lastFlush = now;
                }
                if (now - lastLostCheck >= LOST_CHECK_INTERVAL.toNanos()) {
                    out.flush();
                    reported = reportNewLosses(probe.lost(), reported, err);
                    lastLostCheck = now;
                }
            }
            // Whatever the kernel already produced is still reported.
            probe.drain();
            out.flush();
            OpensnoopProbe.Lost lost = probe.lost();
            reportNewLosses(lost, reported, err);
            if (lost.total() > 0) {
                err.println("opensnoop: " + summary(lost));
            }
            return EXIT_OK;
        } catch (IOException e) {
            // stdout went away (a closed pipe): nothing more to say there
            err.println("opensnoop: cannot write output: " + e.getMessage());
            return EXIT_FAILURE;
        } catch (UncheckedIOException e) {
            err.println("opensnoop: cannot write output: " + e.getCause().getMessage());
            return EXIT_FAILURE;
        } catch (BpfException e) {
            err.println("opensnoop: " + e.getMessage());
            return EXIT_FAILURE;
        }
    }

    /** Prints the losses since the last report, the way the classic tool did, and returns the new totals. */
    private static OpensnoopProbe.Lost reportNewLosses(OpensnoopProbe.Lost now, OpensnoopProbe.Lost before,
            PrintStream err) {
        long fresh = now.total() - before.total();
        if (fresh > 0) {
            err.println("Lost " + fresh + " events!");
        }
        return now;
    }

    /** The exit summary of lost events, naming the causes and what to do about them. */
    static String summary(OpensnoopProbe.Lost lost) {
        StringBuilder text = new StringBuilder("lost ").append(lost.total()).append(" events in total");
        long buffer = Math.max(lost.bufferFull(), lost.perfDropped());
        if (buffer > 0) {
            text.append("; ").append(buffer).append(" found the buffer full (use a larger --ring-size, or --perf-pages with --perf-buffer)");
        }
        if (lost.inflightFull() > 0) {
            text.append("; ").append(lost.inflightFull()).append(" found the in-flight table full (over 10240 threads inside open at once)");
        }
        return text.toString();
    }

    static String version() {
        String version = Opensnoop.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    /** See the class comment: stop the loop on SIGINT/SIGTERM and exit with the tool's status. */
    private static void installStopHook(PrintStream err) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopRequested = true;
            try {
                if (FINISHED.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    Runtime.getRuntime().halt(exitStatus);
                }
                // not finished in time: let the JVM end as it would, closing the fds (and with
                // them the BPF links and programs) on the way out
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "opensnoop-stop"));
        // after the hook: a SIGINT from here on stops the loop through it
        String sigint = InterruptSignal.handleEvenIfIgnored();
        if (sigint != null) {
            err.println("opensnoop: " + sigint + "; stop it with SIGTERM (kill " + ProcessHandle.current().pid() + ")");
        }
    }

    private static void showLibbpfMessages() {
        // the runtime sends libbpf's messages to System.Logger "dev.bpfj.runtime.libbpf", which
        // the JDK backs with java.util.logging
        runtimeLogger = Logger.getLogger("dev.bpfj.runtime");
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(Level.ALL);
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord record) {
                return formatMessage(record) + System.lineSeparator();
            }
        });
        runtimeLogger.addHandler(handler);
        runtimeLogger.setLevel(Level.ALL);
    }

    /** Root, or CAP_BPF with CAP_PERFMON, in the effective capability set. */
    static boolean privileged() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    BigInteger caps = new BigInteger(line.substring("CapEff:".length()).trim(), 16);
                    return caps.testBit(CAP_SYS_ADMIN) || (caps.testBit(CAP_BPF) && caps.testBit(CAP_PERFMON));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // cannot tell: let the load itself report EPERM
            return true;
        }
        return true;
    }
}
