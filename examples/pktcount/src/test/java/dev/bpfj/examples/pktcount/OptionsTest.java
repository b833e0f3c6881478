package dev.bpfj.examples.pktcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.runtime.TcDirection;
import dev.bpfj.runtime.XdpMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaultsToXdpUntilStopped() {
        assertEquals(new Options("eth0", null, false, XdpMode.DEFAULT, null, null), Options.parse("eth0"));
        assertEquals("xdp (default mode)", Options.parse("eth0").hook());
    }

    @Test
    void readsEveryOption() {
        Options options = Options.parse("--tc", "EGRESS", "--clsact", "-i", "2", "--duration", "30", "veth0");
        assertEquals(new Options("veth0", TcDirection.EGRESS, true, XdpMode.DEFAULT, Duration.ofSeconds(2),
                Duration.ofSeconds(30)), options);
        assertEquals("tc egress (clsact)", options.hook());
        assertEquals("tcx ingress", Options.parse("--tc", "ingress", "lo").hook());
        assertEquals(XdpMode.GENERIC, Options.parse("--xdp-mode", "generic", "lo").xdpMode());
        assertNull(Options.parse("lo", "--help"));
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        assertEquals("which interface? (see: ip link show)", message());
        assertEquals("--tc takes ingress or egress, not 'up'", message("--tc", "up", "lo"));
        assertEquals("one interface only, got 'a' and 'b'", message("a", "b"));
        assertEquals("--clsact needs --tc ingress|egress", message("--clsact", "lo"));
        assertEquals("--xdp-mode is for XDP; it cannot go with --tc", message("--tc", "ingress", "--xdp-mode", "driver", "lo"));
        assertEquals("-d takes a number of seconds, not 'x'", message("-d", "x", "lo"));
        assertEquals("-i takes a positive number of seconds, not 0", message("-i", "0", "lo"));
        assertEquals("option '-d' needs a value", message("lo", "-d"));
        assertEquals("unknown option '-z'", message("-z", "lo"));
    }

    @Test
    void usageErrorsExitWithTwoAndHelpWithZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(Pktcount.EXIT_USAGE, Pktcount.run(new String[] {"--tc"}, print(out), print(err)));
        assertEquals("pktcount: option '--tc' needs a value\nTry 'pktcount --help' for more information.\n",
                err.toString(StandardCharsets.UTF_8));
        assertEquals(Pktcount.EXIT_OK, Pktcount.run(new String[] {"-h"}, print(out), print(err)));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: pktcount [OPTION...] INTERFACE\n"));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String message(String... args) {
        return assertThrows(UsageException.class, () -> Options.parse(args)).getMessage();
    }
}
