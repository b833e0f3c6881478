package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Errno;

/**
 * The kernel or libbpf refused an operation. The message says what was attempted first, on
 * what, why, and how to fix it where that is known, for example
 * {@code load object opensnoop: Operation not permitted (EPERM); needs root, or CAP_BPF and CAP_PERFMON}.
 */
public class BpfException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String operation;
    private final String target;
    private final int errno;
    private final String hint;

    /**
     * Creates an exception.
     *
     * @param operation what was attempted, like {@code "load object"} or {@code "attach program"}
     * @param target    the object, program or map name, or null
     * @param errno     the positive errno (or libbpf error code), or 0 when there is none
     * @param hint      how to fix it, or null
     */
    public BpfException(String operation, String target, int errno, String hint) {
        this(operation, target, errno, hint, null);
    }

    /**
     * Creates an exception with extra detail appended to the message (for example libbpf's last
     * warning lines).
     *
     * @param operation what was attempted
     * @param target    the object, program or map name, or null
     * @param errno     the positive errno, or 0
     * @param hint      how to fix it, or null
     * @param detail    further lines for the message, or null
     */
    public BpfException(String operation, String target, int errno, String hint, String detail) {
        super(message(operation, target, errno, hint, detail));
        this.operation = operation;
        this.target = target;
        this.errno = Math.abs(errno);
        this.hint = hint;
    }

    private static String message(String operation, String target, int errno, String hint, String detail) {
        StringBuilder text = new StringBuilder(operation);
        if (target != null) {
            text.append(' ').append(target);
        }
        int positive = Math.abs(errno);
        if (positive != 0) {
            text.append(": ").append(Errno.message(positive)).append(" (").append(Errno.name(positive)).append(')');
        }
        if (hint != null) {
            text.append(positive != 0 ? "; " : ": ").append(hint);
        }
        if (detail != null && !detail.isBlank()) {
            text.append('\n').append(detail);
        }
        return text.toString();
    }

    /** What was attempted, like {@code "load object"}. */
    public String operation() {
        return operation;
    }

    /** The object, program or map the operation was on, or null. */
    public String target() {
        return target;
    }

    /** The positive errno, or 0 when the failure had none. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name like {@code EPERM}, or null when there is no errno. */
    public String errnoName() {
        return errno == 0 ? null : Errno.name(errno);
    }

    /** How to fix the problem, or null when no hint applies. */
    public String hint() {
        return hint;
    }
}
