package dev.bpfj.runtime;

/**
 * The kernel's verifier rejected a program. The message carries the last useful lines of the
 * verifier log (usually the failing instruction and the reason); {@link #log()} has all of it.
 */
public final class VerifierException extends BpfException {

    private static final long serialVersionUID = 1L;
    private static final int SUMMARY_LINES = 8;

    private final String program;
    private final String log;

    /**
     * Creates the exception.
     *
     * @param object  the object name
     * @param program the rejected program's name, or null if libbpf did not say
     * @param errno   the positive errno of the load
     * @param log     the whole verifier log
     */
    public VerifierException(String object, String program, int errno, String log) {
        super("load program", (program == null ? "?" : program) + " of object " + object, errno,
                "the verifier rejected it", summary(log));
        this.program = program;
        this.log = log;
    }

    /** The rejected program's name, or null when libbpf did not name it. */
    public String program() {
        return program;
    }

    /** The whole verifier log. */
    public String log() {
        return log;
    }

    /** The last lines of the log, minus the statistics lines the verifier ends with. */
    static String summary(String log) {
        String[] lines = log.strip().split("\n");
        int end = lines.length;
        while (end > 0 && (lines[end - 1].isBlank() || lines[end - 1].startsWith("processed ")
                || lines[end - 1].startsWith("verification time") || lines[end - 1].startsWith("stack depth"))) {
            end--;
        }
        int start = Math.max(0, end - SUMMARY_LINES);
        StringBuilder text = new StringBuilder("verifier log (last lines; VerifierException.log() has all):");
        for (int i = start; i < end; i++) {
            text.append("\n  ").append(lines[i]);
        }
        return text.toString();
    }
}
