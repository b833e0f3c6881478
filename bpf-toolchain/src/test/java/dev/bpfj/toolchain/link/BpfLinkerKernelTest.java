package dev.bpfj.toolchain.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import dev.bpfj.toolchain.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The linked fixture (link_main.bpf.c + link_lib.bpf.c) loaded into the kernel and run, next to
 * the same sources linked by {@code bpftool gen object}: both objects load, and after running
 * both XDP programs once ({@code BPF_PROG_TEST_RUN}) every map and the {@code .bss} hold the same
 * values. The programs exercise the cross-file parts: main_prog calls lib_scale() (which calls
 * its own static adjust()), the strong lib_mode() and reads the strong threshold, lib_base and
 * main_step; both update each file's static private_count, the shared main_runs and the map
 * tallies that link_lib.bpf.c defines and link_main.bpf.c declares extern.
 *
 * <p>A CO-RE pair (link_core_a.bpf.c + link_core_b.bpf.c, each with its own partial
 * {@code task_struct}) loads with the same relocations patched as bpftool's link of it.
 *
 * <p>bpftool 7.1 (libbpf 1.1) links the files only with link_lib.bpf.c first: with the extern
 * map declared before its definition its {@code .maps} DATASEC keeps the extern's offset and
 * libbpf cannot open the object. This linker is run in both orders.
 */
@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.BPFTOOL, KernelTest.Facility.BPFFS})
class BpfLinkerKernelTest {

    @TempDir
    Path dir;

    private final List<Path> pins = new ArrayList<>();

    @Test
    void ourLinkAndBpftoolsLoadAndBehaveTheSame() throws Exception {
        Path main = Fixtures.object("link/link_main");
        Path lib = Fixtures.object("link/link_lib");
        Path ours = Files.createDirectories(dir.resolve("ours")).resolve("linked.bpf.o");
        Files.write(ours, BpfLinker.link(List.of(BpfLinkerTest.input("link_lib.bpf.c", lib),
                BpfLinkerTest.input("link_main.bpf.c", main))));
        Path theirs = Files.createDirectories(dir.resolve("bpftool")).resolve("linked.bpf.o");
        run("bpftool", "gen", "object", theirs.toString(), lib.toString(), main.toString());
        try {
            String expected = loadAndRun(theirs, "bpftool");
            assertEquals(expected, loadAndRun(ours, "ours"), "same maps after the same runs");
            assertTrue(expected.contains("\"seen\":1,\"origin\":2,\"total\":292"), expected);
            assertTrue(expected.contains("\"main_runs\":101"), expected);
        } finally {
            cleanUp();
        }
    }

    @Test
    void theOtherOrderLoadsAndBehavesTheSameToo() throws Exception {
        Path linked = Files.createDirectories(dir.resolve("main-first")).resolve("linked.bpf.o");
        Files.write(linked, BpfLinker.link(BpfLinkerTest.mainThenLib()));
        try {
            String maps = loadAndRun(linked, "main-first");
            // main_prog: results[0] = {private_count 1, the strong lib_mode() 2,
            // lib_scale(adjust(40)) = (41 + 100) * 2 = 282, + main_step 3 + the strong threshold 7}.
            assertTrue(maps.contains("\"key\":0,\"value\":{\"seen\":1,\"origin\":2,\"total\":292}"), maps);
            // lib_prog: tallies[1] = lib_scale(1) + its own private_count = 202 + 10; main_prog counted tallies[0].
            assertTrue(maps.contains("\"key\":1,\"value\":212"), maps);
            assertTrue(maps.contains("\"key\":0,\"value\":1"), maps);
            assertTrue(maps.contains("\"main_runs\":101"), maps);
            assertTrue(maps.contains("\"private_count\":1") && maps.contains("\"private_count\":10"), maps);
            // Both files read the one kconfig extern the loader filled in.
            java.util.regex.Matcher main = java.util.regex.Pattern.compile("\"main_kernel\":(\\d+)").matcher(maps);
            java.util.regex.Matcher lib = java.util.regex.Pattern.compile("\"lib_kernel\":(\\d+)").matcher(maps);
            assertTrue(main.find() && lib.find(), maps);
            assertTrue(Long.parseLong(main.group(1)) > 0x50000, maps);
            assertEquals(main.group(1), lib.group(1));
        } finally {
            cleanUp();
        }
    }

