package dev.bpfj.toolchain.clang;

import java.util.List;

/**
 * The build cannot go on because of the user's sources, configuration or machine: no usable
 * clang, missing libbpf headers, a compile error, an object the kernel would reject. The
 * message says what is wrong and how to fix it; {@link #details()} carries the individual
 * diagnostics or problems when there are several.
 *
 * <p>Failures of the toolchain itself (an I/O error writing the output directory, a bug) are
 * reported as other exceptions so that the plugin can tell the two apart.
 */
public final class BpfBuildException extends Exception {

    private static final long serialVersionUID = 1L;

    // Transient: List is not Serializable as a type; a deserialised copy reports no details.
    private final transient List<String> details;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and how to fix it
     */
    public BpfBuildException(String message) {
        this(message, List.of(), null);
    }

    /**
     * Creates the exception with the individual problems that caused it.
     *
     * @param message what is wrong and how to fix it
     * @param details one line per diagnostic or problem, already formatted for the user
     */
    public BpfBuildException(String message, List<String> details) {
        this(message, details, null);
    }

    /**
     * Creates the exception with the individual problems and an underlying cause.
     *
     * @param message what is wrong and how to fix it
     * @param details one line per diagnostic or problem
     * @param cause   the underlying cause, or {@code null}
     */
    public BpfBuildException(String message, List<String> details, Throwable cause) {
        super(withDetails(message, details), cause);
        this.details = List.copyOf(details);
    }

    private static String withDetails(String message, List<String> details) {
        if (details.isEmpty()) {
            return message;
        }
        StringBuilder text = new StringBuilder(message);
        for (String detail : details) {
            text.append(System.lineSeparator()).append("  ").append(detail);
        }
        return text.toString();
    }

    /** @return the individual diagnostics or problems, one formatted line each; may be empty */
    public List<String> details() {
        return details == null ? List.of() : details;
    }
}
