package dev.bpfj.maven;

import dev.bpfj.toolchain.verify.KernelVerifier;
import dev.bpfj.toolchain.verify.VerifyRequest;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.toolchain.Toolchain;
import org.apache.maven.toolchain.ToolchainManager;

/**
 * Loads every object the build produced ({@code target/bpf/**}{@code /*.bpf.o}) into the running
 * kernel without attaching anything, and fails the build when the verifier rejects a program: the
 * failure names the object and program, the verifier's complaint, the C line it was on, and shows
 * the verifier log annotated with the C source. Bound to {@code verify}.
 *
 * <p>Loading needs root (or CAP_BPF and CAP_PERFMON), kernel BTF and {@code libbpf.so.1}. Where
 * they are missing the goal says so once and skips; with {@code bpf.verify.require=true}, or by
 * default when the environment variable {@code CI} is {@code true}, it fails instead
 * ({@code -Dbpf.verify.require=false} skips on such a CI).
 *
 * <p>Maven's JVM never touches {@code java.lang.foreign}: the loading happens in a forked
 * {@code java} ({@code bpf.verify.java}, else Maven's own when it is 22 or newer, else the build's
 * {@code jdk} toolchain, else {@code $JAVA_HOME/bin/java}) running the bpf-runtime jar this plugin
 * depends on.
 */
