package dev.bpfj.examples.opensnoop;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses opensnoop's arguments the way the classic tool (GNU argp) does: short options may be
 * grouped ({@code -xTU}) and take their value attached or as the next argument ({@code -p42},
 * {@code -p 42}); long options take {@code --pid=42} or {@code --pid 42} and may be abbreviated
 * to any unambiguous prefix ({@code --dur=1}); {@code --} ends the options. {@code -?} is
 * {@code --help}, and {@code --usage} prints the short synopsis.
 */
public final class CommandLine {

    /** The most bytes a command name has in the kernel (TASK_COMM_LEN without the NUL). */
    static final int MAX_COMM = 15;
    /** The largest uid; (u32)-1 is the invalid uid the BPF program reads as "any user". */
    static final long MAX_UID = 0xFFFF_FFFEL;
    private static final long PAGE = 4096;

    /** What the user asked opensnoop to do. */
    public sealed interface Request permits Run, ShowHelp, ShowUsage, ShowVersion {
    }

    /**
     * Trace with these options.
     *
     * @param options the parsed options
     */
    public record Run(Options options) implements Request {
    }

    /** Print the help and exit. */
    public record ShowHelp() implements Request {
    }

    /** Print the short usage synopsis ({@code --usage}) and exit. */
    public record ShowUsage() implements Request {
    }

    /** Print the version and exit. */
    public record ShowVersion() implements Request {
    }

    private enum Opt {
        PID('p', "pid", true),
        TID('t', "tid", true),
        UID('u', "uid", true),
        FAILED('x', "failed", false),
        DURATION('d', "duration", true),
        NAME('n', "name", true),
        EXTENDED('e', "extended-fields", false),
        TIMESTAMP('T', "timestamp", false),
        PRINT_UID('U', "print-uid", false),
        FULL_PATH('F', "full-path", false),
        VERBOSE('v', "verbose", false),
        HELP('h', "help", false),
        HELP_QUESTION('?', "help", false),
        USAGE('\0', "usage", false),
        VERSION('V', "version", false),
        PERF_BUFFER('\0', "perf-buffer", false),
        RING_SIZE('\0', "ring-size", true),
        PERF_PAGES('\0', "perf-pages", true);

        final char shortName;
        final String longName;
        final boolean takesValue;

        Opt(char shortName, String longName, boolean takesValue) {
            this.shortName = shortName;
            this.longName = longName;
            this.takesValue = takesValue;
        }

        String display() {
            return shortName != '\0' ? "-" + shortName + "/--" + longName : "--" + longName;
        }
    }

    private CommandLine() {
    }

