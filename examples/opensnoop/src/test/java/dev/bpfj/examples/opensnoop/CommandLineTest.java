package dev.bpfj.examples.opensnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    private static Options run(String... args) throws UsageException {
        return assertInstanceOf(CommandLine.Run.class, CommandLine.parse(List.of(args))).options();
    }

    private static String usageError(String... args) {
        return assertThrows(UsageException.class, () -> CommandLine.parse(List.of(args))).getMessage();
    }

    @Test
    void noArgumentsTracesEverything() throws UsageException {
        assertEquals(Options.defaults(), run());
    }

    @Test
    void everyShortOptionWithSeparateValues() throws UsageException {
        Options options = run("-p", "42", "-t", "43", "-u", "1000", "-x", "-d", "5", "-n", "java",
                "-e", "-T", "-U", "-F", "-v");
        assertEquals(new Options(42, 43, Optional.of(1000), true, Optional.of(Duration.ofSeconds(5)),
                Optional.of("java"), true, true, true, true, true, false, 0, 0), options);
    }

    @Test
    void everyLongOptionBothForms() throws UsageException {
        Options options = run("--pid=42", "--tid", "43", "--uid=0", "--failed", "--duration", "7",
                "--name=ba", "--extended-fields", "--timestamp", "--print-uid", "--full-path", "--verbose",
                "--perf-buffer", "--ring-size=64K", "--perf-pages", "8");
        assertEquals(new Options(42, 43, Optional.of(0), true, Optional.of(Duration.ofSeconds(7)),
                Optional.of("ba"), true, true, true, true, true, true, 65536, 8), options);
    }

    @Test
    void groupedShortFlagsAndAttachedValue() throws UsageException {
        Options options = run("-xTUp123");
        assertTrue(options.failedOnly());
        assertTrue(options.timestamp());
        assertTrue(options.printUid());
        assertEquals(123, options.pid());
        assertFalse(options.extended());
    }

    @Test
    void largestUidIsKeptUnsigned() throws UsageException {
        assertEquals(Optional.of((int) 0xFFFF_FFFEL), run("-u", "4294967294").uid());
        assertTrue(usageError("-u", "4294967295").contains("between 0 and 4294967294"));
    }

    @Test
    void ringSizeSuffixesAndPowerOfTwo() throws UsageException {
        assertEquals(4096, run("--ring-size", "4096").ringSizeBytes());
        assertEquals(16L << 20, run("--ring-size", "16m").ringSizeBytes());
        assertTrue(usageError("--ring-size", "5000").contains("power of two"));
        assertTrue(usageError("--ring-size", "2K").contains("between 4K"));
        assertTrue(usageError("--ring-size", "big").contains("expected bytes"));
        assertTrue(usageError("--perf-pages", "3").contains("power of two"));
    }

    @Test
    void helpAndVersionWinOverOtherOptions() throws UsageException {
        assertInstanceOf(CommandLine.ShowHelp.class, CommandLine.parse(List.of("-p", "1", "-h")));
        assertInstanceOf(CommandLine.ShowHelp.class, CommandLine.parse(List.of("--help")));
        assertInstanceOf(CommandLine.ShowVersion.class, CommandLine.parse(List.of("-V")));
        assertInstanceOf(CommandLine.ShowVersion.class, CommandLine.parse(List.of("--version")));
    }

    @Test
    void questionMarkIsHelpAndUsageIsTheSynopsis() throws UsageException {
        assertInstanceOf(CommandLine.ShowHelp.class, CommandLine.parse(List.of("-?")));
        assertInstanceOf(CommandLine.ShowHelp.class, CommandLine.parse(List.of("-x?")));
        assertInstanceOf(CommandLine.ShowUsage.class, CommandLine.parse(List.of("--usage")));
        assertInstanceOf(CommandLine.ShowUsage.class, CommandLine.parse(List.of("--us")));
        assertInstanceOf(CommandLine.ShowHelp.class, CommandLine.parse(List.of("--usage", "-?")));
        String usage = CommandLine.usage();
        assertTrue(usage.startsWith("Usage: opensnoop [-?eFhTUvVx] "), usage);
        for (String line : usage.lines().toList()) {
            assertTrue(line.length() <= 80, "too wide: " + line);
        }
        for (String option : List.of("--pid=PID", "--tid=TID", "--uid=UID", "--failed", "--duration=SECS",
                "--name=NAME", "--extended-fields", "--timestamp", "--print-uid", "--full-path", "--verbose",
                "--help", "--usage", "--version", "--perf-buffer", "--ring-size=BYTES", "--perf-pages=N")) {
            assertTrue(usage.contains("[" + option + "]"), option + " missing from usage");
        }
    }

    @Test
    void unambiguousLongOptionPrefixesAreAccepted() throws UsageException {
        assertEquals(Optional.of(Duration.ofSeconds(1)), run("--dur=1").duration());
        assertEquals(Optional.of(Duration.ofSeconds(2)), run("--d", "2").duration());
        assertEquals(7, run("--pi=7").pid());
        assertTrue(run("--ext").extended());
        assertTrue(run("--perf-b").perfBuffer());
        assertEquals(16, run("--perf-p=16").perfPages());
        assertInstanceOf(CommandLine.ShowVersion.class, CommandLine.parse(List.of("--vers")));
        assertInstanceOf(CommandLine.ShowHelp.class, CommandLine.parse(List.of("--he")));
        // the abbreviation's option keeps its rules, under its full name
        assertEquals("option '--failed' takes no value", usageError("--fa=yes"));
        assertEquals("option '--duration' requires a value", usageError("--du"));
    }

    @Test
    void ambiguousLongOptionPrefixesAreRejectedWithThePossibilities() {
        assertEquals("option '--p' is ambiguous; possibilities: '--pid' '--print-uid' '--perf-buffer'"
                + " '--perf-pages' (type more of the name)", usageError("--p=1"));
        assertEquals("option '--perf' is ambiguous; possibilities: '--perf-buffer' '--perf-pages'"
                + " (type more of the name)", usageError("--perf"));
        assertEquals("option '--u' is ambiguous; possibilities: '--uid' '--usage' (type more of the name)",
                usageError("--u", "0"));
        assertEquals("option '--ver' is ambiguous; possibilities: '--verbose' '--version' (type more of the name)",
                usageError("--ver"));
        assertEquals("unrecognized option '--'", usageError("--="));
    }

    @Test
    void badInputNamesTheOptionAndTheFix() {
        assertEquals("invalid PID 'abc' for -p/--pid: expected a whole number", usageError("-p", "abc"));
        assertEquals("invalid PID '0' for -p/--pid: must be between 1 and 2147483647", usageError("--pid=0"));
        assertEquals("invalid TID '-3' for -t/--tid: must be between 1 and 2147483647", usageError("-t", "-3"));
        assertEquals("invalid duration in seconds '0' for -d/--duration: must be between 1 and 2147483647",
                usageError("-d", "0"));
        assertEquals("option '-p' requires a value", usageError("-p"));
        assertEquals("option '--pid' requires a value", usageError("--pid"));
        assertEquals("option '--failed' takes no value", usageError("--failed=yes"));
        assertEquals("unrecognized option '--bogus'", usageError("--bogus"));
        assertEquals("invalid option -- 'z'", usageError("-xz"));
        assertEquals("unexpected argument 'foo' (opensnoop takes only options)", usageError("foo"));
        assertEquals("unexpected argument 'bar' (opensnoop takes only options)", usageError("--", "bar"));
        assertTrue(usageError("-n", "a-very-long-command-name").contains("at most 15 bytes"));
        assertTrue(usageError("-n", "").contains("give part of a command name"));
    }

    @Test
    void helpFitsATerminalAndListsEveryOption() {
        String help = CommandLine.help();
        List<String> lines = help.lines().toList();
        assertTrue(lines.size() <= 48, "help has " + lines.size() + " lines");
        for (String line : lines) {
            assertTrue(line.length() <= 80, "too wide: " + line);
        }
        for (String option : List.of("--pid", "--tid", "--uid", "--failed", "--duration", "--name",
                "--extended-fields", "--timestamp", "--print-uid", "--full-path", "--verbose", "--help",
                "--version", "--perf-buffer", "--ring-size", "--perf-pages", "--usage", "-?")) {
            assertTrue(help.contains(option), option + " missing from help");
        }
    }
}
