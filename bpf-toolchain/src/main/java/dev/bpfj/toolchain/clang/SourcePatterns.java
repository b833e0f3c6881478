package dev.bpfj.toolchain.clang;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Ant-style path patterns, as Maven users know them from {@code <includes>}: {@code *} matches
 * within one path segment, {@code ?} one character of a segment, {@code **} any number of
 * segments (none included, so {@code **}{@code /*.c} also matches {@code x.c} at the top).
 * Paths are relative to the source directory and use {@code /}.
 */
final class SourcePatterns {

    private final List<String> texts;
    private final List<Pattern> patterns;

    private SourcePatterns(List<String> texts, List<Pattern> patterns) {
        this.texts = texts;
        this.patterns = patterns;
    }

    /**
     * Compiles patterns.
     *
     * @param texts the patterns as configured; blank ones are ignored
     * @return the compiled patterns
     */
    static SourcePatterns of(List<String> texts) {
        List<String> kept = new ArrayList<>(texts.size());
        List<Pattern> compiled = new ArrayList<>(texts.size());
        for (String text : texts) {
            if (text == null || text.isBlank()) {
                continue;
            }
            String pattern = text.strip().replace('\\', '/');
            while (pattern.startsWith("./")) {
                pattern = pattern.substring(2);
            }
            if (pattern.endsWith("/")) {
                // Ant's rule: a trailing slash means everything below that directory.
                pattern = pattern + "**";
            }
            kept.add(text.strip());
            compiled.add(Pattern.compile(regex(pattern)));
        }
        return new SourcePatterns(List.copyOf(kept), List.copyOf(compiled));
    }

    /** @return whether no pattern was given */
    boolean isEmpty() {
        return patterns.isEmpty();
    }

    /** @return the patterns as configured */
    List<String> texts() {
        return texts;
    }

    /**
     * Whether any pattern matches a path.
     *
     * @param relativePath a path relative to the source directory, with {@code /} separators
     * @return {@code true} if a pattern matches it
     */
    boolean matches(String relativePath) {
        for (Pattern pattern : patterns) {
            if (pattern.matcher(relativePath).matches()) {
                return true;
            }
        }
        return false;
    }

    private static String regex(String glob) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (glob.startsWith("**/", i)) {
                regex.append("(?:[^/]*/)*");
                i += 3;
            } else if (glob.startsWith("**", i)) {
                regex.append(".*");
                i += 2;
            } else if (c == '*') {
                regex.append("[^/]*");
                i++;
            } else if (c == '?') {
                regex.append("[^/]");
                i++;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return regex.toString();
    }
}
