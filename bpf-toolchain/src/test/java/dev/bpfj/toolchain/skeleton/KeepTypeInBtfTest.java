package dev.bpfj.toolchain.skeleton;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.clang.BuildLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ring buffer event used only through a local pointer has no BTF, so {@code bpf.types} cannot
 * find it: the error says how to keep it, and the line it suggests, added to the source, works.
 */
class KeepTypeInBtfTest {

    private static final String SOURCE = """
            #include <linux/types.h>
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>

            struct pointer_only_event {
            	__u32 pid;
            	__u64 ts;
            };

            struct {
            	__uint(type, BPF_MAP_TYPE_RINGBUF);
            	__uint(max_entries, 4096);
            } events SEC(".maps");
            %s
            SEC("tracepoint/syscalls/sys_enter_openat")
            int on_open(void *ctx)
            {
            	struct pointer_only_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

            	if (!e)
            		return 0;
            	e->pid = bpf_get_current_pid_tgid() >> 32;
            	e->ts = bpf_ktime_get_ns();
            	bpf_ringbuf_submit(e, 0);
            	return 0;
            }

            char LICENSE[] SEC("license") = "GPL";
            """;

    @TempDir
    Path work;

    @Test
    void theErrorSaysHowToKeepATypeAndItsSuggestionWorks() throws Exception {
        String message = generate("", "pointer_only_event");
        assertTrue(message.contains("bpf.types names 'pointer_only_event'"), message);
        assertTrue(message.contains("used only through a local pointer"), message);
        Matcher line = Pattern.compile("'(struct pointer_only_event \\*unused_pointer_only_event"
                + " __attribute__\\(\\(unused\\)\\);)'").matcher(message);
        assertTrue(line.find(), message);

        Path generated = work.resolve("gen2");
        generate(line.group(1), "pointer_only_event", generated);
        String skeleton = Files.readString(generated.resolve("x/KeepBpf.java"));
        assertTrue(skeleton.contains("class PointerOnlyEvent"), skeleton);
    }

    @Test
    void aRingBufferThatNamesItsRecordTypeKeepsItAndTheSkeletonSaysSo() throws Exception {
        // The cilium/ebpf way: __type(value, ...) on the ring buffer (bpfj's runtime drops it at open).
        Path dir = Files.createDirectories(work.resolve("src-typed"));
        Path source = Files.writeString(dir.resolve("keep.bpf.c"), SOURCE.formatted("")
                .replace("__uint(max_entries, 4096);", "__uint(max_entries, 4096);\n\t__type(value, struct pointer_only_event);"));
        Path objects = Files.createDirectories(dir.resolve("bpf"));
        Files.copy(ClangFixtures.compile(source, dir.resolve("cache")), objects.resolve("keep.bpf.o"));
        Path generated = work.resolve("gen-typed");
        new Skeletons(BuildLog.silent()).generate(new SkeletonRequest(objects, generated, work.resolve("res-typed"), "x",
                List.of()));
        String skeleton = Files.readString(generated.resolve("x/KeepBpf.java"));
        assertTrue(skeleton.contains("class PointerOnlyEvent"), skeleton);
        assertTrue(skeleton.contains("The C definition names the record type: {@code ringBuffer(PointerOnlyEvent.CODEC, "
                + "record -> ...)}."), skeleton);
    }

    /** Compiles the source with {@code extra} added and expects bpf.types to fail: the message. */
    private String generate(String extra, String type) throws Exception {
        return assertThrows(BpfBuildException.class, () -> generate(extra, type, work.resolve("gen1"))).getMessage();
    }

    private void generate(String extra, String type, Path generated) throws Exception {
        Path dir = Files.createDirectories(work.resolve("src-" + extra.hashCode()));
        Path source = Files.writeString(dir.resolve("keep.bpf.c"), SOURCE.formatted(extra));
        Path objects = Files.createDirectories(dir.resolve("bpf"));
        Files.copy(ClangFixtures.compile(source, dir.resolve("cache")), objects.resolve("keep.bpf.o"));
        new Skeletons(BuildLog.silent()).generate(new SkeletonRequest(objects, generated, work.resolve("res"), "x",
                List.of(type)));
    }
}
