package dev.bpfj.maven;

import dev.bpfj.toolchain.clang.BuildLog;
import java.util.Objects;
import org.apache.maven.plugin.logging.Log;

/** Adapts Maven's logger to the toolchain's {@link BuildLog}. */
final class MavenBuildLog implements BuildLog {

    private final Log log;

    /**
     * Wraps a Maven logger.
     *
     * @param log the Mojo's logger
     */
    MavenBuildLog(Log log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public void debug(String message) {
        log.debug(message);
    }

    @Override
    public void info(String message) {
        log.info(message);
    }

    @Override
    public void warn(String message) {
        log.warn(message);
    }

    @Override
    public void error(String message) {
        log.error(message);
    }
}
