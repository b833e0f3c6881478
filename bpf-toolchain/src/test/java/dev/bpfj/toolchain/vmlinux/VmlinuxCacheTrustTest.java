package dev.bpfj.toolchain.vmlinux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.RecordingLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared vmlinux.h cache is used only for entries whose content still matches the checksum
 * recorded with them and that only the current user can have written; everything else is
 * skipped with a warning and the header is generated from the BTF.
 */
class VmlinuxCacheTrustTest {

    private static final String PLANTED = "struct planted_by_someone_else { int x; };\n";

    @TempDir
    Path dir;

    private Path btfFile;
    private Path cache;
    private Path entry;
    private String generated;

    @BeforeEach
    void fillCache() throws Exception {
        btfFile = dir.resolve("kernel.btf");
        TinyBtf btf = new TinyBtf();
        btf.struct("genuine", 4, "x", btf.intType("int", 4, true), 0);
        Files.write(btfFile, btf.build());
        cache = dir.resolve("cache");
        assertTrue(KernelBtfHeaderProvider.of(btfFile, cache).provide(dir.resolve("first/include"), new RecordingLog()));
        generated = Files.readString(dir.resolve("first/include/vmlinux.h"));
        try (var files = Files.list(cache)) {
            List<Path> headers = files.filter(f -> f.toString().endsWith(".h")).toList();
            assertEquals(1, headers.size(), headers.toString());
            entry = headers.get(0);
        }
        assertTrue(Files.exists(entry.resolveSibling(entry.getFileName() + ".sha256")), "the entry has its checksum");
    }

    /** Provides the header to a fresh project and returns the log. */
    private RecordingLog provide(String project) throws Exception {
        RecordingLog log = new RecordingLog();
        assertTrue(KernelBtfHeaderProvider.of(btfFile, cache).provide(dir.resolve(project + "/include"), log));
        String header = Files.readString(dir.resolve(project + "/include/vmlinux.h"));
        assertFalse(header.contains("planted_by_someone_else"), "the planted header was used:\n" + log.allLines());
        assertEquals(generated, header);
        return log;
    }

    private static boolean generated(RecordingLog log) {
        return log.allLines().stream().anyMatch(l -> l.startsWith("INFO Generated"));
    }

    private static boolean warned(RecordingLog log, String text) {
        return log.allLines().stream().anyMatch(l -> l.startsWith("WARN") && l.contains(text));
    }

    @Test
    void intactEntryIsCopied() throws Exception {
        RecordingLog log = provide("second");
        assertFalse(generated(log), log.allLines().toString());
    }

    @Test
    void entryWithTheRightStampButOtherContentIsRegenerated() throws Exception {
        // The stamp line survives: only the checksum of the whole header tells.
        String tampered = generated.replace("struct genuine {", PLANTED + "struct genuine {");
        Files.writeString(entry, tampered, StandardCharsets.UTF_8);
        RecordingLog log = provide("second");
        assertTrue(generated(log) && warned(log, "does not match the SHA-256"), log.allLines().toString());
        assertEquals(generated, Files.readString(entry), "the tampered entry is replaced");
        assertFalse(generated(provide("third")), "the repaired entry serves the next build");
    }

    @Test
    void entryWithoutChecksumIsRegenerated() throws Exception {
        Files.writeString(entry, generated.replace("struct genuine {", PLANTED + "struct genuine {"));
        Files.delete(entry.resolveSibling(entry.getFileName() + ".sha256"));
        RecordingLog log = provide("second");
        assertTrue(generated(log) && warned(log, "has no checksum file"), log.allLines().toString());
    }

    @Test
    void entryOthersMayWriteIsNotUsed() throws Exception {
        Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rw-rw-rw-"));
        RecordingLog log = provide("second");
        assertTrue(generated(log) && warned(log, "others than its owner may write it"), log.allLines().toString());
    }

    @Test
    void cacheDirectoryOthersMayWriteIsNeitherReadNorWritten() throws Exception {
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.delete(entry);
        RecordingLog log = provide("second");
        assertTrue(generated(log) && warned(log, "Not using the vmlinux.h cache " + cache), log.allLines().toString());
        assertFalse(Files.exists(entry), "a header was written into a directory others may write");
    }

    @Test
    void cacheReachedThroughALinkIsUsedButALinkedEntryIsNot() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("cache-link"), cache);
        cache = link;
        assertFalse(generated(provide("second")), "a linked cache directory of the user's own serves the build");
        Path elsewhere = Files.writeString(dir.resolve("elsewhere.h"),
                generated.replace("struct genuine {", PLANTED + "struct genuine {"));
        Files.delete(entry);
        Files.createSymbolicLink(entry, elsewhere);
        RecordingLog log = provide("third");
        assertTrue(generated(log) && warned(log, "it is a symbolic link"), log.allLines().toString());
    }

    @Test
    void entryOfAnotherUserIsNotUsed() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "changing a file's owner needs root; the permission tests cover the rest");
        Files.writeString(entry, generated.replace("struct genuine {", PLANTED + "struct genuine {"));
        Path seal = entry.resolveSibling(entry.getFileName() + ".sha256");
        Files.writeString(seal, VmlinuxGenerator.CacheTrust.sha256(Files.readAllBytes(entry)) + "\n");
        Files.setAttribute(entry, "unix:uid", 65534);
        Files.setAttribute(seal, "unix:uid", 65534);
        RecordingLog log = provide("second");
        assertTrue(generated(log) && warned(log, "not to the current user"), log.allLines().toString());
    }
}
