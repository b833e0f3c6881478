package dev.bpfj.examples.pktcount;

import dev.bpfj.runtime.BpfException;
import java.io.PrintStream;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The pktcount command: {@code java -jar pktcount.jar [OPTION...] INTERFACE}. Attaches
 * pktcount.bpf.o's XDP program (or, with {@code --tc}, its tc program) to the interface, and
 * prints per-protocol packet and byte counts: every interval with {@code -i}, and the totals when
 * it stops (after {@code -d} seconds, or at Ctrl-C / SIGTERM).
 *
 * <p>The BPF side is reached through {@link PktcountBpf}, the class {@code bpf:skeleton} generates
 * from pktcount.bpf.o. Ctrl-C and SIGTERM go through a shutdown hook that lets the main thread
 * print the totals and detach, then exits with status 0 (the opensnoop example's main class says
 * why not {@code sun.misc.Signal}).
 */
public final class Pktcount {

    /** Exit status for success. */
    static final int EXIT_OK = 0;
    /** Exit status when counting could not start or failed. */
    static final int EXIT_FAILURE = 1;
    /** Exit status for a bad command line. */
    static final int EXIT_USAGE = 2;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static volatile boolean stopRequested;
    private static final CountDownLatch FINISHED = new CountDownLatch(1);
    private static volatile int exitStatus = EXIT_FAILURE;

    private Pktcount() {
    }

    /**
     * Runs the command and exits with its status.
     *
     * @param args the command-line arguments (see {@code --help})
     */
    public static void main(String[] args) {
        int status = EXIT_FAILURE;
        try {
            status = run(args, System.out, System.err);
        } finally {
            // before System.exit, which would block for ever if a signal already began the shutdown
            exitStatus = status;
            FINISHED.countDown();
        }
        System.exit(status);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException e) {
            err.println("pktcount: " + e.getMessage() + "\nTry 'pktcount --help' for more information.");
            return EXIT_USAGE;
        }
        if (options == null) {
            out.print(Options.USAGE);
            return EXIT_OK;
        }
        if (!interfaceExists(options.interfaceName())) {
            err.println("pktcount: no network interface '" + options.interfaceName()
                    + "' in this network namespace (see: ip link show)");
            return EXIT_FAILURE;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopRequested = true;
            try {
                if (FINISHED.await(10, TimeUnit.SECONDS)) {
                    // a JVM stopped by a signal would otherwise exit with 128 + its number
                    Runtime.getRuntime().halt(exitStatus);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pktcount-stop"));
        try (PktcountBpf skeleton = PktcountBpf.open()) {
            // Only the program that will be attached is loaded.
            skeleton.progs().pktcountXdp().autoload(options.tcDirection() == null);
            skeleton.progs().pktcountTc().autoload(options.tcDirection() != null);
            skeleton.load();
            String hook = attach(skeleton, options, err);
            out.println("Counting packets on " + options.interfaceName() + " with " + hook + "; Ctrl-C to stop");
            out.flush();
            count(skeleton, options, out);
            out.println("Total on " + options.interfaceName() + ", " + hook + ":");
            out.println(Report.HEADER);
            out.print(read(skeleton).rows(""));
            out.flush();
            return EXIT_OK;
        } catch (BpfException e) {
            err.println("pktcount: " + e.getMessage());
            return EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILURE;
        }
    }

    /** Attaches the program the options ask for and says how; tcx falls back to clsact where the kernel lacks it. */
    private static String attach(PktcountBpf skeleton, Options options, PrintStream err) {
        if (options.tcDirection() == null) {
            skeleton.progs().pktcountXdp().attachXdp(options.interfaceName(), options.xdpMode());
            return options.hook();
        }
        if (!options.clsact()) {
            try {
                skeleton.progs().pktcountTc().attachTcx(options.interfaceName(), options.tcDirection());
                return options.hook();
            } catch (BpfException e) {
                if (e.errno() != 0 && e.errno() != 22 /* EINVAL */) {
                    throw e;
                }
                err.println("pktcount: tcx is not available, using the clsact qdisc (" + e.getMessage() + ")");
            }
        }
        skeleton.progs().pktcountTc().attachTc(options.interfaceName(), options.tcDirection());
        return new Options(options.interfaceName(), options.tcDirection(), true, options.xdpMode(), options.interval(),
                options.duration()).hook();
    }

    /** Waits until stopped, printing each interval's counts when asked to. */
    private static void count(PktcountBpf skeleton, Options options, PrintStream out) throws InterruptedException {
        long start = System.nanoTime();
        long end = options.duration() == null ? Long.MAX_VALUE : start + options.duration().toNanos();
        long step = options.interval() == null ? Long.MAX_VALUE : options.interval().toNanos();
        long nextReport = options.interval() == null ? Long.MAX_VALUE : start + step;
        Report last = new Report();
        while (!stopRequested && System.nanoTime() - end < 0) {
            Thread.sleep(50);
            if (System.nanoTime() - nextReport >= 0) {
                Report now = read(skeleton);
                String time = LocalTime.now().format(TIME);
                out.println(time + " " + Report.HEADER);
                out.print(now.since(last).rows(time + " "));
                out.flush();
                last = now;
                nextReport += step;
            }
        }
    }

    /** The counters as they are now. */
    static Report read(PktcountBpf skeleton) {
        Report report = new Report();
        skeleton.maps().counts().forEach((slot, counter) -> report.set(slot, counter.packets(), counter.byteCount()));
        return report;
    }

    private static boolean interfaceExists(String name) {
        try {
            return NetworkInterface.getByName(name) != null;
        } catch (SocketException e) {
            return true; // let the attach report what is wrong
        }
    }
}
