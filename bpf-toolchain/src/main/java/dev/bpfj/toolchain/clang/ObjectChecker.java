package dev.bpfj.toolchain.clang;

import dev.bpfj.toolchain.validate.Problem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a freshly compiled object before it replaces the previous one. A problem of severity
 * {@link Problem.Severity#ERROR} (or any problem with {@code failOnWarning}) keeps the object out
 * of the output directory.
 */
@FunctionalInterface
public interface ObjectChecker {

    /**
     * Checks one object.
     *
     * @param object     the compiled (and stripped) object, still under its temporary name
     * @param sourceName the source it came from, as problems should name it
     * @return the problems found; empty when the object is fine
     * @throws IOException if the object cannot be read
     */
    List<Problem> check(Path object, String sourceName) throws IOException;

    /**
     * What, besides the object, decides this checker's answer (a build's validation settings):
     * part of the build's configuration fingerprint, so that changing it checks every object
     * again instead of trusting a no-op build.
     *
     * @return a stable text; empty by default
     */
    default String configuration() {
        return "";
    }

    /**
     * A checker that accepts every object.
     *
     * @return a checker that finds no problems
     */
    static ObjectChecker none() {
        return (object, sourceName) -> List.of();
    }
}
