package dev.bpfj.toolchain;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Finds the files a goal works on: every file under a directory whose name ends with a suffix.
 * A loop over the tree rather than a stream: every build calls it, no-op ones included, and a
 * stream pipeline's first use costs a fresh plugin class loader several milliseconds.
 */
public final class SourceFiles {

    private SourceFiles() {
    }

    /**
     * Lists the regular files (or symbolic links to regular files, as a compiler would read them)
     * under {@code root} whose names end with {@code suffix}; directories reached through a
     * symbolic link are not entered, except {@code root} itself, which may be a link.
     *
     * @param root   the directory to search; a missing one has no files
     * @param suffix e.g. {@code ".bpf.c"}
     * @return the files, sorted
     * @throws IOException if the tree cannot be read
     */
    public static List<Path> find(Path root, String suffix) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        // The root itself may be a symbolic link (src/main/bpf -> elsewhere): walk its target, but
        // report the files under the root as configured, which is how builds name them.
        Path start = Files.isSymbolicLink(root) ? root.toRealPath() : root;
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (file.getFileName().toString().endsWith(suffix) && (attributes.isRegularFile()
                        || attributes.isSymbolicLink() && Files.isRegularFile(file))) {
                    found.add(start == root ? file : root.resolve(start.relativize(file)));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        Collections.sort(found);
        return found;
    }
}
