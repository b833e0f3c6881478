package dev.bpfj.examples.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpfj.test.KernelTest;
import dev.bpfj.test.OldJava;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs hello.jar as a user would and checks that the kernel's "Hello world" reaches Java. */
@KernelTest(needs = KernelTest.Facility.TRACEFS)
class HelloIT {

    private static final long TIMEOUT_S = 60;

    @TempDir
    Path dir;

    @Test
    void printsTheKernelsHelloForAChildsOpenat() throws Exception {
        Path stdout = dir.resolve("hello.out");
        Path stderr = dir.resolve("hello.err");
        Path file = Files.writeString(dir.resolve("opened"), "x");
        Process child = new ProcessBuilder("sh", "-c", "read go; exec 3<'" + file + "'; echo done")
                .redirectErrorStream(true).start();
        String jar = System.getProperty("example.jar", "target/hello.jar");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process hello = new ProcessBuilder(java, "-jar", jar, "-p", Long.toString(child.pid()), "-c", "1")
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            while (!Files.readString(stdout).contains("Attached")) {
                if (!hello.isAlive() || System.nanoTime() > deadline) {
                    fail("hello did not attach:\n" + Files.readString(stderr));
                }
                Thread.sleep(50);
            }
            try (OutputStream in = child.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(child.waitFor(TIMEOUT_S, TimeUnit.SECONDS));
            // -c 1: hello exits by itself once it has printed one message
            assertTrue(hello.waitFor(TIMEOUT_S, TimeUnit.SECONDS), "hello printed nothing:\n" + Files.readString(stdout));
            assertEquals(0, hello.exitValue(), () -> read(stderr));
            List<String> lines = Files.readAllLines(stdout);
            String expected = "Hello world from pid " + child.pid();
            // The task column is the comm the kernel's trace buffer saved for the pid, or "<...>"
            // when its small cache of comms (saved_cmdlines) no longer holds that pid.
            assertTrue(lines.stream().anyMatch(l -> (l.startsWith("sh ") || l.startsWith("<...> "))
                    && l.contains(" " + child.pid() + " ") && l.endsWith(expected)),
                    "no line with " + expected + " in:\n" + String.join("\n", lines));
        } finally {
            hello.destroyForcibly();
            child.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void onAJavaOlderThan22TheJarSaysWhichJavaItNeeds() throws Exception {
        // The README's `java -jar examples/hello/target/hello.jar` on a machine whose default Java is older.
        OldJava.assertTheJarSaysWhichJavaItNeeds(Path.of(System.getProperty("example.jar", "target/hello.jar")), "hello");
    }
}
