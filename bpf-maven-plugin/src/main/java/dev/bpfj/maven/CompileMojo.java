package dev.bpfj.maven;

import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.clang.BpfCompiler;
import dev.bpfj.toolchain.clang.CompileRequest;
import dev.bpfj.toolchain.clang.CompileResult;
import dev.bpfj.toolchain.clang.LinkedObject;
import dev.bpfj.toolchain.clang.ObjectChecker;
import dev.bpfj.toolchain.validate.BpfObjectValidator;
import dev.bpfj.toolchain.validate.Problem;
import dev.bpfj.toolchain.validate.ValidationSettings;
import dev.bpfj.toolchain.vmlinux.KernelBtfHeaderProvider;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles {@code src/main/bpf/**}{@code /*.bpf.c} (or the sources that {@code sourceIncludes}
 * selects) with clang into validated BPF objects in {@code target/bpf}, and links the
 * {@code objects} configured from several sources each. Only sources whose inputs (the source, every header it includes, the
 * flags, the clang) changed since the last build are compiled; each object is checked for what
 * the kernel would reject at load time before it replaces the previous one.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class CompileMojo extends AbstractClangMojo {

    /**
     * Where the BPF C sources are: by default every {@code *.bpf.c} below it is compiled (see
     * {@code sourceIncludes}). It may be a symbolic link. A configured directory that does not
     * exist fails the build; the default one missing means the project has no BPF sources.
     */
    @Parameter(property = "bpf.sourceDirectory", defaultValue = "${project.basedir}/src/main/bpf")
    private File sourceDirectory;

    /**
     * Ant-style patterns, relative to {@code sourceDirectory}, of the sources compiled into one object
     * each: {@code **}{@code /*.c} for a project whose sources are plain {@code .c} files. Only
     * {@code .c} files are ever compiled (headers never are). {@code x.c} and {@code x.bpf.c} both
     * become {@code x.bpf.o}, and the skeleton class {@code XBpf}. On the command line:
     * {@code -Dbpf.sourceIncludes=**}{@code /*.c}. Default: {@code **}{@code /*.bpf.c}.
     */
    @Parameter(property = "bpf.sourceIncludes")
    private List<String> sourceIncludes;

    /**
     * Ant-style patterns of sources left out of {@code sourceIncludes}, e.g. {@code lib/**} or
     * {@code **}{@code /*_test.c}. Default: none.
     */
    @Parameter(property = "bpf.sourceExcludes")
    private List<String> sourceExcludes;

    /**
     * Objects linked from several sources, as {@code bpftool gen object} links them: one
     * {@code object} element per object, each with a {@code name} (the object becomes
     * {@code NAME.bpf.o} and the skeleton {@code NameBpf}) and {@code sources}, one
     * {@code source} element per path or Ant-style pattern relative to {@code sourceDirectory}
     * (for example the name tracer with the source tracer/*.c). Members are compiled one by one,
     * linked in the order listed (files matched by one pattern in path order), validated as one
     * object and get one skeleton; they are not also built on their own. Default: none.
     */
    @Parameter
    private List<LinkedObjectConfig> objects;

    /** Where the objects go, in the same relative layout as the sources ({@code x.bpf.c} -> {@code x.bpf.o}). */
    @Parameter(property = "bpf.outputDirectory", defaultValue = "${project.build.directory}/bpf")
    private File outputDirectory;

    /**
     * Extra clang flags, added after the plugin's own ({@code -g -O2 -target bpf -Wall ...}) so
     * they can override them. On the command line: {@code -Dbpf.cflags=-DDEBUG,-Wextra}.
     * clang runs in the project directory, so relative paths in flags are relative to it.
     * Default: none.
     */
    @Parameter(property = "bpf.cflags")
    private List<String> cflags;

    /**
     * Extra include directories, searched after the source directory and before the system's
     * libbpf headers. Default: none.
     */
    @Parameter(property = "bpf.includes")
    private List<File> includes;

    /**
     * The clang target: {@code bpf} (the build machine's byte order), {@code bpfel} (little
     * endian) or {@code bpfeb} (big endian).
     */
    @Parameter(property = "bpf.target", defaultValue = "bpf")
    private String target;

    /**
     * The architecture ARCH of libbpf's {@code __TARGET_ARCH_ARCH} macro ({@code x86},
     * {@code arm64}, {@code s390}, {@code powerpc}, {@code riscv}, ...), which
     * {@code bpf_tracing.h} needs to read function arguments from {@code pt_regs}.
     * Default: derived from the build machine ({@code amd64} -> {@code x86},
     * {@code aarch64} -> {@code arm64}, ...).
     */
    @Parameter(property = "bpf.arch")
    private String arch;

    /**
     * Removes DWARF debug sections from the objects; {@code .BTF} and {@code .BTF.ext} stay, so
     * CO-RE and skeletons keep working and the shipped object is several times smaller.
     */
    @Parameter(property = "bpf.strip", defaultValue = "true")
    private boolean strip;

    /** Fails the build on validation warnings (an unused map, a function without a program section). */
    @Parameter(property = "bpf.failOnWarning", defaultValue = "false")
    private boolean failOnWarning;

    /**
     * A {@code vmlinux.h} (any file name) used when a source includes {@code vmlinux.h} and none is
     * on the include path. Default: none (the build then says how to generate one).
     */
    @Parameter(property = "bpf.vmlinuxHeader")
    private File vmlinuxHeader;

    /**
     * The kernel BTF that {@code vmlinux.h} is generated from when a source includes it and
     * neither the include path nor {@code bpf.vmlinuxHeader} provides one. Default: the running
     * kernel's {@code /sys/kernel/btf/vmlinux}. Generated once per BTF into {@code target/bpf/include}.
     */
    @Parameter(property = "bpf.btfFile")
    private File btfFile;

    /**
     * Where headers generated from kernel BTF are kept between builds, named by the checksums of
     * the BTF: a header is generated once per kernel and copied from here by later builds of any
     * project, clean ones included. Default: {@code $XDG_CACHE_HOME/bpfj/vmlinux}, or
     * {@code ~/.cache/bpfj/vmlinux}; {@code none} for no cache. A cache that cannot be written is
     * skipped.
     */
    @Parameter(property = "bpf.vmlinuxCache")
    private String vmlinuxCache;

    /**
     * The oldest libbpf the application will run with ({@code major.minor}). Section names, map
     * types and object features that need a newer libbpf fail validation (rule BPF011) with
     * "needs libbpf &ge; X (configured minimum Y)". Default: 1.0, the oldest libbpf bpfj's runtime
     * binds.
     */
    @Parameter(property = "bpf.minLibbpf", defaultValue = "1.0")
    private String minLibbpf;

    /**
     * Severity changes for validation rules: one child element per rule, named by rule id or name
     * (see {@code docs/validation.md}), holding its severity, for example {@code BPF036} set to
     * {@code ignore} and {@code tracepoint-category} set to {@code warning}. Values: {@code error}, {@code warning}, {@code ignore}. User properties
     * {@code -Dbpf.validation.BPF036=ignore} override these. Default: every rule at its default
     * severity.
     */
    @Parameter
    private Map<String, String> validation;

    /** The session, for {@code bpf.validation.RULE} user properties. */
    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    /** The project's root, mapped to {@code .} in debug info so objects are reproducible. */
    @Parameter(defaultValue = "${project.basedir}", readonly = true, required = true)
    private File basedir;

    /**
     * The build directory, where the checked clang is remembered ({@code .bpfj-clang-*}) so that a build
     * whose {@code target/bpf} was deleted does not run {@code clang --version} again.
     */
    @Parameter(defaultValue = "${project.build.directory}", readonly = true, required = true)
    private File buildDirectory;

    /** Creates the Mojo; Maven sets the parameters. */
    public CompileMojo() {
    }

    @Override
    protected String goal() {
        return "bpf:compile";
    }

    @Override
    protected ToolchainWork work() throws MojoFailureException {
        ValidationSettings settings = validationSettings();
        CompileRequest request = CompileRequest.builder(sourceDirectory.toPath(), outputDirectory.toPath())
                .projectDirectory(basedir.toPath())
                .clang(configuredClang(basedir))
                .clangPolicy(clangPolicy())
                .cflags(list(cflags))
                .includes(paths(list(includes)))
                .target(target)
                .arch(arch)
                .strip(strip)
                .failOnWarning(failOnWarning)
                .vmlinuxHeader(vmlinuxHeader == null ? null : vmlinuxHeader.toPath())
                .vmlinuxGenerator(KernelBtfHeaderProvider.of(btfFile == null ? null : btfFile.toPath(),
                        vmlinuxCache(vmlinuxCache)))
                .sourceIncludes(list(sourceIncludes))
                .sourceExcludes(list(sourceExcludes))
                .linkedObjects(linkedObjects())
                .probeCacheDirectory(buildDirectory == null ? null : buildDirectory.toPath())
                .build();
        // An anonymous class, not a lambda: a lambda's first use costs the fresh plugin realm about a millisecond.
        return new ToolchainWork() {
            @Override
            public void run() throws BpfBuildException, IOException, InterruptedException {
                checkSourceDirectory();
                CompileResult result = new BpfCompiler(buildLog(), new Validator(settings)).compile(request);
                if (result.compiledCount() > 0) {
                    getLog().info("Compiled and validated " + result.compiledCount() + " BPF object(s) into "
                            + outputDirectory);
                }
            }
        };
    }

    /**
     * The validation settings: {@code <minLibbpf>}, then {@code <validation>}, then
     * {@code bpf.validation.<rule>} properties of the project and the command line, later ones
     * winning.
     */
    private ValidationSettings validationSettings() throws MojoFailureException {
        Map<String, String> rules = new TreeMap<>();
        if (validation != null) {
            rules.putAll(validation);
        }
        if (session != null) {
            if (session.getCurrentProject() != null) {
                ruleProperties(session.getCurrentProject().getProperties(), rules);
            }
            ruleProperties(session.getUserProperties(), rules);
        }
        try {
            ValidationSettings settings = ValidationSettings.of(minLibbpf, rules);
            if (!settings.overrides().isEmpty()) {
                getLog().debug("Validation: " + settings);
            }
            return settings;
        } catch (IllegalArgumentException bad) {
            throw new MojoFailureException("Invalid BPF validation configuration: " + bad.getMessage());
        }
    }

    private static void ruleProperties(Properties properties, Map<String, String> rules) {
        String prefix = "bpf.validation.";
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                rules.put(name.substring(prefix.length()), properties.getProperty(name));
            }
        }
    }

    /**
     * A source directory that does not exist is "no sources" only when it is the default
     * {@code src/main/bpf} (a project without BPF code); one configured explicitly, or a symbolic
     * link whose target is gone, is a mistake to report rather than a build that silently
     * produces no objects.
     */
    private void checkSourceDirectory() throws BpfBuildException {
        Path directory = sourceDirectory.toPath().toAbsolutePath().normalize();
        if (Files.isDirectory(directory)) {
            return;
        }
        if (Files.isSymbolicLink(directory)) {
            String target;
            try {
                target = Files.readSymbolicLink(directory).toString();
            } catch (IOException unreadable) {
                target = "?";
            }
            throw new BpfBuildException("The BPF source directory " + directory + " is a symbolic link to " + target
                    + ", which is not a directory. Fix the link or set bpf.sourceDirectory.");
        }
        if (Files.exists(directory)) {
            throw new BpfBuildException("The BPF source directory " + directory + " is not a directory."
                    + " Set bpf.sourceDirectory to the directory holding the *.bpf.c sources.");
        }
        Path defaultDirectory = basedir.toPath().toAbsolutePath().normalize().resolve("src/main/bpf");
        if (!directory.equals(defaultDirectory)) {
            throw new BpfBuildException("The configured BPF source directory " + directory + " (bpf.sourceDirectory)"
                    + " does not exist. Create it, or correct <sourceDirectory>; without it the default is "
                    + defaultDirectory + ".");
        }
    }

    private List<LinkedObject> linkedObjects() throws MojoFailureException {
        List<LinkedObject> result = new ArrayList<>();
        for (LinkedObjectConfig object : list(objects)) {
            if (object.name == null || object.name.isBlank()) {
                throw new MojoFailureException("An <object> in <objects> has no <name>: give each linked object a name,"
                        + " e.g. <name>tracer</name> for tracer.bpf.o and the skeleton TracerBpf.");
            }
            result.add(new LinkedObject(object.name.strip(), list(object.sources)));
        }
        return result;
    }

    /**
     * One {@code <object>} of the {@code objects} parameter: a linked object's name and sources.
     * Maven sets the fields from the POM.
     */
    public static final class LinkedObjectConfig {
        /** The object's base name: {@code tracer} gives {@code tracer.bpf.o}. */
        private String name;
        /** Paths or Ant-style patterns of the member sources, relative to the source directory. */
        private List<String> sources;

        /** Creates an empty entry; Maven sets the fields. */
        public LinkedObjectConfig() {
        }

        @Override
        public String toString() {
            return name + " " + sources;
        }
    }

    private static List<Path> paths(List<File> files) {
        List<Path> paths = new ArrayList<>(files.size());
        for (File file : files) {
            paths.add(file.toPath());
        }
        return paths;
    }

    /**
     * Validates each compiled object. A class rather than a method reference so that a no-op
     * build, which validates nothing, does not load the validator.
     */
    private static final class Validator implements ObjectChecker {
        private final ValidationSettings settings;

        Validator(ValidationSettings settings) {
            this.settings = settings;
        }

        @Override
        public List<Problem> check(Path object, String sourceName) throws IOException {
            return BpfObjectValidator.validate(object, sourceName, settings);
        }

        @Override
        public String configuration() {
            return settings.fingerprint();
        }
    }
}
