package dev.bpfj.toolchain.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Coverage-guided fuzzing of the same targets as {@link ReaderFuzzTest}, with Jazzer (libFuzzer
 * for the JVM), opt-in (its name does not end in Test, so a normal build neither runs nor skips it): it runs only with {@code JAZZER_FUZZ=1}, because Jazzer's agent costs a
 * normal test run some 20 s of instrumentation (and cannot instrument JDK 25's own classes, which
 * only its sanitizer hooks need). Seeds and findings live under
 * {@code src/test/resources/dev/bpfj/toolchain/fuzz/ReaderCoverageFuzzerInputs/objects/};
 * move a finding worth keeping into {@code fuzz-regressions/} so that every run replays it. To fuzz:
 * {@code JAZZER_FUZZ=1 mvn test -pl bpf-toolchain -Dtest=ReaderCoverageFuzzer} (5 minutes, the annotation's maxDuration);
 * Jazzer runs one fuzz test per JVM and keeps its corpus in {@code .cifuzz-corpus/}.
 *
 * <p>{@link ReaderFuzzTest} stays the time-budgeted fuzzer of every CI run: its field-aware
 * mutations reach forged counts and offsets that byte-level mutation finds only slowly, and it
 * needs no fuzzing mode or separate JVM.
 */
@EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = "1",
        disabledReason = "coverage-guided fuzzing is opt-in: JAZZER_FUZZ=1 (ReaderFuzzTest runs in every build)")
class ReaderCoverageFuzzer {

    private static Harness harness;

    private static synchronized Harness harness() throws IOException {
        if (harness == null) {
            Path work = Files.createTempDirectory("bpfj-fuzz");
            work.toFile().deleteOnExit();
            harness = new Harness(work);
        }
        return harness;
    }

    @FuzzTest(maxDuration = "5m")
    void objects(byte[] input) throws IOException {
        harness().run(input);
    }
}
