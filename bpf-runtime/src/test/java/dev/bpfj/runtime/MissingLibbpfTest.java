package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine whose libbpf.so.1 is missing or is not libbpf: every use of the runtime says so with
 * the install hint, the first time and every later time (not a class-initialisation error). Runs
 * a child JVM whose library path puts a stand-in libbpf.so.1 first.
 */
class MissingLibbpfTest {

    @TempDir
    Path dir;

    /** Tries the runtime twice and prints what each attempt threw. */
    public static void main(String[] args) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                System.out.println("version " + BpfSystem.libbpfVersion());
            } catch (Throwable t) {
                System.out.println(t.getClass().getSimpleName() + ": " + t.getMessage());
            }
        }
        try (BpfObject object = BpfObject.open(new byte[64])) {
            System.out.println("opened " + object);
        } catch (Throwable t) {
            System.out.println(t.getClass().getSimpleName() + ": " + t.getMessage());
        }
    }

    @Test
    void anUnloadableLibraryIsReportedWithTheInstallHintEveryTime() throws Exception {
        Files.write(dir.resolve("libbpf.so.1"), new byte[0]);
        assertEveryAttemptSays(run(), "load libbpf.so.1: it is not installed or not on the library path");
    }

    @Test
    void aLibraryThatIsNotLibbpfIsReportedWithTheInstallHintEveryTime() throws Exception {
        Path libz = List.of(Path.of("/lib/x86_64-linux-gnu/libz.so.1"), Path.of("/usr/lib/x86_64-linux-gnu/libz.so.1"),
                Path.of("/lib/aarch64-linux-gnu/libz.so.1"), Path.of("/usr/lib64/libz.so.1")).stream()
                .filter(Files::isRegularFile).findFirst().orElseThrow(() -> new IllegalStateException("no libz.so.1 found"));
        Files.copy(libz, dir.resolve("libbpf.so.1"));
        assertEveryAttemptSays(run(), "is not libbpf");
    }

    private static void assertEveryAttemptSays(List<String> lines, String expected) {
        assertEquals(3, lines.size(), String.join("\n", lines));
        for (String line : lines) {
            assertTrue(line.startsWith("BpfException: "), line);
            assertTrue(line.contains(expected), line);
            assertTrue(line.contains("install libbpf 1.0 or newer"), line);
            assertFalse(line.contains("InInitializer") || line.contains("NoClassDefFound"), line);
        }
    }

    private List<String> run() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), MissingLibbpfTest.class.getName());
        builder.environment().put("LD_LIBRARY_PATH", dir.toString());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), new String(output, StandardCharsets.UTF_8));
        return new String(output, StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("WARNING")).toList();
    }
}
