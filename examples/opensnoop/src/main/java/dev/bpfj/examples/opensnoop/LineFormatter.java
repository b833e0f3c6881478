package dev.bpfj.examples.opensnoop;

import dev.bpfj.examples.opensnoop.OpensnoopBpf.OpensnoopEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.function.Supplier;

/**
 * Formats the header and the event lines exactly as the classic opensnoop prints them, so that
 * scripts written for it read ours: {@code [TIME ][UID ]PID COMM FD ERR [FLAGS MODE ]PATH} with
 * the widths {@code %-8s}, {@code %-7d}, {@code %-6d %-16s %3d %3d}, {@code %08o %04o}.
 *
 * <p>Formatting is hand-written rather than {@code String.format}, and into bytes rather than
 * text, because it runs once per event at up to a million events a second: one reused buffer,
 * no objects per line. An instance is for one thread.
 */
public final class LineFormatter {

    /** O_CREAT and O_TMPFILE (x86-64 and arm64 values): the flags for which MODE means something. */
    static final int O_CREAT = 0100;
    static final int O_TMPFILE = 020200000;

    private final boolean timestamp;
    private final boolean printUid;
    private final boolean extended;
    /** Asked once, at the first TIME column: loading the zone rules is slow and can wait until after attach. */
    private final Supplier<ZoneId> zoneSource;
    private ZoneId zone;

    /** "n/a" and its padding to the MODE column's width, then the separating space. */
    private static final byte[] NOT_APPLICABLE = "n/a  ".getBytes(StandardCharsets.US_ASCII);
    /** The widest prefix (every column) plus the longest path the BPF side sends and a newline. */
    private final byte[] line = new byte[128 + EventText.PATH_SIZE + 1];
    /** Scratch space for one number, written from its end. */
    private final byte[] number = new byte[24];
    /** HH:MM:SS of {@link #timeSecond}, cached because consecutive events share their second. */
    private final byte[] timeText = "00:00:00".getBytes(StandardCharsets.US_ASCII);
    private long timeSecond = Long.MIN_VALUE;
    private int at;

    /**
     * Creates a formatter for these options' columns.
     *
     * @param options which optional columns to print
     * @param zone    the time zone of the TIME column, asked for when the first line needs it
     */
    public LineFormatter(Options options, Supplier<ZoneId> zone) {
        this.timestamp = options.timestamp();
        this.printUid = options.printUid();
        this.extended = options.extended();
        this.zoneSource = zone;
    }

    /**
     * The header line, with its newline.
     *
     * @return for the default columns {@code "PID    COMM              FD ERR PATH\n"}
     */
    public String header() {
        StringBuilder out = new StringBuilder(64);
        if (timestamp) {
            padRight(out, "TIME", 8).append(' ');
        }
        if (printUid) {
            padRight(out, "UID", 7).append(' ');
        }
        padRight(out, "PID", 6).append(' ');
        padRight(out, "COMM", 16).append(' ');
        padLeft(out, "FD", 3).append(' ');
        padLeft(out, "ERR", 3).append(' ');
        if (extended) {
            padRight(out, "FLAGS", 8).append(' ');
            padRight(out, "MODE", 4).append(' ');
        }
        return out.append("PATH\n").toString();
    }

