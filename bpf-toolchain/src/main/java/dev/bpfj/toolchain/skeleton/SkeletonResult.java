package dev.bpfj.toolchain.skeleton;

import java.nio.file.Path;
import java.util.List;

/**
 * What one {@code bpf:skeleton} run did.
 *
 * @param sources   every skeleton source that now exists, changed or not
 * @param written   how many sources or resources were (re)written because their content changed
 * @param unchanged how many were already up to date and left alone
 * @param deleted   outputs of objects that no longer exist, removed
 */
public record SkeletonResult(List<Path> sources, int written, int unchanged, List<Path> deleted) {

    /** Copies the lists. */
    public SkeletonResult {
        sources = List.copyOf(sources);
        deleted = List.copyOf(deleted);
    }
}