    /**
     * Parses the arguments.
     *
     * @param args the command-line arguments, without the program name
     * @return what to do
     * @throws UsageException when an option is unknown, lacks its value or has a bad value
     */
    public static Request parse(List<String> args) throws UsageException {
        Builder builder = new Builder();
        boolean help = false;
        boolean usage = false;
        boolean version = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                if (i + 1 < args.size()) {
                    throw new UsageException("unexpected argument '" + args.get(i + 1)
                            + "' (opensnoop takes only options)");
                }
                break;
            }
            if (arg.startsWith("--")) {
                String body = arg.substring(2);
                int eq = body.indexOf('=');
                Opt opt = byLongName(eq < 0 ? body : body.substring(0, eq));
                String name = opt.longName;
                String value = null;
                if (opt.takesValue) {
                    if (eq >= 0) {
                        value = body.substring(eq + 1);
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    } else {
                        throw new UsageException("option '--" + name + "' requires a value");
                    }
                } else if (eq >= 0) {
                    throw new UsageException("option '--" + name + "' takes no value");
                }
                help |= opt == Opt.HELP || opt == Opt.HELP_QUESTION;
                usage |= opt == Opt.USAGE;
                version |= opt == Opt.VERSION;
                builder.apply(opt, value);
            } else if (arg.startsWith("-") && arg.length() > 1) {
                for (int j = 1; j < arg.length(); j++) {
                    Opt opt = byShortName(arg.charAt(j));
                    String value = null;
                    if (opt.takesValue) {
                        if (j + 1 < arg.length()) {
                            value = arg.substring(j + 1);
                        } else if (i + 1 < args.size()) {
                            value = args.get(++i);
                        } else {
                            throw new UsageException("option '-" + opt.shortName + "' requires a value");
                        }
                        j = arg.length();
                    }
                    help |= opt == Opt.HELP || opt == Opt.HELP_QUESTION;
                    version |= opt == Opt.VERSION;
                    builder.apply(opt, value);
                }
            } else {
                throw new UsageException("unexpected argument '" + arg + "' (opensnoop takes only options)");
            }
        }
        if (help) {
            return new ShowHelp();
        }
        if (usage) {
            return new ShowUsage();
        }
        if (version) {
            return new ShowVersion();
        }
        return new Run(builder.build());
    }

    /**
     * The text {@code --help} prints: one screen, at most 80 columns.
     *
     * @return the help text, ending with a newline
     */
    public static String help() {
        return """
                Usage: opensnoop [OPTION...]
                Trace open(), openat() and openat2() system calls.

                Examples:
                  opensnoop              # trace all opens
                  opensnoop -T           # include timestamps
                  opensnoop -U           # include UID
                  opensnoop -x           # only show failed opens
                  opensnoop -p 181       # only trace PID 181
                  opensnoop -t 123       # only trace TID 123
                  opensnoop -u 1000      # only trace UID 1000
                  opensnoop -d 10        # trace for 10 seconds only
                  opensnoop -n main      # only print process names containing "main"
                  opensnoop -e           # show extended fields
                  opensnoop -F           # print full paths

                Options:
                  -p, --pid=PID          Process ID to trace
                  -t, --tid=TID          Thread ID to trace
                  -u, --uid=UID          User ID to trace
                  -x, --failed           Failed opens only
                  -d, --duration=SECS    Duration to trace
                  -n, --name=NAME        Trace process names containing this
                  -e, --extended-fields  Print extended fields (FLAGS, MODE)
                  -T, --timestamp        Print timestamp
                  -U, --print-uid        Print UID
                  -F, --full-path        Print full paths of relative names
                  -v, --verbose          Verbose debug output
                      --perf-buffer      Use a perf buffer instead of the ring buffer
                      --ring-size=BYTES  Ring buffer size, power of two (K, M suffixes)
                      --perf-pages=N     Perf buffer pages per CPU, power of two
                  -h, -?, --help         Give this help list
                      --usage            Give a short usage message
                  -V, --version          Print program version

                Long options may be abbreviated: --dur=10 is --duration=10.

                Needs root, or CAP_BPF and CAP_PERFMON. Lost events are reported on stderr.
                """;
    }

    /**
     * The text {@code --usage} prints: the synopsis of every option, as argp lays it out.
     *
     * @return the usage text, ending with a newline
     */
    public static String usage() {
        return """
                Usage: opensnoop [-?eFhTUvVx] [-d SECS] [-n NAME] [-p PID] [-t TID] [-u UID]
                            [--duration=SECS] [--extended-fields] [--failed] [--full-path]
                            [--help] [--name=NAME] [--perf-buffer] [--perf-pages=N] [--pid=PID]
                            [--print-uid] [--ring-size=BYTES] [--tid=TID] [--timestamp]
                            [--uid=UID] [--usage] [--verbose] [--version]
                """;
    }

    /**
     * The option a long name means: the option of exactly that name, else the only one whose name
     * starts with it (GNU getopt's abbreviations).
     */
    private static Opt byLongName(String name) throws UsageException {
        List<Opt> candidates = new java.util.ArrayList<>();
        for (Opt opt : Opt.values()) {
            if (opt.longName.equals(name)) {
                return opt;
            }
            if (!name.isEmpty() && opt.longName.startsWith(name) && opt != Opt.HELP_QUESTION) {
                candidates.add(opt);
            }
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        if (candidates.isEmpty()) {
            throw new UsageException("unrecognized option '--" + name + "'");
        }
        StringBuilder message = new StringBuilder("option '--").append(name)
                .append("' is ambiguous; possibilities:");
        for (Opt opt : candidates) {
            message.append(" '--").append(opt.longName).append('\'');
        }
        throw new UsageException(message.append(" (type more of the name)").toString());
    }

    private static Opt byShortName(char name) throws UsageException {
        for (Opt opt : Opt.values()) {
            if (opt.shortName != '\0' && opt.shortName == name) {
                return opt;
            }
        }
        throw new UsageException("invalid option -- '" + name + "'");
    }

    /** Collects option values; mutable only inside {@link #parse}. */
    private static final class Builder {
        private int pid;
        private int tid;
        private Optional<Integer> uid = Optional.empty();
        private boolean failed;
        private Optional<Duration> duration = Optional.empty();
        private Optional<String> name = Optional.empty();
        private boolean extended;
        private boolean timestamp;
        private boolean printUid;
        private boolean fullPath;
        private boolean verbose;
        private boolean perfBuffer;
        private long ringSize;
        private int perfPages;

        void apply(Opt opt, String value) throws UsageException {
            switch (opt) {
                case PID -> pid = (int) number(opt, value, 1, Integer.MAX_VALUE, "PID");
                case TID -> tid = (int) number(opt, value, 1, Integer.MAX_VALUE, "TID");
                case UID -> uid = Optional.of((int) number(opt, value, 0, MAX_UID, "UID"));
                case FAILED -> failed = true;
                case DURATION -> duration = Optional.of(
                        Duration.ofSeconds(number(opt, value, 1, Integer.MAX_VALUE, "duration in seconds")));
                case NAME -> name = Optional.of(commName(value));
                case EXTENDED -> extended = true;
                case TIMESTAMP -> timestamp = true;
                case PRINT_UID -> printUid = true;
                case FULL_PATH -> fullPath = true;
                case VERBOSE -> verbose = true;
                case PERF_BUFFER -> perfBuffer = true;
                case RING_SIZE -> ringSize = ringSize(value);
                case PERF_PAGES -> {
                    long pages = number(opt, value, 1, 1 << 20, "page count");
                    if (Long.bitCount(pages) != 1) {
                        throw new UsageException("invalid --perf-pages '" + value
                                + "': must be a power of two, for example 64");
                    }
                    perfPages = (int) pages;
                }
                case HELP, HELP_QUESTION, USAGE, VERSION -> {
                    // decided by parse(): help, usage and version win over everything else
                }
            }
        }

        Options build() {
            return new Options(pid, tid, uid, failed, duration, name, extended, timestamp,
                    printUid, fullPath, verbose, perfBuffer, ringSize, perfPages);
        }

        private static long number(Opt opt, String value, long min, long max, String what)
                throws UsageException {
            long parsed;
            try {
                parsed = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new UsageException("invalid " + what + " '" + value + "' for " + opt.display()
                        + ": expected a whole number");
            }
            if (parsed < min || parsed > max) {
                throw new UsageException("invalid " + what + " '" + value + "' for " + opt.display()
                        + ": must be between " + min + " and " + max);
            }
            return parsed;
        }

        private static String commName(String value) throws UsageException {
            if (value.isEmpty()) {
                throw new UsageException("invalid name '' for -n/--name: give part of a command name");
            }
            if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_COMM) {
                throw new UsageException("invalid name '" + value + "' for -n/--name: the kernel keeps at most "
                        + MAX_COMM + " bytes of a command name, so it could never match");
            }
            return value;
        }

        private static long ringSize(String value) throws UsageException {
            String text = value.trim().toUpperCase(Locale.ROOT);
            long unit = 1;
            if (text.endsWith("K")) {
                unit = 1024;
            } else if (text.endsWith("M")) {
                unit = 1024 * 1024;
            }
            if (unit != 1) {
                text = text.substring(0, text.length() - 1);
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(Long.parseLong(text), unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new UsageException("invalid --ring-size '" + value + "': expected bytes, like 4096, 256K or 16M");
            }
            if (bytes < PAGE || bytes > (1L << 30) || Long.bitCount(bytes) != 1) {
                throw new UsageException("invalid --ring-size '" + value
                        + "': must be a power of two between 4K and 1024M");
            }
            return bytes;
        }
    }
}
