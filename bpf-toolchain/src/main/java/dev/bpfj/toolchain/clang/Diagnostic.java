package dev.bpfj.toolchain.clang;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One warning or error clang printed, e.g.
 * {@code src/main/bpf/x.bpf.c:6:29: warning: unused variable 'x' [-Wunused-variable]}.
 *
 * @param file     the file the diagnostic points at, as clang printed it
 * @param line     1-based line, 0 when clang gave none
 * @param column   1-based column, 0 when clang gave none
 * @param severity what kind of diagnostic this is
 * @param message  the text after the severity, including any {@code [-Wflag]}
 */
public record Diagnostic(String file, int line, int column, Severity severity, String message) {

    /** How serious a diagnostic is, as clang labels it. */
    public enum Severity {
        /** {@code note:} extra context for the diagnostic before it. */
        NOTE,
        /** {@code warning:} the object is still produced. */
        WARNING,
        /** {@code error:} no object. */
        ERROR,
        /** {@code fatal error:} clang stopped at once (e.g. a missing header). */
        FATAL
    }

    // file:line:col: severity: message   (the column may be missing: file:line: severity: message)
    private static final Pattern LOCATED = Pattern.compile(
            "^(.+?):(\\d+):(?:(\\d+):)? (note|warning|error|fatal error): (.*)$");
    // clang: error: message   (no location: bad flags, missing input)
    private static final Pattern UNLOCATED = Pattern.compile(
            "^(?:[^\\s:]*clang[^\\s:]*|error|warning): (?:(note|warning|error|fatal error): )?(.*)$");

    /**
     * Checks the components.
     *
     * @param file     the file, or the tool name for diagnostics without a location
     * @param line     1-based line or 0
     * @param column   1-based column or 0
     * @param severity the kind
     * @param message  the text
     */
    public Diagnostic {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
    }

    /**
     * Picks the diagnostics out of everything clang printed, skipping the source excerpts and
     * caret lines that follow each one and the "N warnings generated." summary.
     *
     * @param output clang's combined stdout and stderr
     * @return the diagnostics in the order printed
     */
    public static List<Diagnostic> parse(String output) {
        List<Diagnostic> result = new ArrayList<>();
        for (String line : output.split("\r?\n")) {
            Matcher located = LOCATED.matcher(line);
            if (located.matches()) {
                int column = located.group(3) == null ? 0 : Integer.parseInt(located.group(3));
                result.add(new Diagnostic(located.group(1), Integer.parseInt(located.group(2)), column,
                        severity(located.group(4)), located.group(5)));
                continue;
            }
            Matcher unlocated = UNLOCATED.matcher(line);
            if (unlocated.matches()) {
                String kind = unlocated.group(1);
                Severity severity = kind != null ? severity(kind)
                        : line.startsWith("warning") ? Severity.WARNING : Severity.ERROR;
                String tool = line.substring(0, line.indexOf(':'));
                result.add(new Diagnostic(tool, 0, 0, severity, unlocated.group(2)));
            }
        }
        return result;
    }

    private static Severity severity(String word) {
        return word.equals("fatal error") ? Severity.FATAL : Severity.valueOf(word.toUpperCase(Locale.ROOT));
    }

    /**
     * Whether this diagnostic stops the object from being produced.
     *
     * @return {@code true} for errors and fatal errors
     */
    public boolean isError() {
        return severity == Severity.ERROR || severity == Severity.FATAL;
    }

    /**
     * The form IDEs and the Maven log understand: {@code file:line:col: message}.
     *
     * @return the diagnostic as one line
     */
    @Override
    public String toString() {
        String where = line == 0 ? file : column == 0 ? file + ":" + line : file + ":" + line + ":" + column;
        return where + ": " + severity.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + message;
    }
}
