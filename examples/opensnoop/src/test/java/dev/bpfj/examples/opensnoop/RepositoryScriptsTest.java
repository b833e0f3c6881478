package dev.bpfj.examples.opensnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's own scripts that lead to opensnoop: the Maven wrapper refuses a download whose
 * checksum differs from the pinned one and leaves nothing behind, and runs a cached Maven without
 * downloading; {@code quickstart} and {@code .ci/run} explain themselves. Offline and fast: no
 * real Maven is downloaded.
 */
class RepositoryScriptsTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void mvnwRefusesADownloadThatDoesNotMatchThePinnedChecksum() throws Exception {
        String version = pinned("maven_version");
        Path fake = Files.createDirectories(dir.resolve("repo/org/apache/maven/apache-maven/" + version));
        Files.writeString(fake.resolve("apache-maven-" + version + "-bin.tar.gz"), "not maven");
        Path home = dir.resolve("home");
        Result result = run(List.of(ROOT.resolve("mvnw").toString(), "-v"),
                Map.of("MAVEN_USER_HOME", home.toString(), "MVNW_REPOURL", dir.resolve("repo").toUri().toString()));
        assertEquals(1, result.status, result.err);
        assertTrue(result.err.contains("does not match the checksum pinned in "), result.err);
        assertTrue(result.err.contains("expected sha512 " + pinned("maven_sha512")), result.err);
        try (Stream<Path> left = Files.list(home.resolve("wrapper"))) {
            assertEquals(List.of(), left.toList(), "the refused download is deleted, nothing is installed");
        }
    }

    @Test
    void mvnwRunsTheCachedMavenWithItsArgumentsAndDownloadsNothing() throws Exception {
        Path home = dir.resolve("home");
        Path bin = Files.createDirectories(home.resolve("wrapper/apache-maven-" + pinned("maven_version") + "-"
                + pinned("maven_sha512").substring(0, 16) + "/bin"));
        Path mvn = Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho \"cached maven: $*\"\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result result = run(List.of(ROOT.resolve("mvnw").toString(), "-B", "two words"),
                Map.of("MAVEN_USER_HOME", home.toString(), "MVNW_REPOURL", "file:///nonexistent"));
        assertEquals(0, result.status, result.err);
        assertEquals("cached maven: -B two words\n", result.out);
        assertEquals("", result.err);
    }

    @Test
    void quickstartAndCiRunExplainThemselves() throws Exception {
        Result quickstart = run(List.of(ROOT.resolve("quickstart").toString(), "--help"), Map.of());
        assertEquals(0, quickstart.status, quickstart.err);
        assertTrue(quickstart.out.contains("./quickstart -d 5 -p 42"), quickstart.out);
        assertTrue(quickstart.out.contains("second command: .ci/run"), quickstart.out);
        Result ci = run(List.of(ROOT.resolve(".ci/run").toString(), "--help"), Map.of());
        assertEquals(0, ci.status, ci.err);
        assertTrue(ci.out.contains(".ci/run [MAVEN ARGUMENTS...]"), ci.out);
    }

    @Test
    void quickstartWithoutRootSaysWhyItNeedsRoot() throws Exception {
        // as nobody, reading the script from standard input, so that the checkout need not be readable
        ProcessBuilder builder = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "bash", "-s").directory(Path.of("/").toFile()).redirectInput(ROOT.resolve("quickstart").toFile());
        if (!"root".equals(System.getProperty("user.name"))) {
            builder.command("bash", "-s");
        }
        Result result = run(builder);
        assertEquals(1, result.status, result.err);
        assertTrue(result.err.startsWith("quickstart: run it as root (sudo ./quickstart)"), result.err);
    }

    /** A value pinned in mvnw ({@code name=value}). */
    private static String pinned(String name) throws IOException {
        Matcher matcher = Pattern.compile("(?m)^" + name + "=(\\S+)$").matcher(Files.readString(ROOT.resolve("mvnw")));
        assertTrue(matcher.find(), name + " not in mvnw");
        return matcher.group(1);
    }

    private record Result(int status, String out, String err) {
    }

    private Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        return run(builder);
    }

    private Result run(ProcessBuilder builder) throws IOException, InterruptedException {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), builder.command() + " did not end");
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
