package dev.bpfj.examples.pktcount;

import dev.bpfj.runtime.TcDirection;
import dev.bpfj.runtime.XdpMode;
import java.time.Duration;
import java.util.Locale;

/**
 * pktcount's command line, parsed and checked.
 *
 * @param interfaceName the interface to count on
 * @param tcDirection   null for XDP, else the tc direction to count
 * @param clsact        with tc: use the classic clsact qdisc even where tcx exists
 * @param xdpMode       the XDP mode
 * @param interval      how often to print the last interval's counts, or null for only the total at exit
 * @param duration      when to stop by itself, or null to run until Ctrl-C
 */
record Options(String interfaceName, TcDirection tcDirection, boolean clsact, XdpMode xdpMode, Duration interval,
        Duration duration) {

    /** The usage text {@code --help} prints. */
    static final String USAGE = """
            Usage: pktcount [OPTION...] INTERFACE
            Counts the packets and bytes on INTERFACE per protocol (tcp, udp, icmp, icmpv6, arp, ...)
            and prints the totals when it stops.

              --tc ingress|egress   count with a tc program in that direction instead of XDP
                                    (a tcx link on kernel 6.6+, else a filter on the clsact qdisc)
              --clsact              with --tc: use the clsact qdisc even where tcx exists
              --xdp-mode MODE       default, generic or driver (XDP only; default: the kernel picks)
              -i, --interval SEC    also print each interval's counts every SEC seconds
              -d, --duration SEC    stop after SEC seconds (default: at Ctrl-C or SIGTERM)
              -h, --help            print this help

            XDP sees the packets INTERFACE receives; --tc egress the ones it sends.
            Exit status: 0 success, 1 counting failed (no such interface, no privileges, ...), 2 bad usage.
            """;

    /** Parses the arguments; a {@link UsageException} says what is wrong. Returns null for {@code --help}. */
    static Options parse(String... args) {
        String name = null;
        TcDirection direction = null;
        boolean clsact = false;
        XdpMode mode = XdpMode.DEFAULT;
        Duration interval = null;
        Duration duration = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--tc" -> direction = switch (value(args, ++i).toLowerCase(Locale.ROOT)) {
                    case "ingress" -> TcDirection.INGRESS;
                    case "egress" -> TcDirection.EGRESS;
                    default -> throw new UsageException("--tc takes ingress or egress, not '" + args[i] + "'");
                };
                case "--clsact" -> clsact = true;
                case "--xdp-mode" -> mode = switch (value(args, ++i).toLowerCase(Locale.ROOT)) {
                    case "default" -> XdpMode.DEFAULT;
                    case "generic", "skb" -> XdpMode.GENERIC;
                    case "driver", "native" -> XdpMode.DRIVER;
                    default -> throw new UsageException("--xdp-mode takes default, generic or driver, not '" + args[i] + "'");
                };
                case "-i", "--interval" -> interval = seconds(arg, value(args, ++i));
                case "-d", "--duration" -> duration = seconds(arg, value(args, ++i));
                default -> {
                    if (arg.startsWith("-")) {
                        throw new UsageException("unknown option '" + arg + "'");
                    }
                    if (name != null) {
                        throw new UsageException("one interface only, got '" + name + "' and '" + arg + "'");
                    }
                    name = arg;
                }
            }
        }
        if (name == null) {
            throw new UsageException("which interface? (see: ip link show)");
        }
        if (clsact && direction == null) {
            throw new UsageException("--clsact needs --tc ingress|egress");
        }
        if (direction != null && mode != XdpMode.DEFAULT) {
            throw new UsageException("--xdp-mode is for XDP; it cannot go with --tc");
        }
        return new Options(name, direction, clsact, mode, interval, duration);
    }

    /** How the counting program is attached, for messages: {@code xdp (default mode)}, {@code tcx egress}, … */
    String hook() {
        if (tcDirection == null) {
            return "xdp (" + xdpMode.name().toLowerCase(Locale.ROOT) + " mode)";
        }
        return (clsact ? "tc " : "tcx ") + tcDirection.name().toLowerCase(Locale.ROOT) + (clsact ? " (clsact)" : "");
    }

    private static String value(String[] args, int index) {
        if (index >= args.length) {
            throw new UsageException("option '" + args[index - 1] + "' needs a value");
        }
        return args[index];
    }

    private static Duration seconds(String option, String text) {
        try {
            long value = Long.parseLong(text);
            if (value <= 0) {
                throw new UsageException(option + " takes a positive number of seconds, not " + text);
            }
            return Duration.ofSeconds(value);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " takes a number of seconds, not '" + text + "'");
        }
    }
}
