package dev.bpfj.toolchain.clang;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cheap look at which headers a source asks for, before clang runs, so the build can fail
 * with a useful message (missing libbpf headers, missing {@code vmlinux.h}) instead of clang's
 * "file not found" wall. It follows {@code #include} lines into headers it can find in the
 * project's own include directories; it does not evaluate {@code #if}, so it may report a
 * header that a disabled branch includes, which only makes the checks stricter.
 */
final class IncludeScanner {

    private static final Pattern INCLUDE = Pattern.compile("^\\s*#\\s*include\\s*[<\"]([^>\"]+)[>\"]", Pattern.MULTILINE);
    private static final int MAX_FILES = 10_000;

    private final List<Path> searchPath;

    /**
     * Creates a scanner.
     *
     * @param searchPath the project's include directories; headers elsewhere are not followed
     */
    IncludeScanner(List<Path> searchPath) {
        this.searchPath = List.copyOf(searchPath);
    }

    /**
     * Lists every header name included from a source, directly or through project headers.
     *
     * @param source the source file
     * @return the names as written between the brackets or quotes, sorted
     */
    Set<String> includedNames(Path source) {
        return scan(source, false);
    }

    /**
     * Lists the header names included from a source, directly or through project headers, that
     * resolve to no file: not next to the including file and not in the project's include
     * directories. A {@code vmlinux.h} the project keeps itself (next to a source, in an include
     * directory, or by a relative path such as {@code "../include/vmlinux.h"}) is therefore not
     * reported, and nothing needs to be generated for it.
     *
     * @param source the source file
     * @return the unresolved names as written, sorted
     */
    Set<String> unresolvedNames(Path source) {
        return scan(source, true);
    }

    private Set<String> scan(Path source, boolean unresolvedOnly) {
        Set<String> names = new TreeSet<>();
        Set<Path> seen = new HashSet<>();
        Deque<Path> todo = new ArrayDeque<>();
        todo.add(source.toAbsolutePath().normalize());
        while (!todo.isEmpty() && seen.size() < MAX_FILES) {
            Path file = todo.poll();
            if (!seen.add(file)) {
                continue;
            }
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException unreadable) {
                // Not valid UTF-8 or unreadable: clang will report it; nothing to follow here.
                continue;
            }
            Matcher matcher = INCLUDE.matcher(text);
            while (matcher.find()) {
                String name = matcher.group(1).strip();
                Optional<Path> found = resolve(file.getParent(), name);
                if (found.isPresent()) {
                    todo.add(found.get());
                }
                if (!unresolvedOnly || found.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private Optional<Path> resolve(Path includingDir, String name) {
        try {
            Path local = includingDir.resolve(name).normalize();
            if (Files.isRegularFile(local)) {
                return Optional.of(local);
            }
            for (Path dir : searchPath) {
                Path candidate = dir.resolve(name).normalize();
                if (Files.isRegularFile(candidate)) {
                    return Optional.of(candidate);
                }
            }
        } catch (RuntimeException badName) {
            // An include name that is not a valid path: clang will say so.
        }
        return Optional.empty();
    }

    /**
     * Whether a header of that name exists in one of the directories.
     *
     * @param name        the include name, e.g. {@code bpf/bpf_helpers.h}
     * @param directories where to look
     * @return {@code true} if found
     */
    static boolean exists(String name, List<Path> directories) {
        for (Path dir : directories) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return true;
            }
        }
        return false;
    }
}
