package dev.bpfj.examples.opensnoop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns the relative path of an event into an absolute one (option {@code -F}): against the
 * process's working directory ({@code /proc/PID/cwd}) when it opened relative to the cwd, or
 * against the directory its {@code dfd} refers to ({@code /proc/PID/fd/DFD}) for {@code openat}
 * with a directory descriptor — which the classic tool leaves relative.
 *
 * <p>The lookup happens after the event, so a process that has exited or changed directory in
 * between gives the wrong answer or none; then the path is printed as the program passed it.
 */
public final class FullPathResolver {

    /** {@code dfd} value meaning "the current working directory". */
    public static final int AT_FDCWD = -100;

    private final Path proc;

    /**
     * Creates a resolver reading the given proc file system.
     *
     * @param proc where procfs is mounted, normally {@code /proc}
     */
    public FullPathResolver(Path proc) {
        this.proc = proc;
    }

    /**
     * Resolves the path of an open.
     *
     * @param pid  the process that opened it
     * @param dfd  the directory descriptor it passed ({@link #AT_FDCWD}: the working directory)
     * @param path the path as it passed it
     * @return the absolute path, or {@code path} when it is already absolute or cannot be resolved
     */
    public String resolve(int pid, int dfd, String path) {
        if (path.startsWith("/") || path.isEmpty()) {
            return path;
        }
        Path process = proc.resolve(Integer.toString(pid));
        Path link = dfd == AT_FDCWD ? process.resolve("cwd") : process.resolve("fd").resolve(Integer.toString(dfd));
        try {
            String base = Files.readSymbolicLink(link).toString();
            return base.endsWith("/") ? base + path : base + "/" + path;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return path;
        }
    }
}
