package dev.bpfj.examples.opensnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpfj.examples.opensnoop.OpensnoopBpf.OpensnoopEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LineFormatterTest {

    private static final Instant AT = Instant.parse("2026-03-04T05:06:07.891Z");
    private static final long AT_NANOS = AT.getEpochSecond() * 1_000_000_000L + AT.getNano();

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void free() {
        arena.close();
    }

    private static Options columns(boolean timestamp, boolean printUid, boolean extended) {
        return new Options(0, 0, Optional.empty(), false, Optional.empty(), Optional.empty(),
                extended, timestamp, printUid, false, false, false, 0, 0);
    }

    private static String line(Options options, OpensnoopEvent event) {
        return line(new LineFormatter(options, () -> ZoneOffset.UTC), event, AT_NANOS, null);
    }

    private static String line(LineFormatter formatter, OpensnoopEvent event, long wallClockNanos, String path) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            formatter.format(event, wallClockNanos, path, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private OpensnoopEvent event(int ret, int flags, int mode, String path) {
        return Events.record(arena, 4242, 1000, ret, flags, mode, FullPathResolver.AT_FDCWD, "cat", path, 0);
    }

    @Test
    void classicHeader() {
        assertEquals("PID    COMM              FD ERR PATH\n",
                new LineFormatter(columns(false, false, false), () -> ZoneOffset.UTC).header());
    }

    @Test
    void headerWithEveryOptionalColumn() {
        assertEquals("TIME     UID     PID    COMM              FD ERR FLAGS    MODE PATH\n",
                new LineFormatter(columns(true, true, true), () -> ZoneOffset.UTC).header());
    }

    @Test
    void successfulOpenMatchesTheClassicFormat() {
        String expected = String.format("%-6d %-16s %3d %3d %s%n", 4242, "cat", 3, 0, "/etc/passwd");
        assertEquals(expected, line(columns(false, false, false), event(3, 0, 0, "/etc/passwd")));
    }

    @Test
    void failedOpenShowsMinusOneAndTheErrno() {
        assertEquals("4242   cat               -1   2 /nope\n",
                line(columns(false, false, false), event(-2, 0, 0, "/nope")));
    }

    @Test
    void timestampUidAndExtendedColumns() {
        // O_WRONLY|O_CREAT|O_TRUNC with mode 0644
        String expected = String.format("%-8s %-7d %-6d %-16s %3d %3d %08o %04o %s%n",
                "05:06:07", 1000, 4242, "cat", 5, 0, 01101, 0644, "out.txt");
        assertEquals(expected, line(columns(true, true, true), event(5, 01101, 0644, "out.txt")));
    }

    @Test
    void modeIsNotApplicableWithoutCreate() {
        assertEquals("4242   cat                3   0 02100000 n/a  /etc/hosts\n",
                line(columns(false, false, true), event(3, 02100000, 0, "/etc/hosts")));
    }

    @Test
    void modeIsNotApplicableWithoutCreateWhateverTheRegisterHeld() {
        // open(path, O_RDONLY) leaves the third argument unset: the BPF side reads leftovers
        assertEquals("4242   cat                3   0 00000000 n/a  /etc/hosts\n",
                line(columns(false, false, true), event(3, 0, 0x7ffd1234, "/etc/hosts")));
        assertEquals("4242   cat                3   0 02000001 n/a  /dev/null\n",
                line(columns(false, false, true), event(3, 02000001, 0777, "/dev/null")));
        // O_DIRECTORY alone is half of O_TMPFILE's bits, not O_TMPFILE
        assertEquals("4242   cat                3   0 00200000 n/a  /tmp\n",
                line(columns(false, false, true), event(3, 0200000, 0600, "/tmp")));
    }

    @Test
    void tmpfileShowsItsMode() {
        assertEquals("4242   cat                3   0 20200002 0600 /tmp\n",
                line(columns(false, false, true), event(3, 020200002, 0600, "/tmp")));
    }

    @Test
    void largeUidPrintsUnsignedAndLongCommFillsItsColumn() {
        OpensnoopEvent event = Events.record(arena, 1234567, (int) 4294967294L, 12, 0, 0, FullPathResolver.AT_FDCWD,
                "fifteen-letters", "x", 0);
        assertEquals("4294967294 1234567 fifteen-letters   12   0 x\n", line(columns(false, true, false), event));
    }

    @Test
    void resolvedPathReplacesTheRecordsAndTimeFollowsTheSecond() {
        LineFormatter formatter = new LineFormatter(columns(true, false, false), () -> ZoneOffset.UTC);
        OpensnoopEvent event = event(3, 0, 0, "notes.txt");
        assertEquals("05:06:07 4242   cat                3   0 /home/me/notes.txt\n",
                line(formatter, event, AT_NANOS, "/home/me/notes.txt"));
        // the cached HH:MM:SS must change with the second, including backwards
        assertEquals("05:06:08 4242   cat                3   0 notes.txt\n",
                line(formatter, event, AT_NANOS + 1_000_000_000L, null));
        assertEquals("05:06:07 4242   cat                3   0 notes.txt\n", line(formatter, event, AT_NANOS, null));
    }

    @Test
    void pathBytesAreWrittenAsTheKernelGaveThem() {
        OpensnoopEvent event = event(3, 0, 0, "/tmp/ü");
        assertEquals("4242   cat                3   0 /tmp/ü\n", line(columns(false, false, false), event));
    }

    @Test
    void longestPathFitsTheLine() {
        String longest = "/" + "a".repeat(EventText.PATH_SIZE - 2);
        String expected = String.format("%-8s %-7d %-6d %-16s %3d %3d %08o %04o %s%n",
                "05:06:07", 1000, 4242, "cat", 3, 0, 0100, 0644, longest);
        assertEquals(expected, line(columns(true, true, true), event(3, 0100, 0644, longest)));
    }
}
