package dev.bpfj.maven;

import dev.bpfj.toolchain.clang.ClangPolicy;
import dev.bpfj.toolchain.clang.PinnedClang;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.repository.RemoteRepository;

/**
 * The goals that run clang: how it is chosen ({@code bpf.clang}), and where the pinned clang
 * comes from ({@code bpf.clangArtifact}, resolved through Maven) and is unpacked
 * ({@code bpf.clangCache}).
 */
public abstract class AbstractClangMojo extends AbstractBpfMojo {

    /**
     * The clang to use: a path, or one of these words. {@code auto} (the default): {@code clang}
     * on the {@code PATH}, else the newest {@code clang-NN} on the {@code PATH}, if it is clang 12
     * or newer with the BPF backend; else the pinned clang ({@code bpf.clangArtifact}), fetched
     * through Maven. {@code maven}: always the pinned clang, so that objects are byte-identical on
     * every machine. {@code system}: only the {@code PATH}.
     */
    @Parameter(property = "bpf.clang")
    private String clang;

    /**
     * The Maven artifact the pinned clang comes from, {@code groupId:artifactId:version}; the
     * platform's classifier ({@code linux-x86_64}, {@code linux-arm64}) is added. The default
     * artifact's checksum is pinned in the plugin.
     */
    @Parameter(property = "bpf.clangArtifact", defaultValue = PinnedClang.DEFAULT_ARTIFACT)
    private String clangArtifact;

    /**
     * Where pinned clangs are unpacked, once per artifact: default
     * {@code $XDG_CACHE_HOME/bpfj/clang}, or {@code ~/.cache/bpfj/clang}.
     */
    @Parameter(property = "bpf.clangCache")
    private File clangCache;

    /** Resolves the pinned clang's artifact. */
    @Component
    private RepositorySystem repositorySystem;

    /** The build's resolver session (local repository, offline mode, checksum policy). */
    @Parameter(defaultValue = "${repositorySystemSession}", readonly = true, required = true)
    private RepositorySystemSession repositorySession;

    /** The repositories the pinned clang is resolved from: the plugin repositories, Central among them. */
    @Parameter(defaultValue = "${project.remotePluginRepositories}", readonly = true, required = true)
    private List<RemoteRepository> pluginRepositories;

    /** Creates the Mojo; Maven sets the parameters. */
    protected AbstractClangMojo() {
    }

    /**
     * The clang path the user gave, resolved against the project.
     *
     * @param projectDirectory the project's base directory
     * @return the path, or null when {@code bpf.clang} is unset or a mode word
     */
    protected final Path configuredClang(File projectDirectory) {
        if (ClangPolicy.modeNamed(clang).isPresent()) {
            return null;
        }
        return projectDirectory.toPath().resolve(clang.strip());
    }

    /**
     * How clang is chosen when no path is configured, with the pinned clang resolved lazily
     * through this build's repository system.
     *
     * @return the policy
     */
    protected final ClangPolicy clangPolicy() {
        ClangPolicy.Mode mode = ClangPolicy.modeNamed(clang).orElse(ClangPolicy.Mode.SYSTEM);
        Optional<String> classifier = PinnedClang.platformClassifier();
        if (classifier.isEmpty()) {
            return new ClangPolicy(mode, Optional.empty());
        }
        Path cache = clangCache == null ? PinnedClang.defaultCache() : clangCache.toPath();
        return new ClangPolicy(mode, Optional.of(new MavenPinnedClang(repositorySystem, repositorySession,
                pluginRepositories, clangArtifact, classifier.get(), cache, buildLog())));
    }
}
