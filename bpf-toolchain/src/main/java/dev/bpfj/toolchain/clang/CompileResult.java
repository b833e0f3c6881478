package dev.bpfj.toolchain.clang;

import dev.bpfj.toolchain.validate.Problem;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a successful {@link BpfCompiler#compile(CompileRequest)} produced.
 *
 * @param objects  every object of the source set, freshly compiled or up to date, sorted by source
 * @param warnings validation warnings of the objects compiled in this run (they did not fail the build)
 */
public record CompileResult(List<CompiledObject> objects, List<Problem> warnings) {

    /**
     * One source and its object.
     *
     * @param source   the {@code .bpf.c} file
     * @param object   the {@code .bpf.o} file, present and validated
     * @param compiled {@code true} if this run compiled it, {@code false} if it was up to date
     */
    public record CompiledObject(Path source, Path object, boolean compiled) {

        /**
         * Checks the components.
         *
         * @param source   the source
         * @param object   the object
         * @param compiled whether this run compiled it
         */
        public CompiledObject {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(object, "object");
        }
    }

    /**
     * Copies the lists.
     *
     * @param objects  all objects
     * @param warnings validation warnings
     */
    public CompileResult {
        objects = List.copyOf(objects);
        warnings = List.copyOf(warnings);
    }

    /**
     * How many objects this run compiled.
     *
     * @return the number of objects not up to date before this run
     */
    public long compiledCount() {
        long count = 0;
        for (CompiledObject object : objects) {
            if (object.compiled()) {
                count++;
            }
        }
        return count;
    }
}
