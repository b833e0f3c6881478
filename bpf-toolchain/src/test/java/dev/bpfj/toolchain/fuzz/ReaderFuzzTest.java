package dev.bpfj.toolchain.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structure-aware mutation fuzzing of everything that consumes a {@code .bpf.o}: the ELF, BTF,
 * BTF.ext and instruction readers, the object model, the validator, the skeleton generator and
 * the vmlinux.h generator. Seeds are the module's C fixtures, compiled for both byte orders;
 * {@link Mutator} damages them field by field. Any outcome other than success or a
 * {@code BpfFormatException}/{@code BpfBuildException} with a message fails the test.
 *
 * <p>Budget: {@value #DEFAULT_SECONDS} seconds by default (the normal test run). A longer run:
 * {@code mvn test -pl bpf-toolchain -Dtest=ReaderFuzzTest -Dbpfj.fuzz.seconds=1800}; the seed
 * of the random source is printed and can be fixed with {@code -Dbpfj.fuzz.seed=N}. A failing
 * input is written to {@code target/fuzz-findings/}; after the fix, move it to
 * {@code src/test/resources/fuzz-regressions/} (a {@code .bpf.o} or raw {@code .btf}) and add its
 * name to {@code index.txt} there, so that {@link #regressions()} replays it on every run. Besides
 * exceptions, an input fails when it takes longer than {@value #PER_INPUT_SECONDS} s or makes
 * the targets allocate more than 256 MiB: a forged count trusted before it was checked.
 * {@link ReaderCoverageFuzzer} is the opt-in coverage-guided (Jazzer) counterpart.
 */
class ReaderFuzzTest {

    private static final long DEFAULT_SECONDS = 20;
    private static final long PER_INPUT_SECONDS = 10;
    /** Far more than any fixture needs (a few MiB), far less than a forged count makes a reader ask for. */
    private static final long MAX_ALLOCATION = 256L << 20;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    private static final String REGRESSIONS = "/fuzz-regressions/";
    /** The seed of every CI run (see {@link #mutatedObjectsOnlySucceedOrRaiseTheBuildErrors}). */
    private static final long CI_SEED = 20261202L;
    private static final List<String> SEEDS = List.of("maps", "programs", "btf_zoo", "corpus_shapes",
            "bitfield_data", "skel_kconfig");

    @TempDir
    Path work;

    @Test
    void mutatedObjectsOnlySucceedOrRaiseTheBuildErrors() throws IOException {
        long seconds = Long.getLong("bpfj.fuzz.seconds", DEFAULT_SECONDS);
        // Under CI the seed is fixed, so that a landing never depends on which inputs a clock picked;
        // developer runs (and long opt-in runs) explore with a new seed each time.
        long seed = Long.getLong("bpfj.fuzz.seed", "true".equals(System.getenv("CI")) ? CI_SEED : System.nanoTime());
        System.out.println("ReaderFuzzTest: " + seconds + " s budget, -Dbpfj.fuzz.seed=" + seed);
        List<byte[]> seeds = new ArrayList<>();
        for (String name : SEEDS) {
            seeds.add(Fixtures.bytes(Fixtures.object(name)));
            seeds.add(Fixtures.bytes(Fixtures.bigEndianObject(name)));
        }
        List<Mutator> mutators = seeds.stream().map(Mutator::new).toList();
        Harness harness = new Harness(work);
        for (byte[] intact : seeds) {
            assertTrue(harness.run(intact), "an intact fixture must be accepted");
        }
        Random random = new Random(seed);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long runs = 0;
        long accepted = 0;
        while (System.nanoTime() < deadline) {
            Mutator mutator = mutators.get(random.nextInt(mutators.size()));
            StringBuilder what = new StringBuilder();
            byte[] input = mutator.mutate(random, what);
            try {
                accepted += runBounded(harness, input) ? 1 : 0;
            } catch (AssertionError failure) {
                Path finding = Path.of("target", "fuzz-findings", "finding-" + seed + "-" + runs + ".bpf.o");
                Files.createDirectories(finding.getParent());
                Files.write(finding, input);
                throw new AssertionError("input " + runs + " (" + what.toString().strip() + "), kept as "
                        + finding.toAbsolutePath() + ": " + failure.getMessage(), failure.getCause());
            }
            runs++;
        }
        System.out.println("ReaderFuzzTest: " + runs + " inputs, " + accepted + " accepted by the reader");
        // The mutator must exercise both paths, or it is testing nothing.
        assertTrue(runs > 100, "only " + runs + " inputs in " + seconds + " s");
        assertTrue(accepted > 0 && accepted < runs, accepted + " of " + runs + " inputs accepted");
    }

    /**
     * Runs one input on a daemon thread and fails when it takes longer than
     * {@value #PER_INPUT_SECONDS} s: an intact object takes milliseconds, so that is a loop or an
     * allocation storm driven by a forged count.
     */
    private static boolean runBounded(Harness harness, byte[] input) {
        FutureTask<Boolean> task = new FutureTask<>(() -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            boolean accepted = harness.run(input);
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            if (allocated > MAX_ALLOCATION) {
                throw new AssertionError("allocated " + allocated / (1 << 20) + " MiB for a " + input.length
                        + "-byte input: a count or size was trusted before it was checked against the bytes");
            }
            return accepted;
        });
        Thread thread = new Thread(task, "fuzz-input");
        thread.setDaemon(true);
        thread.start();
        try {
            return task.get(PER_INPUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException hang) {
            throw new AssertionError("no result after " + PER_INPUT_SECONDS + " s: " + stack(thread));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError failure) {
                throw failure;
            }
            throw new AssertionError("unexpected " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String stack(Thread thread) {
        StringBuilder trace = new StringBuilder();
        for (StackTraceElement frame : thread.getStackTrace()) {
            trace.append("\n\tat ").append(frame);
        }
        return trace.toString();
    }

    /** Every input that once broke a reader or generator, replayed. */
    @TestFactory
    Stream<DynamicTest> regressions() throws IOException {
        List<String> names;
        try (InputStream index = ReaderFuzzTest.class.getResourceAsStream(REGRESSIONS + "index.txt")) {
            assertFalse(index == null, "the regression index is missing");
            names = new String(index.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
        Harness harness = new Harness(work);
        return names.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            byte[] bytes;
            try (InputStream in = ReaderFuzzTest.class.getResourceAsStream(REGRESSIONS + name)) {
                assertFalse(in == null, "missing regression input " + name);
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (name.endsWith(".btf")) {
                harness.header(bytes);
            } else {
                runBounded(harness, bytes);
            }
        }));
    }
}