    @Test
    void coreRelocationsOfBothFilesArePatchedAsInBpftoolsLink() throws Exception {
        Path a = Fixtures.object("link/link_core_a");
        Path b = Fixtures.object("link/link_core_b");
        Path ours = Files.createDirectories(dir.resolve("core-ours")).resolve("core.bpf.o");
        Files.write(ours, BpfLinker.link(List.of(BpfLinkerTest.input("link_core_a.bpf.c", a),
                BpfLinkerTest.input("link_core_b.bpf.c", b))));
        Path theirs = Files.createDirectories(dir.resolve("core-bpftool")).resolve("core.bpf.o");
        run("bpftool", "gen", "object", theirs.toString(), a.toString(), b.toString());
        try {
            List<String> expected = patchedInstructions(theirs, "core-bpftool");
            // core_a's tgid, core_b's pid, core_parent_of's real_parent and tgid: each file's own field order.
            assertEquals(4, expected.size(), expected.toString());
            assertEquals(expected, patchedInstructions(ours, "core-ours"));
        } finally {
            cleanUp();
        }
    }

    /** Loads with libbpf's debug log and returns its CO-RE "patched insn" lines, sorted. */
    private List<String> patchedInstructions(Path object, String tag) throws Exception {
        Path progs = Path.of("/sys/fs/bpf/bpfj-link-" + ProcessHandle.current().pid() + "-" + tag);
        pins.add(progs);
        String log = run("bpftool", "-d", "prog", "loadall", object.toString(), progs.toString());
        return log.lines().filter(l -> l.contains("patched insn")).sorted().toList();
    }

    /** Loads with bpftool, runs both programs once, and returns the maps' formatted contents. */
    private String loadAndRun(Path object, String tag) throws Exception {
        String base = "/sys/fs/bpf/bpfj-link-" + ProcessHandle.current().pid() + "-" + tag;
        Path progs = Path.of(base + "-progs");
        Path maps = Path.of(base + "-maps");
        pins.add(progs);
        pins.add(maps);
        run("bpftool", "prog", "loadall", object.toString(), progs.toString(), "pinmaps", maps.toString());
        Path packet = dir.resolve("packet");
        Files.write(packet, new byte[64]);
        assertTrue(run("bpftool", "prog", "run", "pinned", progs.resolve("main_prog").toString(), "data_in",
                packet.toString(), "repeat", "1").contains("Return value: 2"), "main_prog returns XDP_PASS");
        assertTrue(run("bpftool", "prog", "run", "pinned", progs.resolve("lib_prog").toString(), "data_in",
                packet.toString(), "repeat", "1").contains("Return value: 1"), "lib_prog returns XDP_DROP");
        StringBuilder out = new StringBuilder();
        for (String map : List.of("results", "tallies", "linked_bss", "linked_data", "linked_rodata")) {
            String json = run("bpftool", "map", "dump", "pinned", maps.resolve(map).toString(), "-j");
            out.append(map).append('=').append(formatted(json)).append('\n');
        }
        return out.toString();
    }

    /** The "formatted" parts of bpftool's JSON, without whitespace, sorted (a hash map's order is its own). */
    private static String formatted(String json) {
        String compact = json.replaceAll("\\s+", "");
        List<String> entries = new ArrayList<>();
        int at = 0;
        while ((at = compact.indexOf("\"formatted\":", at)) >= 0) {
            int start = at + "\"formatted\":".length();
            int depth = 0;
            int end = start;
            do {
                char c = compact.charAt(end++);
                depth += c == '{' || c == '[' ? 1 : c == '}' || c == ']' ? -1 : 0;
            } while (depth > 0 && end < compact.length());
            entries.add(compact.substring(start, end));
            at = end;
        }
        // Global data maps print {"value":{".bss":[...]}} without a "formatted" key.
        entries.sort(null);
        return entries.isEmpty() ? compact : String.join(";", entries);
    }

    private void cleanUp() throws IOException {
        for (Path pin : pins) {
            if (Files.exists(pin)) {
                try (Stream<Path> walk = Files.walk(pin)) {
                    for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        }
        pins.clear();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = process.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed with " + process.exitValue() + ":\n" + text);
        }
        return text;
    }
}
