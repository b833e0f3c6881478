package dev.bpfj.toolchain.vmlinux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.RecordingLog;
import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.clang.BuildLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bpf:compile hook: generated once per BTF content (per machine, with the cache), regenerated when the BTF changes. */
class KernelBtfHeaderProviderTest {

    @TempDir
    Path dir;

    private static byte[] btf(String structName) {
        TinyBtf btf = new TinyBtf();
        int i32 = btf.intType("int", 4, true);
        btf.struct(structName, 4, "x", i32, 0);
        return btf.build();
    }

    @Test
    void generatesOncePerBtfContent() throws Exception {
        Path btfFile = dir.resolve("kernel.btf");
        Files.write(btfFile, btf("first"));
        Path include = dir.resolve("include");
        KernelBtfHeaderProvider provider = KernelBtfHeaderProvider.of(btfFile, null);

        RecordingLog log = new RecordingLog();
        assertTrue(provider.provide(include, log));
        Path header = include.resolve("vmlinux.h");
        String first = Files.readString(header);
        assertTrue(first.contains("struct first {"), first);
        assertTrue(log.allLines().stream().anyMatch(l -> l.startsWith("INFO Generated")), log.allLines().toString());

        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(header, old);
        RecordingLog again = new RecordingLog();
        assertTrue(provider.provide(include, again));
        assertEquals(old, Files.getLastModifiedTime(header), "an unchanged BTF must not rewrite the header");
        assertFalse(again.allLines().stream().anyMatch(l -> l.startsWith("INFO Generated")), again.allLines().toString());

        Files.write(btfFile, btf("second"));
        assertTrue(provider.provide(include, new RecordingLog()));
        String second = Files.readString(header);
        assertTrue(second.contains("struct second {") && !second.contains("struct first {"), second);
        assertNotEquals(old, Files.getLastModifiedTime(header));
    }

    @Test
    void anUnchangedBtfFileIsNotReadAgain() throws Exception {
        Path btfFile = dir.resolve("kernel.btf");
        byte[] first = btf("first");
        Files.write(btfFile, first);
        FileTime modified = Files.getLastModifiedTime(btfFile);
        Path include = dir.resolve("include");
        KernelBtfHeaderProvider provider = KernelBtfHeaderProvider.of(btfFile, null);
        assertTrue(provider.provide(include, new RecordingLog()));
        assertTrue(Files.isRegularFile(include.resolve(".vmlinux.h.source")));

        // Same size, same time, same inode, other bytes: only a read would notice, and none happens.
        byte[] garbage = new byte[first.length];
        try (var channel = java.nio.channels.FileChannel.open(btfFile, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(garbage));
        }
        Files.setLastModifiedTime(btfFile, modified);
        RecordingLog quick = new RecordingLog();
        assertTrue(provider.provide(include, quick));
        assertTrue(quick.allLines().stream().anyMatch(l -> l.startsWith("DEBUG vmlinux.h is up to date")
                && l.endsWith("unchanged)")), quick.allLines().toString());

        // Any change to the file's time is a reason to read it all: now the garbage is found.
        Files.setLastModifiedTime(btfFile, FileTime.fromMillis(modified.toMillis() + 2000));
        BpfBuildException malformed = assertThrows(BpfBuildException.class,
                () -> provider.provide(include, new RecordingLog()));
        assertTrue(malformed.getMessage().contains("kernel.btf"), malformed.getMessage());
    }

    @Test
    void missingBtfOffersNothingAndSaysWhy() throws Exception {
        RecordingLog log = new RecordingLog();
        Path missing = dir.resolve("no-such.btf");
        assertFalse(KernelBtfHeaderProvider.of(missing, null).provide(dir.resolve("include"), log));
        assertTrue(log.allLines().stream().anyMatch(l -> l.startsWith("WARN") && l.contains(missing.toString())),
                log.allLines().toString());
        assertFalse(Files.exists(dir.resolve("include/vmlinux.h")));
    }

