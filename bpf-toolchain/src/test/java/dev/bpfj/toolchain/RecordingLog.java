package dev.bpfj.toolchain;

import dev.bpfj.toolchain.clang.BuildLog;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link BuildLog} for tests: keeps every line as {@code LEVEL message} ({@code DEBUG},
 * {@code INFO}, {@code WARN}, {@code ERROR}), safely from several threads (parallel compiles log
 * concurrently).
 */
public final class RecordingLog implements BuildLog {

    private final List<String> lines = new ArrayList<>();

    @Override
    public void debug(String message) {
        add("DEBUG " + message);
    }

    @Override
    public void info(String message) {
        add("INFO " + message);
    }

    @Override
    public void warn(String message) {
        add("WARN " + message);
    }

    @Override
    public void error(String message) {
        add("ERROR " + message);
    }

    private synchronized void add(String line) {
        lines.add(line);
    }

    /** @return the info, warning and error lines so far, in order: what Maven shows by default */
    public synchronized List<String> lines() {
        return lines.stream().filter(line -> !line.startsWith("DEBUG ")).toList();
    }

    /** @return every line so far, debug lines included, in order */
    public synchronized List<String> allLines() {
        return List.copyOf(lines);
    }
}
