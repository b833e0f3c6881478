package dev.bpfj.toolchain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesWithThePermissionsOfAnOrdinaryNewFile() throws Exception {
        Path ordinary = Files.writeString(dir.resolve("ordinary"), "x");
        Path written = dir.resolve("sub/vmlinux.h");
        assertTrue(OutputFiles.writeIfChanged(written, bytes("header")));
        assertEquals("header", Files.readString(written));
        // Files.createTempFile would have made it owner-only (rw-------).
        assertEquals(Files.getPosixFilePermissions(ordinary), Files.getPosixFilePermissions(written));
        assertEquals(List.of("vmlinux.h"), names(written.getParent()), "no temporary file is left behind");
    }

    @Test
    void keepsAFileWithTheSameContentUntouched() throws Exception {
        Path written = dir.resolve("Foo.java");
        OutputFiles.writeIfChanged(written, bytes("class Foo {}"));
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(written, old);
        assertFalse(OutputFiles.writeIfChanged(written, bytes("class Foo {}")));
        assertEquals(old, Files.getLastModifiedTime(written));
        assertTrue(OutputFiles.writeIfChanged(written, bytes("class Foo { }")));
        assertArrayEquals(bytes("class Foo { }"), Files.readAllBytes(written));
        assertEquals(List.of("Foo.java"), names(dir));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> names(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("ordinary")).sorted().toList();
        }
    }
}
