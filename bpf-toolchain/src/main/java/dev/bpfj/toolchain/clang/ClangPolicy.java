package dev.bpfj.toolchain.clang;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How the build chooses its clang when no path is configured.
 *
 * @param mode   {@link Mode#AUTO}: a system clang that is recent enough and targets BPF, else the
 *               pinned one; {@link Mode#SYSTEM}: only the {@code PATH}; {@link Mode#PINNED}: only
 *               the pinned artifact
 * @param pinned where the pinned clang comes from, or empty where none can be had (another
 *               platform, or a caller without Maven)
 */
public record ClangPolicy(Mode mode, Optional<PinnedClangSource> pinned) {

    /** The ways of choosing. */
    public enum Mode {
        /** A usable clang on the {@code PATH}, else the pinned artifact. */
        AUTO,
        /** Only a clang on the {@code PATH}. */
        SYSTEM,
        /** Only the pinned artifact, whatever the {@code PATH} holds: byte-identical objects everywhere. */
        PINNED
    }

    /** The policy of callers that know no pinned clang: the {@code PATH} only. */
    public static final ClangPolicy SYSTEM_ONLY = new ClangPolicy(Mode.SYSTEM, Optional.empty());

    /**
     * Checks the components.
     *
     * @param mode   how to choose
     * @param pinned the pinned clang's source, if any
     */
    public ClangPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(pinned, "pinned");
    }

    /**
     * Reads the word a user may give instead of a path in {@code bpf.clang}.
     *
     * @param value the configured value
     * @return the mode it names, or empty when it is a path
     */
    public static Optional<Mode> modeNamed(String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(Mode.AUTO);
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> Optional.of(Mode.AUTO);
            case "system", "path" -> Optional.of(Mode.SYSTEM);
            case "maven", "pinned" -> Optional.of(Mode.PINNED);
            default -> Optional.empty();
        };
    }
}
