package dev.bpfj.examples.opensnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code opensnoop} launcher script: on this JDK (24+) the first run is an AOT training run
 * after which the cache is created in the background; later runs map it; a changed jar gets a
 * new cache; the JVM's own messages stay off the tool's output; and without a writable cache
 * directory it runs without one.
 */
@KernelTest(needs = KernelTest.Facility.TRACEFS)
class LauncherIT {

    private static final long TIMEOUT_S = 60;
    private static final String HEADER = "PID    COMM              FD ERR PATH";

    @TempDir
    Path dir;

    private Path jar;
    private Path cache;
    private Process quiet;

    @BeforeEach
    void copyTheJar() throws Exception {
        // A copy of its own, so that changing its timestamp disturbs no other test.
        jar = Files.copy(Path.of(System.getProperty("example.jar", "target/opensnoop.jar")), dir.resolve("opensnoop.jar"));
        cache = dir.resolve("cache");
        // A process that opens nothing: filtering on it keeps the output to the header.
        quiet = new ProcessBuilder("sleep", "600").start();
    }

    @AfterEach
    void stopTheQuietProcess() {
        quiet.destroyForcibly();
    }

    @Test
    void writesTheCacheOnceAndReusesItUntilTheJarChanges() throws Exception {
        run(cache);
        Path archive = onlyArchive();
        assertTrue(Files.size(archive) > 0);
        // The cache maps for this jar, JDK and the launcher's options: AOTMode=on refuses to
        // start otherwise.
        List<String> command = new ArrayList<>(List.of(javaCommand()));
        command.addAll(launcherOptions());
        command.addAll(List.of("-XX:AOTCache=" + archive, "-XX:AOTMode=on", "-jar", jar.toString(), "--version"));
        Process check = new ProcessBuilder(command).redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes());
        assertTrue(check.waitFor(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), checked);

        FileTime written = Files.getLastModifiedTime(archive);
        run(cache);
        assertEquals(archive, onlyArchive(), "the second run uses the same archive");
        assertEquals(written, Files.getLastModifiedTime(archive), "and does not rewrite it");

        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        run(cache);
        // the training run of the changed jar removed the old cache at once
        Path replaced = onlyArchive();
        assertNotEquals(archive, replaced, "a changed jar gets a new archive, and the old one is removed");
        assertFalse(Files.exists(archive));
    }

    @Test
    void aHelpRunTrainsNoCache() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of("opensnoop").toAbsolutePath().toString(), "--help")
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        builder.environment().put("OPENSNOOP_JAR", jar.toString());
        builder.environment().put("JAVA_HOME", Path.of(javaCommand()).getParent().getParent().toString());
        builder.environment().put("XDG_CACHE_HOME", cache.toString());
        Process launcher = builder.start();
        assertTrue(launcher.waitFor(TIMEOUT_S, TimeUnit.SECONDS), "the launcher did not end");
        assertEquals(0, launcher.exitValue(), Files.readString(dir.resolve("err")));
        assertTrue(Files.readString(dir.resolve("out")).startsWith("Usage: opensnoop"));
        // a training run leaves its configuration behind until the cache is made from it
        try (Stream<Path> files = Files.list(cache.resolve("bpfj"))) {
            assertEquals(List.of(), files.toList(), "a --help run must not train the cache");
        }
    }

    @Test
    void runsWithoutAnArchiveWhenTheCacheCannotBeWritten() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("not-a-directory"), "x");
        run(notADirectory);
    }

    /** Runs the launcher for one second and checks that it printed the header and nothing else. */
    private void run(Path xdgCache) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Path.of("opensnoop").toAbsolutePath().toString(),
                "-p", Long.toString(quiet.pid()), "-d", "1")
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        Map<String, String> env = builder.environment();
        env.put("OPENSNOOP_JAR", jar.toString());
        env.put("JAVA_HOME", Path.of(javaCommand()).getParent().getParent().toString());
        env.put("XDG_CACHE_HOME", xdgCache.toString());
        Process launcher = builder.start();
        assertTrue(launcher.waitFor(TIMEOUT_S, TimeUnit.SECONDS), "the launcher did not end");
        String err = Files.readString(dir.resolve("err"));
        assertEquals(0, launcher.exitValue(), err);
        assertEquals(List.of(HEADER), Files.readAllLines(dir.resolve("out")), "standard output, stderr:\n" + err);
        assertFalse(err.contains("[cds") || err.contains("[aot"), err);
    }

    /**
     * The one cache in the cache directory, once the background creation that the training run
     * started has renamed it into place (waits up to {@link #TIMEOUT_S}).
     */
    private Path onlyArchive() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (true) {
            List<Path> archives;
            boolean creating;
            try (Stream<Path> files = Files.list(cache.resolve("bpfj"))) {
                List<String> names = files.map(p -> p.getFileName().toString()).toList();
                archives = names.stream().filter(n -> n.endsWith(".aot")).map(cache.resolve("bpfj")::resolve).toList();
                creating = names.stream().anyMatch(n -> n.contains(".aot."));
            }
            if (!creating && !archives.isEmpty() || System.nanoTime() - deadline > 0) {
                assertEquals(1, archives.size(), archives.toString());
                return archives.get(0);
            }
            Thread.sleep(100);
        }
    }

    /** The JVM options the launcher script passes, read from its {@code options=} line. */
    private static List<String> launcherOptions() throws IOException {
        String script = Files.readString(Path.of("opensnoop"));
        int start = script.indexOf("options=\"") + "options=\"".length();
        String value = script.substring(start, script.indexOf("${OPENSNOOP_JAVA_OPTIONS", start));
        return List.of(value.replace("\\\n", " ").trim().split("\\s+"));
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
