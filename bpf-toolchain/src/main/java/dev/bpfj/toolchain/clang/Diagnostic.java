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
 * @param includedFrom where the diagnostic's file was included from, outermost first, as clang's
 *                     "In file included from FILE:LINE:" lines gave them ({@code FILE:LINE}); empty
 *                     for a diagnostic in the source itself
 */
public record Diagnostic(String file, int line, int column, Severity severity, String message, List<String> includedFrom) {

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
    // In file included from FILE:LINE:   (one line per level, outermost first, before the diagnostic)
    private static final Pattern INCLUDED_FROM = Pattern.compile("^In file included from (.+):(\\d+):$");
    // The BPF backend of clang 17 and older reports what it cannot compile this way and then crashes
    // ("fatal error: error in backend: Cannot select: ...", a stack dump, exit status 70):
    // Error at line 12: Unsupport signed division for DAG: <nodes>, x.bpf.c:12:17 @[ ... ]Please convert to unsigned div/mod.
    private static final Pattern BACKEND_LINE_ERROR = Pattern.compile("^Error at line (\\d+): (.*)$");
    private static final Pattern BACKEND_LOCATION = Pattern.compile(", ([^\\s,]+):(\\d+):(\\d+)(?: @\\[[^\\]]*\\])?");
    private static final Pattern BACKEND_FATAL = Pattern.compile("^fatal error: error in backend: (.*)$");
    private static final Pattern IN_FUNCTION = Pattern.compile("^In function: (\\S+)$");

    /**
     * A diagnostic clang printed in the file it names, not reached through an include.
     *
     * @param file     the file, or the tool name for diagnostics without a location
     * @param line     1-based line or 0
     * @param column   1-based column or 0
     * @param severity the kind
     * @param message  the text
     */
    public Diagnostic(String file, int line, int column, Severity severity, String message) {
        this(file, line, column, severity, message, List.of());
    }

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
        includedFrom = includedFrom == null ? List.of() : List.copyOf(includedFrom);
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
        List<String> includes = new ArrayList<>();
        Diagnostic backendFatal = null;
        boolean backendLineError = false;
        for (String line : output.split("\r?\n")) {
            Matcher included = INCLUDED_FROM.matcher(line);
            if (included.matches()) {
                includes.add(included.group(1) + ":" + included.group(2));
                continue;
            }
            Matcher located = LOCATED.matcher(line);
            if (located.matches()) {
                int column = located.group(3) == null ? 0 : Integer.parseInt(located.group(3));
                Severity severity = severity(located.group(4));
                // A note continues the diagnostic before it and has no include chain of its own.
                List<String> chain = severity == Severity.NOTE ? List.of() : List.copyOf(includes);
                result.add(new Diagnostic(located.group(1), Integer.parseInt(located.group(2)), column,
                        severity, located.group(5), chain));
                includes.clear();
                continue;
            }
            Matcher backend = BACKEND_LINE_ERROR.matcher(line);
            if (backend.matches()) {
                result.add(backendError(Integer.parseInt(backend.group(1)), backend.group(2)));
                backendLineError = true;
                continue;
            }
            Matcher fatal = BACKEND_FATAL.matcher(line);
            if (fatal.matches()) {
                backendFatal = new Diagnostic("clang", 0, 0, Severity.FATAL, "error in backend: " + shortened(fatal.group(1)));
                continue;
            }
            Matcher function = IN_FUNCTION.matcher(line);
            if (function.matches() && backendFatal != null && !backendLineError) {
                backendFatal = new Diagnostic(backendFatal.file(), 0, 0, Severity.FATAL,
                        backendFatal.message() + " (in function " + function.group(1) + ")");
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
        // The backend's own crash line repeats what "Error at line" said, as a node dump; it is the
        // only clue when there is no such line.
        if (backendFatal != null && !backendLineError) {
            result.add(0, backendFatal);
        }
        return result;
    }

    /**
     * An "Error at line N:" report of the BPF backend, located at the source position its node
     * dump names, without the dump: {@code x.bpf.c:12:17: error: Unsupport signed division. Please
     * convert to unsigned div/mod.}
     */
    private static Diagnostic backendError(int line, String text) {
        int dag = text.indexOf(" for DAG:");
        String what = (dag >= 0 ? text.substring(0, dag) : shortened(text)).strip();
        Matcher location = BACKEND_LOCATION.matcher(text);
        String file = "clang";
        int sourceLine = line;
        int column = 0;
        int end = -1;
        if (location.find()) {
            file = location.group(1);
            sourceLine = Integer.parseInt(location.group(2));
            column = Integer.parseInt(location.group(3));
            end = location.end();
        }
        String advice = end >= 0 ? text.substring(end).strip() : "";
        String message = what + " (clang's BPF backend cannot compile this)"
                + (advice.isEmpty() ? "" : ". " + advice);
        return new Diagnostic(file, file.equals("clang") ? 0 : sourceLine, column, Severity.ERROR, message);
    }

    /** A backend message without the instruction-selection node dump that follows its first words. */
    private static String shortened(String text) {
        int node = text.indexOf(" 0x");
        String shorter = node > 0 ? text.substring(0, node).strip() : text;
        return shorter.length() > 200 ? shorter.substring(0, 200) + "..." : shorter;
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
        String text = where + ": " + severity.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + message;
        if (!includedFrom.isEmpty()) {
            text += " (included from " + String.join(" <- ", reversed(includedFrom)) + ")";
        }
        String hint = hint();
        return hint == null ? text : text + ". Fix: " + hint;
    }

    /** What to do about a diagnostic whose cause is known and not obvious from clang's words, or null. */
    String hint() {
        if (message.contains("'gnu/stubs-32.h' file not found")) {
            return "glibc's headers take -target bpf for a 32-bit target and want its 32-bit variant; install the"
                    + " 32-bit libc headers (Debian/Ubuntu: libc6-dev-i386, Fedora: glibc-devel.i686), or include no"
                    + " libc header from BPF code (the chain above shows which include brings one in)";
        }
        if (message.startsWith("clang frontend command failed")) {
            return "clang crashed on this source (the error in backend above says where); a newer clang may compile it:"
                    + " -Dbpf.clang=maven builds with the pinned clang 20";
        }
        return null;
    }

    private static List<String> reversed(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
