package dev.bpfj.toolchain.clang;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Chooses the clang a build runs: the configured path; else, by the {@link ClangPolicy}, the
 * {@code PATH}'s clang, the pinned artifact, or (the default) the first of the two that is
 * usable — a system clang that is missing, too old or without the BPF backend gives way to the
 * pinned one, and the log says why.
 */
public final class ClangSelector {

    /** Checks a candidate executable: runs it, or reuses what an earlier build learnt of it. */
    @FunctionalInterface
    public interface Prober {
        /**
         * Checks one executable.
         *
         * @param executable the candidate
         * @return the checked clang
         * @throws BpfBuildException    when it is unusable
         * @throws IOException          when it cannot be run
         * @throws InterruptedException when the build is interrupted
         */
        Clang probe(Path executable) throws BpfBuildException, IOException, InterruptedException;
    }

    private final ClangLocator locator;
    private final BuildLog log;

    /**
     * Creates a selector.
     *
     * @param locator searches the {@code PATH}
     * @param log     where a fallback to the pinned clang is explained
     */
    public ClangSelector(ClangLocator locator, BuildLog log) {
        this.locator = Objects.requireNonNull(locator, "locator");
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * Chooses and checks clang.
     *
     * @param configured the path the user gave, or empty
     * @param policy     how to choose when no path is given
     * @param prober     checks a candidate
     * @return the clang to run
     * @throws BpfBuildException    when no usable clang can be had, with every way to get one
     * @throws IOException          when a candidate cannot be run
     * @throws InterruptedException when the build is interrupted
     */
    public Clang select(Optional<Path> configured, ClangPolicy policy, Prober prober)
            throws BpfBuildException, IOException, InterruptedException {
        if (configured.isPresent() || policy.mode() == ClangPolicy.Mode.SYSTEM) {
            return prober.probe(locator.locate(configured));
        }
        if (policy.mode() == ClangPolicy.Mode.PINNED) {
            return prober.probe(pinned(policy).clang());
        }
        try {
            return prober.probe(locator.locate(configured));
        } catch (BpfBuildException unusable) {
            if (policy.pinned().isEmpty()) {
                throw unusable;
            }
            log.info("No usable clang on the PATH (" + firstSentence(unusable.getMessage())
                    + "); using the pinned clang " + policy.pinned().get().describe());
            return prober.probe(policy.pinned().get().clang());
        }
    }

    private static PinnedClangSource pinned(ClangPolicy policy) throws BpfBuildException {
        return policy.pinned().orElseThrow(() -> new BpfBuildException("bpf.clang=maven asks for the pinned clang, "
                + "but there is none for this platform (" + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + "; pinned builds exist for Linux x86-64 and arm64). "
                + ClangLocator.INSTALL_HINT));
    }

    private static String firstSentence(String message) {
        int end = message.indexOf(". ");
        return end < 0 ? message : message.substring(0, end);
    }
}