    /**
     * Writes one event's line, with its newline. Nothing is allocated unless the TIME column
     * enters a new second or {@code resolvedPath} is given: the line is assembled in a buffer
     * this formatter owns, with the command name and path copied from the record as raw bytes.
     *
     * @param event          the event; its record must hold the whole header
     * @param wallClockNanos when the event happened, in nanoseconds since the epoch (the TIME
     *                       column shows its local HH:MM:SS)
     * @param resolvedPath   the path to print instead of the event's (option {@code -F}), or null
     * @param out            where to write
     * @throws IOException when {@code out} fails
     */
    public void format(OpensnoopEvent event, long wallClockNanos, String resolvedPath, OutputStream out)
            throws IOException {
        at = 0;
        if (timestamp) {
            long second = Math.floorDiv(wallClockNanos, 1_000_000_000L);
            if (second != timeSecond) {
                if (zone == null) {
                    zone = zoneSource.get();
                }
                LocalTime time = LocalTime.ofInstant(Instant.ofEpochSecond(second), zone);
                timeText[0] = digit(time.getHour() / 10);
                timeText[1] = digit(time.getHour() % 10);
                timeText[3] = digit(time.getMinute() / 10);
                timeText[4] = digit(time.getMinute() % 10);
                timeText[6] = digit(time.getSecond() / 10);
                timeText[7] = digit(time.getSecond() % 10);
                timeSecond = second;
            }
            System.arraycopy(timeText, 0, line, at, timeText.length);
            at += timeText.length;
            line[at++] = ' ';
        }
        if (printUid) {
            padRight(decimal(Integer.toUnsignedLong(event.uid())), 7);
        }
        padRight(decimal(event.pid()), 6);
        int comm = EventText.commLength(event);
        EventText.copyComm(event, comm, line, at);
        at += comm;
        pad(16 - comm);
        line[at++] = ' ';
        int ret = event.ret();
        padLeft(decimal(ret >= 0 ? ret : -1), 3);
        padLeft(decimal(ret >= 0 ? 0 : -(long) ret), 3);
        if (extended) {
            int flags = event.flags();
            padLeft(octal(Integer.toUnsignedLong(flags)), 8, (byte) '0');
            // Without O_CREAT or O_TMPFILE the kernel ignores the mode argument, and what the BPF
            // side read is whatever the caller's register held: not worth printing.
            if ((flags & O_CREAT) == 0 && (flags & O_TMPFILE) != O_TMPFILE) {
                for (byte b : NOT_APPLICABLE) {
                    line[at++] = b;
                }
            } else {
                padLeft(octal(Integer.toUnsignedLong(event.mode())), 4, (byte) '0');
            }
        }
        if (resolvedPath == null) {
            int path = EventText.pathLength(event);
            EventText.copyPath(event, path, line, at);
            at += path;
            line[at++] = '\n';
            out.write(line, 0, at);
        } else {
            out.write(line, 0, at);
            out.write(resolvedPath.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
    }

    private static byte digit(int value) {
        return (byte) ('0' + value);
    }

    /** Writes {@code value} in decimal at the end of {@link #number}; returns where it starts. */
    private int decimal(long value) {
        boolean negative = value < 0;
        long rest = Math.abs(value);
        int start = number.length;
        do {
            number[--start] = digit((int) (rest % 10));
            rest /= 10;
        } while (rest != 0);
        if (negative) {
            number[--start] = '-';
        }
        return start;
    }

    /** Writes the non-negative {@code value} in octal at the end of {@link #number}; returns where it starts. */
    private int octal(long value) {
        int start = number.length;
        long rest = value;
        do {
            number[--start] = digit((int) (rest & 7));
            rest >>>= 3;
        } while (rest != 0);
        return start;
    }

    /** Copies the number starting at {@code start}, then spaces up to {@code width}, then one space. */
    private void padRight(int start, int width) {
        int length = number.length - start;
        System.arraycopy(number, start, line, at, length);
        at += length;
        pad(width - length);
        line[at++] = ' ';
    }

    private void padLeft(int start, int width) {
        padLeft(start, width, (byte) ' ');
    }

    /** Copies {@code fill} up to {@code width}, then the number starting at {@code start}, then one space. */
    private void padLeft(int start, int width, byte fill) {
        int length = number.length - start;
        for (int i = length; i < width; i++) {
            line[at++] = fill;
        }
        System.arraycopy(number, start, line, at, length);
        at += length;
        line[at++] = ' ';
    }

    private void pad(int count) {
        for (int i = 0; i < count; i++) {
            line[at++] = ' ';
        }
    }

    private static StringBuilder padRight(StringBuilder out, String text, int width) {
        out.append(text);
        for (int i = text.length(); i < width; i++) {
            out.append(' ');
        }
        return out;
    }

    private static StringBuilder padLeft(StringBuilder out, String text, int width) {
        for (int i = text.length(); i < width; i++) {
            out.append(' ');
        }
        return out.append(text);
    }
}
