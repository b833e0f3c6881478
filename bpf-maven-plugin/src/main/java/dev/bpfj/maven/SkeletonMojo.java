package dev.bpfj.maven;

import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.skeleton.SkeletonRequest;
import dev.bpfj.toolchain.skeleton.SkeletonResult;
import dev.bpfj.toolchain.skeleton.Skeletons;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.maven.model.Resource;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Generates a typed Java skeleton class for each {@code target/bpf/NAME.bpf.o}
 * ({@code opensnoop.bpf.o} -> {@code OpensnoopBpf}) into {@code target/generated-sources/bpf},
 * which becomes a compile source root, and copies each object under the package's path into
 * {@code target/generated-resources/bpf}, which becomes a resource root, so the class finds its
 * object on the class path. Bound to {@code generate-sources}; list it after {@code compile} in
 * the same execution (the goals {@code compile}, then {@code skeleton}) so that it sees fresh
 * objects. (Descriptions here avoid angle brackets: {@code mvn help:describe} reads them as HTML
 * tags and drops them.) Unchanged outputs are left alone; outputs of objects that no longer exist are deleted.
 */
@Mojo(name = "skeleton", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class SkeletonMojo extends AbstractBpfMojo {

    /** Where {@code bpf:compile} put the objects; every {@code *.bpf.o} below it gets a skeleton. */
    @Parameter(property = "bpf.outputDirectory", defaultValue = "${project.build.directory}/bpf")
    private File outputDirectory;

    /** The generated-sources root for the skeleton classes. */
    @Parameter(property = "bpf.skeleton.sourceDirectory",
            defaultValue = "${project.build.directory}/generated-sources/bpf")
    private File skeletonSourceDirectory;

    /** The generated-resources root the objects are copied into, under the package's path. */
    @Parameter(property = "bpf.skeleton.resourceDirectory",
            defaultValue = "${project.build.directory}/generated-resources/bpf")
    private File skeletonResourceDirectory;

    /**
     * The Java package of the skeleton classes. Default: the project's groupId made a valid
     * package name (lower case; characters other than letters, digits and dots become {@code _}).
     */
    @Parameter(property = "bpf.skeleton.package")
    private String skeletonPackage;

    /**
     * C names of structs, unions or enums to generate Java types for although no map, global
     * variable or program names them: typically the event struct of a ring buffer. clang keeps a
     * type in the object's BTF only when a map, a global variable or a function signature reaches
     * it, so a type used only through a local pointer needs a line like
     * {@code struct event *unused_event __attribute__((unused));} in the C source. Each must exist
     * in at least one object. Default: none.
     */
    @Parameter(property = "bpf.types")
    private List<String> types;

    /** The project, to register the generated source and resource roots. */
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** Creates the Mojo; Maven sets the parameters. */
    public SkeletonMojo() {
    }

    @Override
    protected String goal() {
        return "bpf:skeleton";
    }

    @Override
    protected ToolchainWork work() {
        SkeletonRequest request = new SkeletonRequest(outputDirectory.toPath(), skeletonSourceDirectory.toPath(),
                skeletonResourceDirectory.toPath(), packageName(), list(types));
        // An anonymous class, not a lambda: a lambda's first use costs the fresh plugin realm about a millisecond.
        return new ToolchainWork() {
            @Override
            public void run() throws BpfBuildException, IOException, InterruptedException {
                SkeletonResult result = new Skeletons(buildLog()).generate(request);
                getLog().debug("bpf:skeleton wrote " + result.written() + ", kept " + result.unchanged()
                        + " unchanged");
                project.addCompileSourceRoot(skeletonSourceDirectory.getPath());
                addResourceRoot();
            }
        };
    }

    private String packageName() {
        if (skeletonPackage != null) {
            return skeletonPackage.strip();
        }
        return derivedPackage(project.getGroupId());
    }

    /**
     * The default package: the groupId, lower-cased, with each segment made a Java identifier.
     *
     * @param groupId the project's groupId
     * @return a valid package name
     */
    static String derivedPackage(String groupId) {
        StringBuilder out = new StringBuilder();
        for (String segment : groupId.toLowerCase(Locale.ROOT).split("\\.")) {
            if (segment.isEmpty()) {
                continue;
            }
            StringBuilder clean = new StringBuilder();
            for (char c : segment.toCharArray()) {
                clean.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
            }
            if (Character.isDigit(clean.charAt(0)) || JAVA_KEYWORDS.contains(clean.toString())) {
                clean.insert(0, '_');
            }
            out.append(out.length() == 0 ? "" : ".").append(clean);
        }
        return out.toString();
    }

    private static final List<String> JAVA_KEYWORDS = List.of("abstract", "assert", "boolean", "break", "byte",
            "case", "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum",
            "extends", "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null");

    private void addResourceRoot() {
        String directory = skeletonResourceDirectory.getPath();
        for (Resource existing : project.getResources()) {
            if (directory.equals(existing.getDirectory())) {
                return;
            }
        }
        Resource resource = new Resource();
        resource.setDirectory(directory);
        resource.addInclude("**/*.bpf.o");
        project.addResource(resource);
    }
}
