package dev.bpfj.toolchain.skeleton;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.test.KernelTest;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated skeleton in the kernel: {@code attach()} attaches what libbpf attaches (the task
 * iterator) and reports the program it left (the perf_event sampler), whose typed attach method
 * then samples this JVM; the typed iterate method lists this process.
 */
@KernelTest(needs = KernelTest.Facility.CLANG)
class SkeletonAttachKernelTest {

    private static final String DRIVER = """
            package dev.bpfj.golden;

            import dev.bpfj.runtime.BpfIterator;
            import dev.bpfj.runtime.BpfLink;
            import dev.bpfj.runtime.PerfEventSpec;
            import java.util.List;
            import java.util.function.Supplier;

            public final class KindsDriver implements Supplier<String> {
                @Override
                public String get() {
                    int pid = (int) ProcessHandle.current().pid();
                    try (SkelRunKindsBpf skel = SkelRunKindsBpf.open()) {
                        skel.rodata().targTgid(pid);
                        skel.load();
                        List<String> left = skel.attach();
                        if (!skel.links().listTgids().isPresent()) {
                            return "libbpf did not auto-attach the iterator";
                        }
                        BpfLink sampling = skel.attachCountSamples(PerfEventSpec.softwareCpuClock(1000));
                        if (skel.links().countSamples().orElse(null) != sampling) {
                            return "links() does not return the typed attach's link";
                        }
                        long deadline = System.nanoTime() + 20_000_000_000L;
                        long x = 1;
                        while (skel.bss().samples() < 3 && System.nanoTime() < deadline) {
                            for (int i = 0; i < 100_000; i++) {
                                x = x * 6364136223846793005L + 1;
                            }
                        }
                        String tasks;
                        try (BpfIterator iterator = skel.iterateListTgids()) {
                            tasks = iterator.readString();
                        }
                        return "left=" + left + " sampled=" + (skel.bss().samples() >= 3)
                                + " listed=" + tasks.lines().anyMatch(("tgid " + pid)::equals) + (x == 0 ? "!" : "");
                    }
                }
            }
            """;

    @TempDir
    Path work;

    @Test
    @SuppressWarnings("unchecked")
    void attachReportsWhatItLeftAndTypedMethodsAttachTheRest() throws Exception {
        Path object = ClangFixtures.compile(Path.of("src/test/bpf/skel_run_kinds.bpf.c"), work.resolve("objects"));
        BpfObjectSpec spec = BpfObjectSpec.parse("skel_run_kinds.bpf.o", Files.readAllBytes(object));
        String source = new SkeletonGenerator().generate(spec, "dev.bpfj.golden", List.of());
        Path dir = Files.createDirectories(work.resolve("src/dev/bpfj/golden"));
        Path skeleton = Files.writeString(dir.resolve("SkelRunKindsBpf.java"), source, StandardCharsets.UTF_8);
        Path driver = Files.writeString(dir.resolve("KindsDriver.java"), DRIVER, StandardCharsets.UTF_8);
        Path classes = SkeletonGoldenTest.compile(List.of(skeleton, driver), work.resolve("classes"));
        Files.copy(object, classes.resolve("dev/bpfj/golden/skel_run_kinds.bpf.o"));
        try (URLClassLoader loader = SkeletonGoldenTest.loader(classes)) {
            Supplier<String> run = (Supplier<String>) loader.loadClass("dev.bpfj.golden.KindsDriver")
                    .getDeclaredConstructor().newInstance();
            assertEquals("left=[count_samples] sampled=true listed=true", run.get());
        }
    }
}
