package dev.bpfj.toolchain.clang;

/**
 * Where the toolchain reports progress. The Maven plugin adapts its own logger to this; tests
 * collect the lines. Implementations must be safe to call from several threads, because
 * sources compile in parallel.
 */
public interface BuildLog {

    /**
     * Reports detail that is useful when something goes wrong: paths, command lines.
     *
     * @param message the line to log
     */
    void debug(String message);

    /**
     * Reports one step of the build.
     *
     * @param message the line to log
     */
    void info(String message);

    /**
     * Reports something the user should look at that does not fail the build by itself.
     *
     * @param message the line to log
     */
    void warn(String message);

    /**
     * Reports something that fails the build.
     *
     * @param message the line to log
     */
    void error(String message);

    /**
     * A log that drops everything.
     *
     * @return a log that discards all messages
     */
    static BuildLog silent() {
        return new BuildLog() {
            @Override
            public void debug(String message) {
            }

            @Override
            public void info(String message) {
            }

            @Override
            public void warn(String message) {
            }

            @Override
            public void error(String message) {
            }
        };
    }
}
