package dev.bpfj.toolchain.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.test.KernelTest;
import dev.bpfj.toolchain.RecordingLog;
import dev.bpfj.toolchain.clang.BpfBuildException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration mistakes stop bpf:verify before anything is loaded. Marked as a kernel test because
 * the machine check (privileges, BTF, libbpf) comes first: elsewhere the goal skips before reading
 * the configuration.
 */
@KernelTest(needs = KernelTest.Facility.CLANG)
class KernelVerifierTest {

    @TempDir
    Path dir;

    private Path objects() throws IOException {
        Path source = dir.resolve("src/knobs.bpf.c");
        Files.createDirectories(source.getParent());
        Files.writeString(source, String.join("\n",
                "#include <linux/bpf.h>",
                "#include <bpf/bpf_helpers.h>",
                "char LICENSE[] SEC(\"license\") = \"GPL\";",
                "const volatile __u16 port = 0;",
                "struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } seen SEC(\".maps\");",
                "SEC(\"xdp\") int knobs(struct xdp_md *ctx) { return port ? XDP_DROP : XDP_PASS; }", ""));
        Path out = dir.resolve("bpf");
        Path compiled = ClangFixtures.compile(source, dir.resolve("cache"));
        Files.createDirectories(out);
        Files.copy(compiled, out.resolve("knobs.bpf.o"));
        return out;
    }

    private VerifyRequest request(Path objects, Map<String, Integer> maxEntries, Map<String, String> rodata,
            List<String> skip) {
        return new VerifyRequest(objects, List.of(dir.resolve("src")), maxEntries, Map.of(), Map.of(), rodata, skip, Map.of(), Map.of(),
                true, "test", Path.of(System.getProperty("java.home"), "bin", "java"), dir.resolve("no-runtime.jar"),
                dir.resolve("work"));
    }

    @Test
    void aMapNameNoObjectHasFailsBeforeLoading() throws IOException {
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> new KernelVerifier(new RecordingLog())
                .verify(request(objects(), Map.of("sean", 8), Map.of(), List.of())));
        assertEquals("bpf:verify: <maxEntries> names map sean, which no object has; check the name (C names, like my_map)",
                e.getMessage());
    }

    @Test
    void aRodataValueThatIsNoNumberIsNamed() throws IOException {
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> new KernelVerifier(new RecordingLog())
                .verify(request(objects(), Map.of(), Map.of("port", "eighty"), List.of())));
        assertEquals("bpf:verify: rodata port = \"eighty\" is not a number (decimal, 0x hex, true or false)", e.getMessage());
    }

    @Test
    void anUnknownProgramToSkipIsNamed() throws IOException {
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> new KernelVerifier(new RecordingLog())
                .verify(request(objects(), Map.of(), Map.of(), List.of("knob"))));
        assertTrue(e.getMessage().startsWith("bpf:verify: <skipPrograms> names program knob, which no object has"),
                e.getMessage());
    }

    private Path object(String name, String... lines) throws IOException {
        Path source = dir.resolve("src/" + name + ".bpf.c");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n"
                + "char LICENSE[] SEC(\"license\") = \"GPL\";\n" + String.join("\n", lines) + "\n");
        Path out = Files.createDirectories(dir.resolve("bpf"));
        Files.copy(ClangFixtures.compile(source, dir.resolve("cache")), out.resolve(name + ".bpf.o"));
        return out;
    }

    @Test
    void settingsTheApplicationMakesAreAskedForBeforeLoading() throws Exception {
        // A map sized at run time: libbpf would only say "map 'counts': failed to create: Invalid argument".
        Path objects = object("sized",
                "struct { __uint(type, BPF_MAP_TYPE_HASH); __type(key, __u32); __type(value, __u64); } counts SEC(\".maps\");",
                "SEC(\"xdp\") int count(struct xdp_md *ctx) { __u32 k = 0; bpf_map_lookup_elem(&counts, &k); return XDP_PASS; }");
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> new KernelVerifier(new RecordingLog())
                .verify(request(objects, Map.of(), Map.of(), List.of())));
        assertTrue(e.getMessage().startsWith("bpf:verify: 1 object(s) need settings that the application makes before load"),
                e.getMessage());
        assertEquals(List.of("sized.bpf.o: map counts (BPF_MAP_TYPE_HASH) has max_entries 0, which the application sets"
                + " before load: give the size to load it with, <maxEntries><counts>N</counts></maxEntries>"), e.details());

        // A stack map without a value size, as bcc's tools have (they size it at run time): <valueSizes>.
        Files.delete(objects.resolve("sized.bpf.o"));
        object("stacks",
                "struct { __uint(type, BPF_MAP_TYPE_STACK_TRACE); __type(key, __u32); } stacks SEC(\".maps\");",
                "SEC(\"perf_event\") int sample(void *ctx) { return bpf_get_stackid(ctx, &stacks, 0) < 0; }");
        BpfBuildException stacks = assertThrows(BpfBuildException.class, () -> new KernelVerifier(new RecordingLog())
                .verify(request(objects, Map.of("stacks", 64), Map.of(), List.of())));
        assertEquals(List.of("stacks.bpf.o: map stacks (BPF_MAP_TYPE_STACK_TRACE) has value size 0, which the application"
                + " sets before load: give the size to load it with, <valueSizes><stacks>bytes</stacks></valueSizes> (a stack"
                + " map's is the stack depth times 8)"), stacks.details());

        // A map-in-map without an inner map: no setting of the goal gives one, so the object is left out, by name.
        Files.delete(objects.resolve("stacks.bpf.o"));
        object("outer",
                "struct { __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS); __uint(max_entries, 4); __type(key, __u32);"
                        + " __type(value, __u32); } outer SEC(\".maps\");",
                "SEC(\"xdp\") int lookup(struct xdp_md *ctx) { __u32 k = 0; return bpf_map_lookup_elem(&outer, &k) ? XDP_PASS"
                        + " : XDP_DROP; }");
        RecordingLog log = new RecordingLog();
        assertEquals(0, new KernelVerifier(log).verify(request(objects, Map.of(), Map.of(), List.of())));
        assertTrue(log.lines().stream().anyMatch(line -> line.startsWith("WARN bpf:verify: not loading outer.bpf.o: map outer"
                + " (BPF_MAP_TYPE_ARRAY_OF_MAPS) has no inner map")), log.lines().toString());
    }

    @Test
    void aSizeNamingNoMapFailsLikeAnyOtherSetting() throws IOException {
        Path objects = objects();
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> new KernelVerifier(new RecordingLog())
                .verify(new VerifyRequest(objects, List.of(dir.resolve("src")), Map.of(), Map.of(), Map.of("stackz", 1016),
                        Map.of(), List.of(), Map.of(), Map.of(), true, "test", Path.of(System.getProperty("java.home"), "bin",
                        "java"), dir.resolve("no-runtime.jar"), dir.resolve("work"))));
        assertTrue(e.getMessage().startsWith("bpf:verify: <valueSizes> names map stackz, which no object has"), e.getMessage());
    }

    @Test
    void noObjectsIsNotAnError() throws Exception {
        RecordingLog log = new RecordingLog();
        assertEquals(0, new KernelVerifier(log).verify(request(dir.resolve("missing"), Map.of(), Map.of(), List.of())));
    }
}
