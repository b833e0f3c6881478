package dev.bpfj.runtime.internal.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes over libbpf's print callback so that libbpf never writes to stderr behind the
 * application's back. While a {@link Capture} is open on a thread, libbpf messages printed by
 * calls on that thread are collected (the verifier log arrives this way and becomes part of a
 * {@code VerifierException}); all other messages go to the {@link System.Logger} named
 * {@value #LOGGER_NAME}.
 */
@SuppressWarnings("restricted")
public final class LibbpfLog {

    /** Name of the logger libbpf's messages are routed to. */
    public static final String LOGGER_NAME = "dev.bpfj.runtime.libbpf";

    private static final System.Logger LOGGER = System.getLogger(LOGGER_NAME);
    private static final int WARN = 0;
    private static final int INFO = 1;
    private static final int BUFFER_SIZE = 4096;
    /** sizeof(va_list): a 24-byte struct on x86-64, 32 bytes on arm64. */
    private static final long VA_LIST_SIZE = "amd64".equals(System.getProperty("os.arch")) ? 24 : 32;

    private static final ThreadLocal<Capture> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<MemorySegment> BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(BUFFER_SIZE + VA_LIST_SIZE, 16));

    private LibbpfLog() {
    }

    /** Installs the callback; called once, while libbpf is being bound. */
    static void install(SymbolLookup libbpf) {
        try {
            MethodHandle print = MethodHandles.lookup().findStatic(LibbpfLog.class, "print",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = Native.LINKER.upcallStub(print,
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            MethodHandle setPrint = Native.LINKER.downcallHandle(
                    libbpf.find("libbpf_set_print").orElseThrow(), FunctionDescriptor.of(ADDRESS, ADDRESS));
            MemorySegment previous = (MemorySegment) setPrint.invokeExact(stub);
            assert previous != null;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Starts collecting this thread's libbpf messages until the capture is closed. */
    public static Capture capture() {
        Native.ensureLibbpf();
        Capture capture = new Capture(CURRENT.get());
        CURRENT.set(capture);
        return capture;
    }

    /**
     * The upcall libbpf makes for every message. It must never throw: an exception escaping an
     * upcall terminates the JVM.
     */
    private static int print(int level, MemorySegment format, MemorySegment args) {
        try {
            Capture capture = CURRENT.get();
            System.Logger.Level javaLevel = level == WARN ? System.Logger.Level.WARNING
                    : level == INFO ? System.Logger.Level.INFO : System.Logger.Level.DEBUG;
            boolean wanted = LOGGER.isLoggable(javaLevel) || (capture != null && level <= INFO);
            if (!wanted) {
                return 0;
            }
            String text = format(format, args);
            if (capture != null) {
                capture.add(javaLevel, text);
            } else {
                LOGGER.log(javaLevel, text);
            }
        } catch (Throwable ignored) {
            // Losing one log line is better than killing the JVM from inside an upcall.
        }
        return 0;
    }

    /** Formats with vsnprintf on a copy of the va_list so that it can be retried when too long. */
    private static String format(MemorySegment format, MemorySegment args) {
        MemorySegment vaList = args.reinterpret(VA_LIST_SIZE);
        MemorySegment buffer = BUFFER.get();
        MemorySegment copy = buffer.asSlice(BUFFER_SIZE, VA_LIST_SIZE);
        copy.copyFrom(vaList);
        int length = Libc.vsnprintf(buffer, BUFFER_SIZE, format, copy);
        if (length < 0) {
            return "";
        }
        String text;
        if (length < BUFFER_SIZE) {
            text = buffer.getString(0);
        } else {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment big = arena.allocate(length + 1L);
                MemorySegment bigCopy = arena.allocate(VA_LIST_SIZE, 16);
                bigCopy.copyFrom(vaList);
                Libc.vsnprintf(big, length + 1L, format, bigCopy);
                text = big.getString(0);
            }
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    /** The libbpf messages printed on one thread between {@link #capture()} and {@link #close()}. */
    public static final class Capture implements AutoCloseable {
        private final Capture outer;
        private final List<System.Logger.Level> levels = new ArrayList<>();
        private final List<String> messages = new ArrayList<>();
        private boolean closed;

        private Capture(Capture outer) {
            this.outer = outer;
        }

        private void add(System.Logger.Level level, String text) {
            levels.add(level);
            messages.add(text);
        }

        /** Everything captured so far, one message per line. */
        public String text() {
            return String.join("\n", messages);
        }

        /** The last {@code count} warning lines (the likely cause of a failure), joined. */
        public String lastWarnings(int count) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                if (levels.get(i) == System.Logger.Level.WARNING) {
                    for (String line : messages.get(i).split("\n")) {
                        if (!line.isBlank()) {
                            lines.add(line.strip());
                        }
                    }
                }
            }
            return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        }

        /**
         * Lowers the messages captured so far that contain every one of the fragments to debug
         * level: for warnings about something the caller expected and handled.
         */
        public void lowerToDebug(String... fragments) {
            for (int i = 0; i < messages.size(); i++) {
                boolean all = true;
                for (String fragment : fragments) {
                    all &= messages.get(i).contains(fragment);
                }
                if (all) {
                    levels.set(i, System.Logger.Level.DEBUG);
                }
            }
        }

        /** Hands what was captured to the logger, for operations that succeeded. */
        public void log() {
            for (int i = 0; i < messages.size(); i++) {
                LOGGER.log(levels.get(i), messages.get(i));
            }
            levels.clear();
            messages.clear();
        }

        /** Stops capturing; messages that were not logged or read are dropped. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                CURRENT.set(outer);
            }
        }
    }
}
