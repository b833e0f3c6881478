package dev.bpfj.toolchain.validate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a build tells the validator: the oldest libbpf the application will meet, and rules whose
 * severity it changes (a rule the validator cannot know is wrong for this project can be lowered
 * to a warning or switched off; a warning can be raised to an error).
 *
 * <p>Immutable; {@link #defaults()} is libbpf 1.0 and every rule at its default severity.
 */
public final class ValidationSettings {

    /** What a build makes of a rule's problems. */
    public enum Level {
        /** The problem fails the build. */
        ERROR,
        /** The problem is logged; the build goes on (unless bpf.failOnWarning). */
        WARNING,
        /** The problem is not reported. */
        IGNORE
    }

    private static final ValidationSettings DEFAULTS =
            new ValidationSettings(LibbpfVersion.OLDEST_SUPPORTED, new EnumMap<>(Rule.class));

    private final LibbpfVersion minLibbpf;
    private final Map<Rule, Level> levels;

    private ValidationSettings(LibbpfVersion minLibbpf, Map<Rule, Level> levels) {
        this.minLibbpf = minLibbpf;
        Map<Rule, Level> copy = new EnumMap<>(Rule.class);
        copy.putAll(levels);
        this.levels = Collections.unmodifiableMap(copy);
    }

    /** @return libbpf 1.0 as the minimum and every rule at its default severity */
    public static ValidationSettings defaults() {
        return DEFAULTS;
    }

    /**
     * Settings from a build's configuration.
     *
     * @param minLibbpf the oldest libbpf the application targets ({@code 1.3}); null or blank for 1.0
     * @param rules     rule id or short name to {@code error}, {@code warning} or {@code ignore}
     *                  (also {@code off}/{@code none} for ignore, {@code warn} for warning)
     * @return the settings
     * @throws IllegalArgumentException naming the bad entry and the accepted values
     */
    public static ValidationSettings of(String minLibbpf, Map<String, String> rules) {
        LibbpfVersion min = minLibbpf == null || minLibbpf.isBlank() ? LibbpfVersion.OLDEST_SUPPORTED
                : LibbpfVersion.parse(minLibbpf);
        if (min.isOlderThan(LibbpfVersion.OLDEST_SUPPORTED)) {
            throw new IllegalArgumentException("minimum libbpf " + min + " is older than bpfj's runtime supports ("
                    + LibbpfVersion.OLDEST_SUPPORTED + "); set bpf.minLibbpf to " + LibbpfVersion.OLDEST_SUPPORTED
                    + " or newer");
        }
        Map<Rule, Level> levels = new EnumMap<>(Rule.class);
        for (Map.Entry<String, String> entry : rules.entrySet()) {
            Rule rule = Rule.find(entry.getKey()).orElseThrow(() -> new IllegalArgumentException(
                    "unknown validation rule '" + entry.getKey() + "': use an id or name from docs/validation.md, "
                            + "e.g. BPF036 or map-unused"));
            Level level = level(entry.getValue(), rule);
            if (level != Level.ERROR && rule.defaultSeverity() == Problem.Severity.ERROR && !rule.lowerable()) {
                throw new IllegalArgumentException("validation rule " + rule.tag() + " cannot be lowered to "
                        + level.name().toLowerCase(Locale.ROOT) + ": an object it refuses is unusable for the "
                        + "skeleton and the loader alike");
            }
            levels.put(rule, level);
        }
        return new ValidationSettings(min, levels);
    }

    private static Level level(String text, Rule rule) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        switch (value) {
            case "error":
                return Level.ERROR;
            case "warning":
            case "warn":
                return Level.WARNING;
            case "ignore":
            case "off":
            case "none":
                return Level.IGNORE;
            default:
                throw new IllegalArgumentException("validation rule " + rule.tag() + " is set to '" + text
                        + "': use error, warning or ignore");
        }
    }

    /** @return the oldest libbpf the application targets */
    public LibbpfVersion minLibbpf() {
        return minLibbpf;
    }

    /**
     * The level a build gives a rule.
     *
     * @param rule a rule
     * @return the configured level, or the rule's default severity
     */
    public Level level(Rule rule) {
        Level level = levels.get(rule);
        if (level != null) {
            return level;
        }
        return rule.defaultSeverity() == Problem.Severity.ERROR ? Level.ERROR : Level.WARNING;
    }

    /** @return the rules this build changed, and how */
    public Map<Rule, Level> overrides() {
        return levels;
    }

    /**
     * Applies the configured levels: a problem's severity becomes its rule's level, and ignored
     * rules' problems are dropped. Problems without a rule stay as they are.
     *
     * @param problems what the validator found
     * @return what the build reports
     */
    public List<Problem> apply(List<Problem> problems) {
        if (levels.isEmpty()) {
            return problems;
        }
        List<Problem> kept = new ArrayList<>(problems.size());
        for (Problem problem : problems) {
            if (problem.rule() == null) {
                kept.add(problem);
                continue;
            }
            Level level = levels.get(problem.rule());
            if (level == null) {
                kept.add(problem);
            } else if (level != Level.IGNORE) {
                kept.add(problem.withSeverity(level == Level.ERROR ? Problem.Severity.ERROR : Problem.Severity.WARNING));
            }
        }
        return kept;
    }

    /**
     * A stable text of the settings, for the build's configuration fingerprint (changing a rule
     * must validate the objects again).
     *
     * @return e.g. {@code minLibbpf=1.0;BPF036=IGNORE}
     */
    public String fingerprint() {
        StringBuilder text = new StringBuilder("minLibbpf=").append(minLibbpf);
        for (Map.Entry<Rule, Level> entry : levels.entrySet()) {
            text.append(';').append(entry.getKey().id()).append('=').append(entry.getValue());
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ValidationSettings that && minLibbpf.equals(that.minLibbpf) && levels.equals(that.levels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(minLibbpf, levels);
    }

    @Override
    public String toString() {
        return "ValidationSettings[" + fingerprint() + "]";
    }
}
