package dev.bpfj.runtime;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of {@code trace_pipe}, typically a {@code bpf_printk} message.
 *
 * @param task      the command name of the task that printed (may be {@code <...>})
 * @param pid       its thread id
 * @param cpu       the CPU it ran on
 * @param flags     the irq/preemption flags column, like {@code d..31}
 * @param timestamp seconds since boot on the trace clock
 * @param message   the text; for {@code bpf_printk} without the {@code bpf_trace_printk: } prefix
 */
public record TraceRecord(String task, int pid, int cpu, String flags, double timestamp, String message) {

    // task-pid, an optional "(tgid)" column, [cpu], flags, timestamp: function: message
    private static final Pattern LINE = Pattern.compile(
            "^\\s*(.+?)-(\\d+)\\s+(?:\\(\\s*[-\\d]+\\)\\s+)?\\[(\\d+)\\]\\s+(?:(\\S+)\\s+)?(\\d+\\.\\d+):\\s+(\\S+?):\\s?(.*)$");
    private static final String PRINTK = "bpf_trace_printk";

    /** Parses a {@code trace_pipe} line; null when it is not a record line. */
    public static TraceRecord parse(String line) {
        Matcher matcher = LINE.matcher(line);
        if (!matcher.matches()) {
            return null;
        }
        String function = matcher.group(6);
        String message = matcher.group(7);
        if (!PRINTK.equals(function)) {
            message = function + ": " + message;
        }
        return new TraceRecord(matcher.group(1), Integer.parseInt(matcher.group(2)), Integer.parseInt(matcher.group(3)),
                matcher.group(4) == null ? "" : matcher.group(4), Double.parseDouble(matcher.group(5)), message);
    }
}
