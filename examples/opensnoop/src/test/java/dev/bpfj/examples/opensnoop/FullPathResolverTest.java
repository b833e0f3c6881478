package dev.bpfj.examples.opensnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FullPathResolverTest {

    @TempDir
    Path proc;

    @Test
    void relativeToTheWorkingDirectory() throws IOException {
        Files.createDirectories(proc.resolve("77"));
        Files.createSymbolicLink(proc.resolve("77/cwd"), Path.of("/home/me"));
        assertEquals("/home/me/notes.txt", new FullPathResolver(proc).resolve(77, FullPathResolver.AT_FDCWD, "notes.txt"));
    }

    @Test
    void relativeToADirectoryDescriptor() throws IOException {
        Files.createDirectories(proc.resolve("77/fd"));
        Files.createSymbolicLink(proc.resolve("77/fd/5"), Path.of("/var/log"));
        assertEquals("/var/log/syslog", new FullPathResolver(proc).resolve(77, 5, "syslog"));
    }

    @Test
    void rootWorkingDirectoryGivesNoDoubleSlash() throws IOException {
        Files.createDirectories(proc.resolve("1"));
        Files.createSymbolicLink(proc.resolve("1/cwd"), Path.of("/"));
        assertEquals("/etc", new FullPathResolver(proc).resolve(1, FullPathResolver.AT_FDCWD, "etc"));
    }

    @Test
    void absoluteAndUnresolvablePathsStayAsGiven() {
        FullPathResolver resolver = new FullPathResolver(proc);
        assertEquals("/etc/passwd", resolver.resolve(77, FullPathResolver.AT_FDCWD, "/etc/passwd"));
        assertEquals("gone.txt", resolver.resolve(999, FullPathResolver.AT_FDCWD, "gone.txt"));
    }
}
