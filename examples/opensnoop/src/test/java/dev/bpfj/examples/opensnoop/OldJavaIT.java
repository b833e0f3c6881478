package dev.bpfj.examples.opensnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.examples.AnyJavaEntry;
import dev.bpfj.test.OldJava;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar and the launcher on a machine whose default Java is too old: the jar's entry class says
 * which Java is needed instead of failing with {@code UnsupportedClassVersionError}, and the
 * launcher finds a new enough JDK or says that one is needed. Needs no kernel facility, only a
 * Java older than 22 ({@code -Dopensnoop.oldJavaHome}, by default the oldest under
 * {@code /usr/lib/jvm}, such as Debian's openjdk-17): without one the tests are skipped, and fail
 * under {@code CI=true}.
 */
class OldJavaIT {

    private static final long TIMEOUT_S = 60;

    @TempDir
    Path dir;

    private Path oldHome;
    private Path newHome;

    private int oldVersion;

    @BeforeEach
    void findTheJdks() {
        String configured = System.getProperty("opensnoop.oldJavaHome");
        if (configured != null) {
            System.setProperty("bpfj.oldJavaHome", configured);
        }
        oldHome = OldJava.require();
        oldVersion = OldJava.featureVersion(oldHome);
        newHome = Path.of(javaCommand()).getParent().getParent();
    }

    @Test
    void theJarOnAnOldJavaSaysWhichJavaIsNeeded() throws Exception {
        String err = OldJava.assertTheJarSaysWhichJavaItNeeds(Path.of(jarPath()), "opensnoop", "-d", "1");
        assertTrue(err.contains("or use the launcher examples/opensnoop/opensnoop"), err);
    }

    @Test
    void theJarsEntryClassLoadsOnJava8AndRunsTheToolOnANewJava() throws Exception {
        try (JarFile jar = new JarFile(jarPath())) {
            String main = jar.getManifest().getMainAttributes().getValue("Main-Class");
            assertEquals(AnyJavaEntry.class.getName(), main);
            try (InputStream in = jar.getInputStream(jar.getEntry(main.replace('.', '/') + ".class"))) {
                DataInputStream data = new DataInputStream(in);
                assertEquals(0xCAFEBABE, data.readInt());
                data.readUnsignedShort();
                assertEquals(52, data.readUnsignedShort(), "class file major version (52 = Java 8)");
            }
        }
        Result result = run(List.of(javaCommand(), "-jar", jarPath(), "--version"), Map.of());
        assertEquals(0, result.status, result.err);
        assertTrue(result.out.startsWith("opensnoop (bpfj) "), result.out);
    }

    @Test
    void theLauncherWithOnlyOldJavasSaysWhatToInstall() throws Exception {
        Path jvms = Files.createDirectory(dir.resolve("jvm"));
        Files.createSymbolicLink(jvms.resolve("java-old"), oldHome);
        Result result = launcher(jvms);
        assertEquals(1, result.status, result.err);
        assertEquals("", result.out);
        assertTrue(result.err.startsWith("opensnoop: needs Java 22 or newer (a JDK or JRE), and found none in"
                + " JAVA_HOME, on PATH or under " + jvms + "."), result.err);
        assertTrue(result.err.contains("JAVA_HOME: " + oldHome.resolve("bin/java") + " (Java " + oldVersion + ")"),
                result.err);
        assertTrue(result.err.contains("https://adoptium.net/"), result.err);
        assertFalse(result.err.contains("Unrecognized VM option"), result.err);
    }

    @Test
    void theLauncherPassesOverAnOldJavaHomeToANewJdk() throws Exception {
        Path jvms = Files.createDirectory(dir.resolve("jvm"));
        Files.createSymbolicLink(jvms.resolve("java-old"), oldHome);
        Files.createSymbolicLink(jvms.resolve("jdk-new"), newHome);
        Result result = launcher(jvms);
        assertEquals(0, result.status, result.err);
        assertTrue(result.out.startsWith("opensnoop (bpfj) "), result.out + result.err);
        assertFalse(result.err.contains("Unrecognized VM option"), result.err);
    }

    /** The launcher with JAVA_HOME on the old JDK and a PATH whose java (if any) is not new. */
    private Result launcher(Path jvms) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("java"), oldHome.resolve("bin/java"));
        List<String> command = List.of(Path.of("opensnoop").toAbsolutePath().toString(), "--version");
        return run(command, Map.of("JAVA_HOME", oldHome.toString(), "OPENSNOOP_JVM_DIR", jvms.toString(),
                "PATH", bin + ":/usr/bin:/bin", "OPENSNOOP_JAR", Path.of(jarPath()).toAbsolutePath().toString(),
                "XDG_CACHE_HOME", dir.resolve("cache").toString()));
    }

    private record Result(int status, String out, String err) {
    }

    private Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        assertTrue(process.waitFor(TIMEOUT_S, TimeUnit.SECONDS), command + " did not end");
        return new Result(process.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    private static String jarPath() {
        return System.getProperty("example.jar", "target/opensnoop.jar");
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
