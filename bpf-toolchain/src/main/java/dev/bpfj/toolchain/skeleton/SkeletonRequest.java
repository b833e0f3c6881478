package dev.bpfj.toolchain.skeleton;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@code bpf:skeleton} asks for: one skeleton class per {@code *.bpf.o} below the object
 * directory.
 *
 * @param objectDirectory   where {@code bpf:compile} put the objects ({@code target/bpf})
 * @param sourceDirectory   the generated-sources root ({@code target/generated-sources/bpf})
 * @param resourceDirectory the generated-resources root ({@code target/generated-resources/bpf});
 *                          each object is copied into it under the package's path
 * @param packageName       the Java package of the skeletons ({@code ""} for the unnamed package)
 * @param extraTypes        C names of structs, unions or enums to generate in every skeleton whose
 *                          object has them (ring-buffer events that no map names)
 */
public record SkeletonRequest(Path objectDirectory, Path sourceDirectory, Path resourceDirectory, String packageName,
        List<String> extraTypes) {

    /** Checks and copies the inputs. */
    public SkeletonRequest {
        Objects.requireNonNull(objectDirectory, "objectDirectory");
        Objects.requireNonNull(sourceDirectory, "sourceDirectory");
        Objects.requireNonNull(resourceDirectory, "resourceDirectory");
        Objects.requireNonNull(packageName, "packageName");
        extraTypes = List.copyOf(extraTypes);
    }
}
