package dev.bpfj.examples.opensnoop;

import java.io.Serial;

/** The command line is wrong; the message says what and how to fix it. */
public final class UsageException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with the command line
     */
    public UsageException(String message) {
        super(message);
    }
}
