package dev.bpfj.toolchain.clang;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the make-style dependency file clang writes with {@code -MD -MF}: {@code target: dep
 * dep \<newline> dep}. Only the prerequisites matter to the incremental build, which
 * recompiles a source when any of them changed.
 *
 * <p>Escapes as clang writes them: {@code "\ "} is a space in a file name, {@code "\#"} a hash,
 * {@code "$$"} a dollar sign; a backslash before a newline continues the line.
 */
public final class DepFile {

    private DepFile() {
    }

    /**
     * Parses a dependency file's text.
     *
     * @param text the file's content
     * @return the prerequisites of all rules, in order, without duplicates
     * @throws IllegalArgumentException if the text has no rule (no {@code ':'} separator)
     */
    public static List<String> prerequisites(String text) {
        // Join continuation lines first, so each rule becomes one logical line.
        String joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
        Set<String> result = new LinkedHashSet<>();
        boolean sawRule = false;
        // split("\n") takes String's fast path; "\r?\n" would compile a regex on every build.
        for (String line : joined.replace("\r\n", "\n").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> words = words(line);
            int colon = -1;
            for (int i = 0; i < words.size(); i++) {
                String word = words.get(i);
                if (word.endsWith(":") && !word.endsWith("\\:")) {
                    colon = i;
                    words.set(i, word.substring(0, word.length() - 1));
                    break;
                }
                if (word.equals(":")) {
                    colon = i;
                    break;
                }
            }
            if (colon < 0) {
                continue;
            }
            sawRule = true;
            for (String word : words.subList(colon + 1, words.size())) {
                if (!word.isEmpty()) {
                    result.add(word);
                }
            }
        }
        if (!sawRule) {
            throw new IllegalArgumentException("not a make dependency file: no 'target: prerequisites' rule");
        }
        return List.copyOf(result);
    }

    /** Splits on unescaped blanks and undoes the escapes clang applies. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == ' ' || line.charAt(i + 1) == '#')) {
                word.append(line.charAt(++i));
            } else if (c == '$' && i + 1 < line.length() && line.charAt(i + 1) == '$') {
                word.append('$');
                i++;
            } else if (c == ' ' || c == '\t') {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }
}
