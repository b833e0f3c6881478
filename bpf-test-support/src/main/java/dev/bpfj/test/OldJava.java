package dev.bpfj.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A Java too old for bpfj (older than 22), to test what a user whose default Java is older sees:
 * {@code -Dbpfj.oldJavaHome}, else the JDK or JRE with the lowest feature version under
 * {@code /usr/lib/jvm} (Debian's openjdk-17 on a fresh machine). Tests that need one skip without
 * it and fail under {@code CI=true}, like kernel tests.
 */
public final class OldJava {

    /** The oldest Java bpfj runs on. */
    public static final int NEEDED = 22;

    /** Why a test that needs an old Java cannot run. */
    public static final String MISSING = "no Java older than " + NEEDED + " under /usr/lib/jvm or in -Dbpfj.oldJavaHome"
            + " (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)";

    private OldJava() {
    }

    /**
     * The old Java's home for a test that needs one: the test is skipped without it, and fails
     * under {@code CI=true}.
     */
    public static Path require() {
        Optional<Path> home = home();
        if ("true".equals(System.getenv("CI"))) {
            Assertions.assertTrue(home.isPresent(), MISSING);
        }
        Assumptions.assumeTrue(home.isPresent(), MISSING);
        return home.get();
    }

    /** What {@code java -jar} printed and returned. */
    public record Run(int status, String out, String err) {
    }

    /**
     * Runs {@code HOME/bin/java -jar JAR ARGS...} and waits for it (60 s at most).
     *
     * @throws IOException when the process cannot start, or does not end in time
     */
    public static Run runJar(Path home, Path jar, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("bpfj-old-java", ".out");
        Path err = Files.createTempFile("bpfj-old-java", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command + " did not end within 60 s");
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Checks what an example jar does when the old Java runs it: exit status 1, nothing on
     * standard output, and a message that names the Java it needs and how to run the jar with one
     * (not an {@code UnsupportedClassVersionError}). Skips the test without an old Java (fails under
     * {@code CI=true}).
     *
     * @param jar  the jar
     * @param tool the tool's name, which starts the message
     * @param args arguments to pass, as a user would
     * @return what the run printed on stderr, for further checks
     */
    public static String assertTheJarSaysWhichJavaItNeeds(Path jar, String tool, String... args)
            throws IOException, InterruptedException {
        Path old = require();
        Run run = runJar(old, jar, args);
        Assertions.assertEquals(1, run.status(), run.err());
        Assertions.assertEquals("", run.out());
        Assertions.assertTrue(run.err().startsWith(tool + ": needs Java " + NEEDED + " or newer; this is Java "
                + featureVersion(old) + " ("), run.err());
        Assertions.assertTrue(run.err().contains("/bin/java -jar " + tool + ".jar"), run.err());
        Assertions.assertFalse(run.err().contains("UnsupportedClassVersionError"), run.err());
        return run.err();
    }

    /** The old Java's home, or empty when there is none. */
    public static Optional<Path> home() {
        String configured = System.getProperty("bpfj.oldJavaHome");
        Path home = configured != null ? Path.of(configured) : oldestUnder(Path.of("/usr/lib/jvm"));
        if (home == null || !Files.isExecutable(home.resolve("bin/java"))) {
            return Optional.empty();
        }
        int version = featureVersion(home);
        return version > 0 && version < NEEDED ? Optional.of(home) : Optional.empty();
    }

    /** {@code JAVA_VERSION="17.0.15"} in the home's release file: 17; 0 when there is none. */
    public static int featureVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(release)) {
                if (line.startsWith("JAVA_VERSION=\"")) {
                    String version = line.substring("JAVA_VERSION=\"".length()).replace("\"", "");
                    version = version.startsWith("1.") ? version.substring(2) : version;
                    int end = 0;
                    while (end < version.length() && Character.isDigit(version.charAt(end))) {
                        end++;
                    }
                    return end == 0 ? 0 : Integer.parseInt(version.substring(0, end));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }

    private static Path oldestUnder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        List<Path> homes;
        try (Stream<Path> list = Files.list(dir)) {
            homes = new ArrayList<>(list.sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path oldest = null;
        int oldestVersion = Integer.MAX_VALUE;
        for (Path home : homes) {
            int version = featureVersion(home);
            if (version > 0 && version < oldestVersion && Files.isExecutable(home.resolve("bin/java"))) {
                oldest = home;
                oldestVersion = version;
            }
        }
        return oldest;
    }
}
