package dev.bpfj.examples.hello;

import dev.bpfj.runtime.BpfException;
import dev.bpfj.runtime.TracePipe;
import dev.bpfj.runtime.TraceRecord;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar hello.jar [-p PID] [-c COUNT] [-d SECONDS]}: attaches hello.bpf.o to
 * {@code syscalls/sys_enter_openat} and prints each message the program writes to the trace
 * buffer, until Ctrl-C, COUNT messages, or SECONDS seconds.
 *
 * <p>The trace pipe is shared by the whole machine: other programs' {@code bpf_printk} output
 * shows too, and another reader of trace_pipe takes lines away from this one.
 *
 * <p>The BPF side is reached through {@link HelloBpf}, the class {@code bpf:skeleton} generates
 * from hello.bpf.o. Ctrl-C and SIGTERM go through a shutdown hook that lets the loop detach and
 * then exits with status 0 (see the opensnoop example's main class for why not {@code sun.misc.Signal}).
 */
public final class Hello {

    private static volatile boolean stopRequested;
    /** Counted down by main once the example is done, with {@link #exitStatus} set. */
    private static final CountDownLatch FINISHED = new CountDownLatch(1);
    private static volatile int exitStatus = 1;

    private Hello() {
    }

    /**
     * Runs the example and exits with its status: 0, 1 when tracing fails, 2 for bad arguments.
     *
     * @param args {@code -p PID}, {@code -c COUNT}, {@code -d SECONDS}, {@code -h}
     */
    public static void main(String[] args) {
        int status = 1;
        try {
            status = run(args);
        } finally {
            // before System.exit, which would block for ever if a signal already began the shutdown
            exitStatus = status;
            FINISHED.countDown();
        }
        System.exit(status);
    }

    static int run(String[] args) {
        int pid = 0;
        long count = Long.MAX_VALUE;
        long seconds = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "-p", "--pid" -> pid = Integer.parseInt(value(args, ++i));
                    case "-c", "--count" -> count = Long.parseLong(value(args, ++i));
                    case "-d", "--duration" -> seconds = Long.parseLong(value(args, ++i));
                    case "-h", "--help" -> {
                        System.out.println("Usage: hello [-p PID] [-c COUNT] [-d SECONDS]\n"
                                + "Prints \"Hello world\" from the kernel for every openat() call.");
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("hello: " + e.getMessage() + "; usage: hello [-p PID] [-c COUNT] [-d SECONDS]");
            return 2;
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
        }, "hello-stop"));
        long deadline = seconds > 0 ? System.nanoTime() + Duration.ofSeconds(seconds).toNanos() : Long.MAX_VALUE;
        try (HelloBpf skeleton = HelloBpf.open();
                TracePipe pipe = TracePipe.open()) {
            skeleton.rodata().targPid(pid);
            skeleton.load();
            skeleton.attach();
            System.out.println("Attached to syscalls/sys_enter_openat; printing trace_pipe (Ctrl-C to stop)");
            System.out.flush();
            long seen = 0;
            while (!stopRequested && seen < count && System.nanoTime() - deadline < 0) {
                TraceRecord record = pipe.next(Duration.ofMillis(100));
                if (record != null && record.message().contains("Hello world")) {
                    System.out.printf("%-16s %-7d %s%n", record.task(), record.pid(), record.message());
                    System.out.flush();
                    seen++;
                }
            }
            return 0;
        } catch (BpfException e) {
            System.err.println("hello: " + e.getMessage());
            return 1;
        }
    }

    private static String value(String[] args, int index) {
        if (index >= args.length) {
            throw new IllegalArgumentException("option '" + args[index - 1] + "' requires a value");
        }
        return args[index];
    }
}