@Mojo(name = "verify", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public final class VerifyMojo extends AbstractBpfMojo {

    /** Where {@code bpf:compile} put the objects; every {@code *.bpf.o} below it is loaded. */
    @Parameter(property = "bpf.outputDirectory", defaultValue = "${project.build.directory}/bpf")
    private File outputDirectory;

    /** Where the C sources are, to show the C text of the lines the verifier log names. */
    @Parameter(property = "bpf.sourceDirectory", defaultValue = "${project.basedir}/src/main/bpf")
    private File sourceDirectory;

    /** Skips this goal only (bpf.skip skips every bpfj goal). */
    @Parameter(property = "bpf.verify.skip", defaultValue = "false")
    private boolean verifySkip;

    /**
     * Whether a machine that cannot load programs (no privileges, no BTF, no libbpf) fails the build
     * instead of skipping the check. Unset: required when the environment variable {@code CI} is
     * {@code true}, so that CI cannot pass by skipping; set {@code false} on a CI that cannot load.
     */
    @Parameter(property = "bpf.verify.require")
    private String require;

    /**
     * The {@code java} executable (22 or newer) that loads the programs; default: Maven's own if 22+,
     * else the build's {@code jdk} toolchain if 22+, else {@code $JAVA_HOME/bin/java} if 22+.
     */
    @Parameter(property = "bpf.verify.java")
    private File java;

    /**
     * {@code max_entries} for maps whose size the application sets at run time: one child element per
     * map, named after the map, holding its size (for example {@code events} set to {@code 65536}).
     */
    @Parameter
    private Map<String, String> maxEntries;

    /**
     * Key sizes in bytes for maps whose definition leaves the key size to the application: one
     * child element per map, named after the map, holding the size.
     */
    @Parameter
    private Map<String, String> keySizes;

    /**
     * Value sizes in bytes for maps whose definition leaves the value size to the application, like
     * the stack maps of bcc's libbpf-based tools (the stack depth times 8, e.g. {@code stackmap} set
     * to {@code 1016} for 127 frames): one child element per map, named after the map.
     */
    @Parameter
    private Map<String, String> valueSizes;

    /**
     * Values for read-only globals ({@code const volatile}) that the verifier needs to see: one child
     * element per global, named by its C name, holding its value (for example {@code targ_pid} set to
     * {@code 1}); decimal, {@code 0x} hex, {@code true} or {@code false}.
     */
    @Parameter
    private Map<String, String> rodata;

    /** Programs not to load, by C function name: for example ones whose attach target only the application knows. */
    @Parameter
    private List<String> skipPrograms;

    /**
     * Attach targets for fentry, fexit, freplace and tp_btf programs whose section names none: one
     * child element per program, named by its C function name, holding the target (for example
     * {@code on_open} set to {@code do_sys_openat2}). Needs a
     * bpf-runtime with {@code BpfProgram.attachTarget(String)}.
     */
    @Parameter
    private Map<String, String> attachTargets;

    /**
     * Objects that only load on newer kernels: one child element per object, named by its file name,
     * holding the oldest kernel it needs (for example {@code tcx_filter.bpf.o} set to {@code 6.6}). On an older
     * kernel they are skipped with a note instead of failing the build.
     */
    @Parameter
    private Map<String, String> minimumKernels;

    /** The plugin's own dependencies, where the bpf-runtime jar for the forked process comes from. */
    @Parameter(defaultValue = "${plugin.artifacts}", readonly = true, required = true)
    private List<Artifact> pluginArtifacts;

    /** The session, to find a {@code jdk} toolchain (toolchains.xml / maven-toolchains-plugin). */
    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    /** Maven's toolchains, one of which may be a JDK 22+ to load the programs with. */
    @Component
    private ToolchainManager toolchainManager;

    /** The build directory, for the request and result files. */
    @Parameter(defaultValue = "${project.build.directory}", readonly = true, required = true)
    private File buildDirectory;

    /** Creates the Mojo; Maven sets the parameters. */
    public VerifyMojo() {
    }

    @Override
    protected String goal() {
        return "bpf:verify";
    }

    @Override
    protected ToolchainWork work() throws MojoFailureException {
        if (verifySkip) {
            return () -> getLog().info("Skipping bpf:verify (bpf.verify.skip)");
        }
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        boolean required;
        String because;
        if (require == null || require.isBlank()) {
            required = ci;
            because = "CI=true";
        } else {
            required = Boolean.parseBoolean(require.strip());
            because = "bpf.verify.require=true";
        }
        VerifyRequest request = new VerifyRequest(outputDirectory.toPath(), List.of(sourceDirectory.toPath()),
                positive(maxEntries, "maxEntries", "a number of entries"), positive(keySizes, "keySizes", "a size in bytes"),
                positive(valueSizes, "valueSizes", "a size in bytes"), rodata == null ? Map.of() : rodata, list(skipPrograms),
                attachTargets == null ? Map.of() : attachTargets, minimumKernels == null ? Map.of() : minimumKernels,
                required, because, javaExecutable(), runtimeJar(), buildDirectory.toPath().resolve("bpf-verify"));
        return () -> new KernelVerifier(buildLog()).verify(request);
    }

    /** A map of names to positive numbers from a map parameter ({@code <maxEntries>} and the like). */
    private static Map<String, Integer> positive(Map<String, String> values, String parameter, String what)
            throws MojoFailureException {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        if (values != null) {
            for (Map.Entry<String, String> entry : values.entrySet()) {
                int number;
                try {
                    number = Integer.parseInt(entry.getValue().strip());
                } catch (NumberFormatException | NullPointerException e) {
                    number = 0;
                }
                if (number <= 0) {
                    throw new MojoFailureException("bpf:verify: <" + parameter + "><" + entry.getKey() + "> is \""
                            + entry.getValue() + "\", not " + what + " (a positive whole number)");
                }
                numbers.put(entry.getKey(), number);
            }
        }
        return numbers;
    }

    private Path runtimeJar() throws MojoFailureException {
        for (Artifact artifact : pluginArtifacts) {
            if ("dev.bpfj".equals(artifact.getGroupId()) && "bpf-runtime".equals(artifact.getArtifactId())
                    && artifact.getFile() != null) {
                return artifact.getFile().toPath();
            }
        }
        throw new MojoFailureException("bpf:verify: the plugin's dependency dev.bpfj:bpf-runtime is missing from its "
                + "class path; do not exclude it from the plugin's dependencies");
    }

    /**
     * bpf.verify.java; else Maven's own java when it is 22+; else the build's {@code jdk} toolchain
     * if that is 22+; else {@code $JAVA_HOME/bin/java} if that is 22+; else null.
     */
    private Path javaExecutable() {
        if (java != null) {
            return java.toPath();
        }
        if (Runtime.version().feature() >= 22) {
            return Path.of(System.getProperty("java.home"), "bin", "java");
        }
        Toolchain jdk = toolchainManager == null ? null : toolchainManager.getToolchainFromBuildContext("jdk", session);
        String tool = jdk == null ? null : jdk.findTool("java");
        if (tool != null) {
            Path toolPath = Path.of(tool);
            Path home = toolPath.getParent() == null ? null : toolPath.getParent().getParent();
            if (home != null && featureOf(home) >= 22) {
                return toolPath;
            }
        }
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && featureOf(Path.of(javaHome)) >= 22) {
            return Path.of(javaHome, "bin", "java");
        }
        return null;
    }

    /** The feature version a JDK's {@code release} file declares, or 0. */
    private static int featureOf(Path javaHome) {
        try {
            for (String line : Files.readAllLines(javaHome.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(version.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
