package dev.bpfj.maven;

import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.clang.BuildLog;
import dev.bpfj.toolchain.vmlinux.VmlinuxGenerator;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What every bpfj goal shares: the {@code bpf.skip} switch, the logger adapter, and the one
 * place where toolchain exceptions become Maven exceptions.
 */
public abstract class AbstractBpfMojo extends AbstractMojo {

    /** Skips this goal. Useful on machines without clang when the objects are not needed. */
    @Parameter(property = "bpf.skip", defaultValue = "false")
    private boolean skip;

    /** Creates the Mojo; Maven sets the parameters. */
    protected AbstractBpfMojo() {
    }

    /**
     * A piece of work in the toolchain, which may fail for the user's reasons
     * ({@link BpfBuildException}) or ours (I/O, interruption).
     */
    @FunctionalInterface
    protected interface ToolchainWork {
        /**
         * Runs the work.
         *
         * @throws BpfBuildException    for the user's mistakes
         * @throws IOException          for failures writing the build's files
         * @throws InterruptedException if the build is interrupted
         */
        void run() throws BpfBuildException, IOException, InterruptedException;
    }

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping " + goal() + " (bpf.skip)");
            return;
        }
        try {
            work().run();
        } catch (BpfBuildException userMistake) {
            throw new MojoFailureException(userMistake.getMessage(), userMistake);
        } catch (IOException io) {
            throw new MojoExecutionException(goal() + " failed: " + io, io);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException(goal() + " was interrupted", interrupted);
        }
    }

    /**
     * The goal's name, for log lines.
     *
     * @return e.g. {@code bpf:compile}
     */
    protected abstract String goal();

    /**
     * Builds the goal's request from its parameters and returns the call into the toolchain.
     *
     * @return the work to run
     * @throws MojoFailureException if the parameters themselves are inconsistent
     */
    protected abstract ToolchainWork work() throws MojoFailureException;

    /** @return the Maven logger as the toolchain's {@link BuildLog} */
    protected final BuildLog buildLog() {
        return new MavenBuildLog(getLog());
    }

    /**
     * The header cache that a {@code bpf.vmlinuxCache} setting names.
     *
     * @param setting a directory, {@code none} for no cache, or null for
     *                {@link VmlinuxGenerator#defaultCache()}
     * @return the directory, or null for no cache
     */
    protected static Path vmlinuxCache(String setting) {
        if (setting == null || setting.isBlank()) {
            return VmlinuxGenerator.defaultCache();
        }
        return setting.strip().equalsIgnoreCase("none") ? null : Path.of(setting.strip());
    }

    /**
     * Null-safe conversion of an optional file parameter.
     *
     * @param file a parameter that may be unset
     * @return its path, or empty
     */
    protected static Optional<Path> path(File file) {
        return Optional.ofNullable(file).map(File::toPath);
    }

    /**
     * Null-safe conversion of a list parameter.
     *
     * @param list a parameter that may be unset
     * @param <T>  element type
     * @return the list, or an empty one
     */
    protected static <T> List<T> list(List<T> list) {
        if (list == null) {
            return List.of();
        }
        // A loop, not a stream: this runs on every build, no-op ones included, in a JVM that may
        // not have bootstrapped these lambdas yet.
        List<T> kept = new ArrayList<>(list.size());
        for (T element : list) {
            if (element != null && !element.toString().isBlank()) {
                kept.add(element);
            }
        }
        return kept;
    }
}
