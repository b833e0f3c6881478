package dev.bpfj.toolchain;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes build outputs whole or not at all: the content goes to a temporary file next to the
 * target, which then replaces the target in one rename, so a failed or interrupted build never
 * leaves a half-written file that looks current, and a reader never sees one.
 *
 * <p>The temporary file is created like any other output, with the process's umask (usually
 * {@code 0644}): {@link Files#createTempFile} would make it {@code 0600}, and after the rename
 * a generated header or source would be unreadable to other users of a shared build.
 */
public final class OutputFiles {

    private OutputFiles() {
    }

    /**
     * Replaces {@code target} with {@code content}, unless it already holds exactly that (then
     * it keeps its timestamp, so nothing that depends on it is rebuilt).
     *
     * @param target  the file to write; missing parent directories are created
     * @param content the whole content
     * @return true when the file was written
     * @throws IOException if writing or renaming fails; the target is then unchanged
     */
    public static boolean writeIfChanged(Path target, byte[] content) throws IOException {
        if (Files.isRegularFile(target) && Files.size(target) == content.length
                && Arrays.equals(Files.readAllBytes(target), content)) {
            return false;
        }
        Path directory = target.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temp = createSibling(directory, target.getFileName().toString());
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(content);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException notOnThisFileSystem) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return true;
    }

    /** A new empty hidden file {@code .NAME.RANDOM.tmp} in {@code directory}, with default permissions. */
    /**
     * Creates an empty temporary file {@code .NAME.RANDOM.tmp} in {@code directory}, with the
     * process's umask like any other output. Unlike {@link Files#createTempFile}, it does not
     * initialise {@link java.security.SecureRandom} (a few dozen security classes and a seeding,
     * paid by every fresh Maven build), which a name that only has to be unique does not need.
     *
     * @param directory an existing directory
     * @param name      part of the file's name, e.g. the output it stands in for
     * @return the new file
     * @throws IOException if it cannot be created
     */
    public static Path createTemporary(Path directory, String name) throws IOException {
        return createSibling(directory, name);
    }

    private static Path createSibling(Path directory, String name) throws IOException {
        while (true) {
            Path candidate = directory.resolve("." + name + "." + Long.toUnsignedString(
                    ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                Files.newOutputStream(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return candidate;
            } catch (FileAlreadyExistsException taken) {
                // another writer picked the same name: draw again
            }
        }
    }
}