    @Test
    void generatorWritesRequestedPathAndKeepsItWhenCurrent() throws Exception {
        Path btfFile = dir.resolve("kernel.btf");
        Files.write(btfFile, btf("only"));
        Path output = dir.resolve("src/main/bpf/vmlinux.h");
        VmlinuxRequest request = new VmlinuxRequest(btfFile, output, List.of("only"));
        VmlinuxHeader header = new VmlinuxGenerator(BuildLog.silent()).generate(request);
        assertEquals(header.text(), Files.readString(output));
        assertTrue(header.text().contains("Only these types and what they need: only"), header.text());
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(output, old);
        new VmlinuxGenerator(BuildLog.silent()).generate(request);
        assertEquals(old, Files.getLastModifiedTime(output));
    }

    @Test
    void cacheServesEveryLaterBuildOfTheSameBtf() throws Exception {
        Path btfFile = dir.resolve("kernel.btf");
        Files.write(btfFile, btf("cached"));
        Path cache = dir.resolve("cache");
        KernelBtfHeaderProvider provider = KernelBtfHeaderProvider.of(btfFile, cache);

        RecordingLog first = new RecordingLog();
        assertTrue(provider.provide(dir.resolve("project-a/include"), first));
        assertTrue(first.allLines().stream().anyMatch(l -> l.startsWith("INFO Generated")), first.allLines().toString());
        String generated = Files.readString(dir.resolve("project-a/include/vmlinux.h"));
        List<Path> kept;
        try (var files = Files.list(cache)) {
            kept = files.filter(f -> f.toString().endsWith(".h")).toList();
        }
        assertEquals(1, kept.size(), kept.toString());
        assertEquals(generated, Files.readString(kept.get(0)));

        // Another project, or the same one after mvn clean: copied, not generated.
        RecordingLog second = new RecordingLog();
        assertTrue(provider.provide(dir.resolve("project-b/include"), second));
        assertEquals(generated, Files.readString(dir.resolve("project-b/include/vmlinux.h")));
        assertFalse(second.allLines().stream().anyMatch(l -> l.startsWith("INFO Generated")), second.allLines().toString());
        assertTrue(second.allLines().stream().anyMatch(l -> l.startsWith("INFO Copied") && l.contains(kept.get(0).toString())),
                second.allLines().toString());

        // A cached file whose stamp does not match (damaged, or from another generator) is not used.
        Files.writeString(kept.get(0), "/* not a header of this BTF */\n");
        RecordingLog third = new RecordingLog();
        assertTrue(provider.provide(dir.resolve("project-c/include"), third));
        assertTrue(third.allLines().stream().anyMatch(l -> l.startsWith("INFO Generated")), third.allLines().toString());
        assertEquals(generated, Files.readString(dir.resolve("project-c/include/vmlinux.h")));
        assertEquals(generated, Files.readString(kept.get(0)), "the damaged entry is replaced");

        // A different BTF (another kernel) has its own entry; nothing of the first one is served.
        Files.write(btfFile, btf("other"));
        assertTrue(provider.provide(dir.resolve("project-a/include"), new RecordingLog()));
        assertTrue(Files.readString(dir.resolve("project-a/include/vmlinux.h")).contains("struct other {"));
        try (var files = Files.list(cache)) {
            assertEquals(2, files.filter(f -> f.toString().endsWith(".h")).count());
        }
    }

    @Test
    void unwritableCacheDoesNotFailTheBuild() throws Exception {
        Path btfFile = dir.resolve("kernel.btf");
        Files.write(btfFile, btf("plain"));
        Path notADirectory = Files.writeString(dir.resolve("cache-is-a-file"), "x");
        RecordingLog log = new RecordingLog();
        assertTrue(KernelBtfHeaderProvider.of(btfFile, notADirectory).provide(dir.resolve("include"), log));
        assertTrue(Files.readString(dir.resolve("include/vmlinux.h")).contains("struct plain {"));
        assertTrue(log.allLines().stream().anyMatch(l -> l.startsWith("DEBUG Cannot keep vmlinux.h in the cache")),
                log.allLines().toString());
    }
}
