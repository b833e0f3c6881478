package dev.bpfj.toolchain.validate;

import java.util.Objects;

/**
 * Something in a BPF object that the kernel or libbpf would reject later (an {@link Severity#ERROR})
 * or that is probably a mistake ({@link Severity#WARNING}), found at build time.
 *
 * @param severity whether it fails the build
 * @param source   the source file the object was compiled from (or the object's name when unknown)
 * @param subject  what the problem is about: {@code program handle_openat}, {@code map events},
 *                 {@code section "maps"}, {@code object}
 * @param message  what is wrong
 * @param fix      how to fix it
 * @param rule     the validation rule that found it, or null for a problem no rule stands for
 */
public record Problem(Severity severity, String source, String subject, String message, String fix, Rule rule) {

    /** Whether a problem fails the build. */
    public enum Severity {
        /** The object would be rejected (or would not work); the build fails. */
        ERROR,
        /** Probably a mistake; fails the build only with {@code bpf.failOnWarning}. */
        WARNING
    }

    /**
     * Checks the components.
     *
     * @param severity whether it fails the build
     * @param source   the source file
     * @param subject  what the problem is about
     * @param message  what is wrong
     * @param fix      how to fix it
     * @param rule     the rule that found it, or null
     */
    public Problem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(fix, "fix");
    }

    /**
     * A problem no validation rule stands for.
     *
     * @param severity whether it fails the build
     * @param source   the source file
     * @param subject  what the problem is about
     * @param message  what is wrong
     * @param fix      how to fix it
     */
    public Problem(Severity severity, String source, String subject, String message, String fix) {
        this(severity, source, subject, message, fix, null);
    }

    /**
     * The same problem with another severity (a build's {@link ValidationSettings} changed it).
     *
     * @param newSeverity the severity to report
     * @return a copy with that severity
     */
    public Problem withSeverity(Severity newSeverity) {
        return new Problem(newSeverity, source, subject, message, fix, rule);
    }

    /**
     * One line for the build log:
     * {@code x.bpf.c: program handle: [BPF010 section-unknown] <message> Fix: <fix>}.
     *
     * @return the problem as one line
     */
    @Override
    public String toString() {
        return source + ": " + subject + ": " + (rule == null ? "" : rule.tag() + " ") + message + " Fix: " + fix;
    }
}
