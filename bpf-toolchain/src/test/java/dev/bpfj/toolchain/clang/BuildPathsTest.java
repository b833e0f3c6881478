package dev.bpfj.toolchain.clang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.RecordingLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths the compiler takes from the file system and from its own state file: a linked source
 * root, a forged state file, temporary files left by a killed build.
 */
class BuildPathsTest {

    private static final String PROGRAM = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>

            SEC("tracepoint/syscalls/sys_enter_openat")
            int %s(void *ctx)
            {
                return 0;
            }

            char LICENSE[] SEC("license") = "GPL";
            """;

    @TempDir
    Path dir;

    private final RecordingLog log = new RecordingLog();

    private void source(Path directory, String program) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(program + ".bpf.c"), PROGRAM.formatted(program));
    }

    private CompileResult compile(Path root) throws Exception {
        return new BpfCompiler(log, ObjectChecker.none()).compile(
                CompileRequest.builder(root.resolve("src/main/bpf"), root.resolve("target/bpf")).projectDirectory(root)
                        .build());
    }

    @Test
    void symbolicLinkSourceRootIsFollowed() throws Exception {
        source(dir.resolve("shared/bpf"), "linked");
        Files.createDirectories(dir.resolve("project/src/main"));
        Files.createSymbolicLink(dir.resolve("project/src/main/bpf"), Path.of("../../../shared/bpf"));
        CompileResult result = compile(dir.resolve("project"));
        assertEquals(1, result.objects().size(), log.lines().toString());
        assertTrue(Files.isRegularFile(dir.resolve("project/target/bpf/linked.bpf.o")));
        // The source is named under the configured root, so the next build finds it current.
        assertEquals(dir.resolve("project/src/main/bpf/linked.bpf.c"), result.objects().get(0).source());
        assertEquals(0, compile(dir.resolve("project")).compiledCount());
    }

    @Test
    void forgedStateFileCannotDeleteOutsideTheOutputDirectory() throws Exception {
        Path root = dir.resolve("project");
        source(root.resolve("src/main/bpf"), "one");
        source(root.resolve("src/main/bpf"), "two");
        compile(root);
        Path victim = Files.writeString(dir.resolve("victim.txt"), "keep me");
        Path stateFile;
        try (Stream<Path> files = Files.list(root.resolve("target/bpf"))) {
            stateFile = files.filter(f -> f.getFileName().toString().startsWith(".bpfj-state-")).findFirst().orElseThrow();
        }
        String state = Files.readString(stateFile, StandardCharsets.UTF_8);
        String forgedPath = root.resolve("target/bpf") + "/../../victim.txt";
        Files.writeString(stateFile, state.replace(root.resolve("target/bpf/two.bpf.o").toString(), forgedPath));
        assertTrue(Files.readString(stateFile).contains(forgedPath), "the fixture forged the state");
        Files.delete(root.resolve("src/main/bpf/two.bpf.c"));

        CompileResult result = compile(root);
        assertTrue(Files.exists(victim), "a forged state file made the build delete " + victim);
        assertEquals(1, result.objects().size());
        assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("WARN Ignoring the build state")
                && l.contains("is not a path inside " + root.resolve("target/bpf"))), log.lines().toString());
        // The forged state was replaced: the next build is a no-op again.
        assertEquals(0, compile(root).compiledCount());
    }

    @Test
    void temporaryFilesOfAKilledBuildAreRemoved() throws Exception {
        Path root = dir.resolve("project");
        source(root.resolve("src/main/bpf"), "one");
        source(root.resolve("src/main/bpf/nested"), "two");
        compile(root);
        // What clang and the atomic writers leave when the build is killed with SIGKILL mid-write.
        List<Path> leftovers = List.of(root.resolve("target/bpf/.one.bpf.o4711.tmp"),
                root.resolve("target/bpf/.one.bpf.o4711.d.tmp"), root.resolve("target/bpf/nested/.two.bpf.o99.tmp"),
                root.resolve("target/bpf/include/.vmlinux.h.k3j2.tmp"));
        for (Path leftover : leftovers) {
            Files.createDirectories(leftover.getParent());
            Files.writeString(leftover, "partial");
        }
        Path unrelated = Files.writeString(root.resolve("target/bpf/notes.tmp"), "not ours: not hidden");
        assertEquals(0, compile(root).compiledCount());
        for (Path leftover : leftovers) {
            assertFalse(Files.exists(leftover), leftover + " survived the next build");
        }
        assertTrue(Files.exists(unrelated));
    }
}
