package dev.bpfj.maven;

import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.clang.BuildLog;
import dev.bpfj.toolchain.clang.PinnedClang;
import dev.bpfj.toolchain.clang.PinnedClangSource;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;

/**
 * The pinned clang, resolved through Maven's own repository system: downloaded once into the
 * local repository (with the repository's checksums checked as the build's settings say),
 * offline-friendly afterwards, and unpacked by {@link PinnedClang} into a per-user cache.
 * Nothing is resolved until a build actually needs the pinned clang.
 */
final class MavenPinnedClang implements PinnedClangSource {

    private final RepositorySystem system;
    private final RepositorySystemSession session;
    private final List<RemoteRepository> repositories;
    private final String artifact;
    private final String classifier;
    private final Path cache;
    private final BuildLog log;

    MavenPinnedClang(RepositorySystem system, RepositorySystemSession session, List<RemoteRepository> repositories,
            String artifact, String classifier, Path cache, BuildLog log) {
        this.system = system;
        this.session = session;
        this.repositories = repositories;
        this.artifact = artifact;
        this.classifier = classifier;
        this.cache = cache;
        this.log = log;
    }

    @Override
    public Path clang() throws BpfBuildException {
        String[] gav = artifact.split(":");
        if (gav.length != 3) {
            throw new BpfBuildException("bpf.clangArtifact '" + artifact
                    + "' is not groupId:artifactId:version (for example " + PinnedClang.DEFAULT_ARTIFACT + ")");
        }
        ArtifactRequest request = new ArtifactRequest(new DefaultArtifact(gav[0], gav[1], classifier, "jar", gav[2]),
                repositories, "bpfj-clang");
        ArtifactResult result;
        try {
            result = system.resolveArtifact(session, request);
        } catch (ArtifactResolutionException e) {
            throw new BpfBuildException("Cannot resolve the pinned clang " + describe() + ": " + e.getMessage()
                    + (session.isOffline() ? " (Maven is offline: build once online, or install clang on the PATH)"
                    : " (check the network and the repositories in settings.xml, or install clang on the PATH)"),
                    List.of(), e);
        }
        return PinnedClang.unpack(artifact, classifier, result.getArtifact().getFile().toPath(), cache, log);
    }

    @Override
    public String describe() {
        return artifact + ":" + classifier;
    }
}
