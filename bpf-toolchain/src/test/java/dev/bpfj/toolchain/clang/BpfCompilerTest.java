package dev.bpfj.toolchain.clang;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.RecordingLog;
import dev.bpfj.toolchain.validate.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real clang runs: objects, incremental decisions, failures, reproducibility. */
class BpfCompilerTest {

    private static final int EM_BPF = 247;

    private static final String PROGRAM = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            #include "common.h"

            struct {
                __uint(type, BPF_MAP_TYPE_ARRAY);
                __uint(max_entries, 1);
                __type(key, __u32);
                __type(value, __u64);
            } counts SEC(".maps");

            SEC("tracepoint/syscalls/sys_enter_openat")
            int %s(void *ctx)
            {
                __u32 key = 0;
                __u64 *value = bpf_map_lookup_elem(&counts, &key);
                if (value)
                    __sync_fetch_and_add(value, STEP);
                return 0;
            }

            char LICENSE[] SEC("license") = "GPL";
            """;

    @TempDir
    Path dir;

    private final RecordingLog log = new RecordingLog();

    private Path project(Path root, String... programs) throws IOException {
        Path src = Files.createDirectories(root.resolve("src/main/bpf"));
        Files.writeString(src.resolve("common.h"), "#define STEP 1\n");
        for (String program : programs) {
            Files.writeString(src.resolve(program + ".bpf.c"), PROGRAM.formatted(program));
        }
        return root;
    }

    private CompileRequest.Builder request(Path root) {
        return CompileRequest.builder(root.resolve("src/main/bpf"), root.resolve("target/bpf")).projectDirectory(root)
                .parallelism(2);
    }

    private CompileResult compile(CompileRequest request) throws Exception {
        return new BpfCompiler(log, ObjectChecker.none()).compile(request);
    }

    private static Set<String> compiledNames(CompileResult result) {
        return result.objects().stream().filter(CompileResult.CompiledObject::compiled)
                .map(o -> o.object().getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void compilesStrippedBpfObjectsWithBtf() throws Exception {
        Path root = project(dir, "one", "two");
        CompileResult result = compile(request(root).build());
        assertEquals(Set.of("one.bpf.o", "two.bpf.o"), compiledNames(result));
        Path object = root.resolve("target/bpf/one.bpf.o");
        assertEquals(EM_BPF, ElfPeek.machine(object));
        List<String> sections = ElfPeek.sectionNames(object);
        assertTrue(sections.containsAll(List.of(".BTF", ".BTF.ext", "license", ".maps",
                "tracepoint/syscalls/sys_enter_openat")), sections.toString());
        assertTrue(sections.stream().noneMatch(s -> s.startsWith(".debug")), sections.toString());
        try (Stream<Path> files = Files.list(root.resolve("target/bpf"))) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    @Test
    void libcHeadersCompileWithoutAMultilibInstall() throws Exception {
        // XDP programs like xdp-tutorial's include <stdint.h>; for -target bpf, glibc's gnu/stubs.h
        // then wants gnu/stubs-32.h, which only gcc-multilib installs (this machine and CI have none).
        Path root = project(dir);
        Files.writeString(root.resolve("src/main/bpf/libc.bpf.c"), """
                #include <stdint.h>
                #include <linux/bpf.h>
                #include <bpf/bpf_helpers.h>
                SEC("xdp")
                int pass(struct xdp_md *ctx) { uint32_t len = ctx->data_end - ctx->data; return len ? XDP_PASS : XDP_DROP; }
                char LICENSE[] SEC("license") = "GPL";
                """);
        CompileResult result = compile(request(root).build());
        assertEquals(Set.of("libc.bpf.o"), compiledNames(result));
        assertEquals(EM_BPF, ElfPeek.machine(root.resolve("target/bpf/libc.bpf.o")));
        assertTrue(Files.isRegularFile(root.resolve("target/bpf/include-after/gnu/stubs-32.h")));
    }

    @Test
    void aLibbpfMacroTheHeadersLackIsNamedWithTheHeadersVersion() throws Exception {
        // As bcc's newer tools call BPF_URETPROBE with libbpf 1.1's headers, which lack it; a
        // name in the family no libbpf defines keeps the test independent of the installed version.
        Path root = project(dir);
        Files.writeString(root.resolve("src/main/bpf/newer.bpf.c"), """
                #include <linux/bpf.h>
                #include <bpf/bpf_helpers.h>
                #include <bpf/bpf_tracing.h>
                SEC("uretprobe/readline")
                int BPF_URETPROBE_NEXT(printret, const void *ret) { return 0; }
                char LICENSE[] SEC("license") = "GPL";
                """);
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> compile(request(root).build()));
        String all = e.getMessage() + "\n" + String.join("\n", e.details());
        assertTrue(all.contains("newer.bpf.c:5: BPF_URETPROBE_NEXT is not defined by the libbpf headers clang read ("),
                all);
        assertTrue(all.contains("the source was written for newer libbpf headers, or the name is misspelled"), all);
        // a line without such a macro gets clang's words alone
        Files.writeString(root.resolve("src/main/bpf/newer.bpf.c"), "int broken( { return 0; }\n");
        BpfBuildException plain = assertThrows(BpfBuildException.class, () -> compile(request(root).build()));
        assertFalse((plain.getMessage() + plain.details()).contains("not defined by the libbpf headers"), plain.getMessage());
    }

    @Test
    void keepsDwarfWhenNotStripping() throws Exception {
        Path root = project(dir, "one");
        compile(request(root).strip(false).build());
        assertTrue(ElfPeek.sectionNames(root.resolve("target/bpf/one.bpf.o")).contains(".debug_info"));
    }

    @Test
    void secondBuildCompilesNothingAndTouchedHeaderRecompilesItsIncluders() throws Exception {
        Path root = project(dir, "one", "two");
        Path src = root.resolve("src/main/bpf");
        Files.writeString(src.resolve("other.h"), "#define OTHER 2\n");
        Files.writeString(src.resolve("three.bpf.c"), "#include \"other.h\"\nint x = OTHER;\n"
                + "char LICENSE[] __attribute__((section(\"license\"), used)) = \"GPL\";\n");
        assertEquals(3, compile(request(root).build()).compiledCount());

        CompileResult again = compile(request(root).build());
        assertEquals(0, again.compiledCount());
        assertEquals(3, again.objects().size());
        assertTrue(log.lines().stream().anyMatch(line -> line.startsWith("INFO All 3 BPF objects in "
                + root.resolve("target/bpf") + " are up to date (checked in ")), log.lines().toString());

        Path header = src.resolve("other.h");
        Files.setLastModifiedTime(header, FileTime.fromMillis(Files.getLastModifiedTime(header).toMillis() + 5000));
        assertEquals(Set.of("three.bpf.o"), compiledNames(compile(request(root).build())));

        Files.writeString(src.resolve("common.h"), "#define STEP 2\n");
        assertEquals(Set.of("one.bpf.o", "two.bpf.o"), compiledNames(compile(request(root).build())));

        assertEquals(3, compile(request(root).cflags(List.of("-DEXTRA=1")).build()).compiledCount());
        assertEquals(0, compile(request(root).cflags(List.of("-DEXTRA=1")).build()).compiledCount());
    }

    @Test
    void anotherClangVersionRecompilesEverything() throws Exception {
        Path root = project(dir.resolve("p"), "one", "two");
        Path real = ClangLocator.fromEnvironment().locate(java.util.Optional.empty());
        Path wrapper = Files.createDirectories(dir.resolve("bin")).resolve("clang");
        Files.writeString(wrapper, "#!/bin/sh\nexec " + real + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(2, compile(request(root).clang(wrapper).strip(false).build()).compiledCount());
        assertEquals(0, compile(request(root).clang(wrapper).strip(false).build()).compiledCount());
        // Same path, new binary reporting another version: the remembered probe must not hide it.
        Files.writeString(wrapper, "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'clang version 99.1.0 (test)';"
                + " exit 0; fi\nexec " + real + " \"$@\"\n");
        assertEquals(2, compile(request(root).clang(wrapper).strip(false).build()).compiledCount());
        assertTrue(log.lines().stream().anyMatch(l -> l.contains("with clang 99.1.0")), log.lines().toString());
    }

    @Test
    void probeCacheOutlivesTheOutputDirectoryAndFollowsTheBinary() throws Exception {
        Path root = project(dir.resolve("p"), "one");
        Path cache = root.resolve("target");
        Path real = ClangLocator.fromEnvironment().locate(java.util.Optional.empty());
        Path calls = dir.resolve("version-calls");
        Path wrapper = Files.createDirectories(dir.resolve("bin")).resolve("clang");
        String counting = "if [ \"$1\" = --version ]; then echo x >> " + calls + "; fi\n";
        Files.writeString(wrapper, "#!/bin/sh\n" + counting + "exec " + real + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(1, compile(request(root).clang(wrapper).strip(false).probeCacheDirectory(cache).build())
                .compiledCount());
        assertEquals(1, versionCalls(calls));

        // The outputs (and the build state with them) deleted: the object is rebuilt, clang is not probed again.
        deleteTree(root.resolve("target/bpf"));
        assertEquals(1, compile(request(root).clang(wrapper).strip(false).probeCacheDirectory(cache).build())
                .compiledCount());
        assertEquals(1, versionCalls(calls));

        // Same path, another binary: probed again, and the new version is what the build uses.
        Files.writeString(wrapper, "#!/bin/sh\n" + counting + "if [ \"$1\" = --version ]; then"
                + " echo 'clang version 99.1.0 (test)'; exit 0; fi\nexec " + real + " \"$@\"\n");
        deleteTree(root.resolve("target/bpf"));
        assertEquals(1, compile(request(root).clang(wrapper).strip(false).probeCacheDirectory(cache).build())
                .compiledCount());
        assertEquals(2, versionCalls(calls));
        assertTrue(log.lines().stream().anyMatch(l -> l.contains("with clang 99.1.0")), log.lines().toString());

        // A damaged cache file is ignored (probed again) and replaced.
        List<Path> cacheFiles;
        try (var files = Files.list(cache)) {
            cacheFiles = files.filter(f -> f.getFileName().toString().startsWith(".bpfj-clang-")).toList();
        }
        assertEquals(1, cacheFiles.size(), cacheFiles.toString());
        for (String damage : List.of("bpfj-state\t1\nclang\tnot numbers\n", "garbage")) {
            Files.writeString(cacheFiles.get(0), damage);
            deleteTree(root.resolve("target/bpf"));
            int before = versionCalls(calls);
            assertEquals(1, compile(request(root).clang(wrapper).strip(false).probeCacheDirectory(cache).build())
                    .compiledCount());
            assertEquals(before + 1, versionCalls(calls));
            assertTrue(Files.readString(cacheFiles.get(0)).contains("99.1.0"));
        }
    }

    private static int versionCalls(Path calls) throws IOException {
        return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void deletedObjectOrSourceIsNoticed() throws Exception {
        Path root = project(dir, "one", "two");
        compile(request(root).build());
        Files.delete(root.resolve("target/bpf/one.bpf.o"));
        assertEquals(Set.of("one.bpf.o"), compiledNames(compile(request(root).build())));
        Files.delete(root.resolve("src/main/bpf/two.bpf.c"));
        CompileResult result = compile(request(root).build());
        assertEquals(1, result.objects().size());
        assertFalse(Files.exists(root.resolve("target/bpf/two.bpf.o")), "object of a deleted source is removed");
    }

    @Test
    void compileErrorFailsListingDiagnosticsAndLeavesNoStaleObject() throws Exception {
        Path root = project(dir, "one", "two");
        compile(request(root).build());
        Path broken = root.resolve("src/main/bpf/two.bpf.c");
        Files.writeString(broken, "int broken(void) { return undeclared_thing; }\n");
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> compile(request(root).build()));
        assertTrue(e.getMessage().startsWith("BPF compilation failed for 1 of 1 source(s)"), e.getMessage());
        assertEquals(1, e.details().size(), e.details().toString());
        assertTrue(e.details().get(0).startsWith(broken + ":1:27: error: use of undeclared identifier"),
                e.details().toString());
        assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("ERROR " + broken + ":1:27: error:")), log.lines().toString());
        assertFalse(Files.exists(root.resolve("target/bpf/two.bpf.o")), "the old object must not look current");
        assertTrue(Files.exists(root.resolve("target/bpf/one.bpf.o")));
        // Still failing on the next build: a failed source is never recorded as up to date.
        assertThrows(BpfBuildException.class, () -> compile(request(root).build()));
    }

    @Test
    void anotherBuildOfTheToolchainJarChecksObjectsAgain() throws Exception {
        // The jar's identity is part of the configuration fingerprint: a plugin upgrade (or a rebuilt
        // snapshot) with new validation rules must not call objects it never checked "up to date".
        Path jar = dir.resolve("bpf-toolchain-1.0.jar");
        Files.write(jar, new byte[] {1, 2, 3});
        String first = BpfCompiler.codeIdentity(jar);
        assertEquals(first, BpfCompiler.codeIdentity(jar));
        Files.write(jar, new byte[] {1, 2, 3, 4});
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(1_000_000L));
        assertFalse(first.equals(BpfCompiler.codeIdentity(jar)), first);
        assertEquals("classes", BpfCompiler.codeIdentity(dir));
        assertEquals("classes", BpfCompiler.codeIdentity(null));
    }

    @Test
    void errorsNameTheSourceLineEvenInHeadersAndInTheBackend() throws Exception {
        Path root = project(dir);
        Path src = root.resolve("src/main/bpf");
        // An error two includes deep: the message leads back to the source's #include line.
        Files.writeString(src.resolve("outer.h"), "#include \"inner.h\"\n");
        Files.writeString(src.resolve("inner.h"), "int inner_broken(void) { return not_declared_here; }\n");
        Files.writeString(src.resolve("deep.bpf.c"), "#include <linux/bpf.h>\n#include \"outer.h\"\n");
        // Signed division by a variable: clang 18+ reports it at its line, older clang crashes in the
        // BPF backend after naming the line in a report of its own.
        Files.writeString(src.resolve("sdiv.bpf.c"), """
                #include <linux/bpf.h>
                #include <bpf/bpf_helpers.h>

                long divisor = 3;
                long result;

                SEC("tp/syscalls/sys_enter_getpid")
                int halve(void *ctx)
                {
                	long value = bpf_ktime_get_ns();

                	result = value / divisor;
                	return 0;
                }

                char LICENSE[] SEC("license") = "GPL";
                """);
        // -fno-crash-diagnostics: an older clang's crash writes no reproducer files to /tmp.
        BpfBuildException e = assertThrows(BpfBuildException.class,
                () -> compile(request(root).cflags(List.of("-fno-crash-diagnostics")).build()));
        String details = String.join("\n", e.details());
        assertTrue(details.matches("(?s).*inner\\.h:1:\\d+: error: use of undeclared identifier 'not_declared_here'"
                + " \\(included from \\S*outer\\.h:1 <- \\S*deep\\.bpf\\.c:2\\).*"), details);
        assertTrue(details.matches("(?s).*sdiv\\.bpf\\.c:12:\\d+: error: [Uu]nsupport(ed)? signed division.*"), details + log.lines());
    }

    @Test
    void validationErrorsKeepTheObjectOutAndWarningsFailOnlyWhenAsked() throws Exception {
        Path root = project(dir, "one");
        ObjectChecker warnsAlways = (object, source) -> List.of(new Problem(Problem.Severity.WARNING, source,
                "map counts", "is never used.", "remove it."));
        CompileResult result = new BpfCompiler(log, warnsAlways).compile(request(root).build());
        assertEquals(1, result.warnings().size());
        assertTrue(Files.exists(root.resolve("target/bpf/one.bpf.o")));

        BpfBuildException e = assertThrows(BpfBuildException.class,
                () -> new BpfCompiler(log, warnsAlways).compile(request(root).failOnWarning(true).build()));
        assertEquals(List.of("one.bpf.c: map counts: is never used. Fix: remove it."), e.details());
        assertFalse(Files.exists(root.resolve("target/bpf/one.bpf.o")));
    }

    @Test
    void sameSourcesInTwoDirectoriesGiveIdenticalBytes() throws Exception {
        Path first = project(dir.resolve("a"), "one");
        Path second = project(dir.resolve("somewhere/else/entirely"), "one");
        compile(request(first).build());
        compile(request(second).build());
        assertArrayEquals(Files.readAllBytes(first.resolve("target/bpf/one.bpf.o")),
                Files.readAllBytes(second.resolve("target/bpf/one.bpf.o")));
        compile(request(first).strip(false).build());
        compile(request(second).strip(false).build());
        assertArrayEquals(Files.readAllBytes(first.resolve("target/bpf/one.bpf.o")),
                Files.readAllBytes(second.resolve("target/bpf/one.bpf.o")));
    }

    @Test
    void missingLibbpfHeadersFailBeforeClangRuns() throws Exception {
        Path root = project(dir, "one");
        Path emptySystem = Files.createDirectories(dir.resolve("empty-system"));
        BpfBuildException e = assertThrows(BpfBuildException.class,
                () -> compile(request(root).systemIncludeDirectories(List.of(emptySystem)).build()));
        assertTrue(e.getMessage().startsWith("one.bpf.c includes <bpf/bpf_helpers.h>, but the libbpf headers are not"
                + " installed"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install libbpf-dev"), e.getMessage());
        assertTrue(e.getMessage().contains("dnf install libbpf-devel"), e.getMessage());
    }

    @Test
    void vmlinuxHeaderIsRequiredWhenIncludedAndTakenFromConfiguration() throws Exception {
        Path root = dir.resolve("p");
        Path src = Files.createDirectories(root.resolve("src/main/bpf"));
        Files.writeString(src.resolve("k.bpf.c"), "#include \"vmlinux.h\"\nint answer = FROM_VMLINUX;\n");
        BpfBuildException e = assertThrows(BpfBuildException.class, () -> compile(request(root).build()));
        assertTrue(e.getMessage().startsWith("k.bpf.c includes vmlinux.h, but there is none in"), e.getMessage());
        assertTrue(e.getMessage().contains("bpftool btf dump file /sys/kernel/btf/vmlinux format c"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dbpf.vmlinuxHeader="), e.getMessage());

        Path header = Files.writeString(dir.resolve("my-kernel.h"), "#define FROM_VMLINUX 42\n");
        assertEquals(1, compile(request(root).vmlinuxHeader(header).build()).compiledCount());
        assertEquals(0, compile(request(root).vmlinuxHeader(header).build()).compiledCount());

        VmlinuxHeaderProvider generator = (directory, log) -> {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("vmlinux.h"), "#define FROM_VMLINUX 43\n");
            return true;
        };
        assertEquals(1, compile(request(root).vmlinuxGenerator(generator).build()).compiledCount(),
                "a different vmlinux.h is a changed input");
    }

    @Test
    void badArchOrTargetIsAUserError() throws Exception {
        Path root = project(dir, "one");
        BpfBuildException arch = assertThrows(BpfBuildException.class,
                () -> compile(request(root).osArch("vax").build()));
        assertTrue(arch.getMessage().contains("-Dbpf.arch="), arch.getMessage());
        BpfBuildException target = assertThrows(BpfBuildException.class,
                () -> compile(request(root).target("x86").build()));
        assertTrue(target.getMessage().startsWith("Unknown BPF target 'x86'"), target.getMessage());
    }

    @Test
    void bigEndianTargetProducesBigEndianElf() throws Exception {
        Path root = project(dir, "one");
        compile(request(root).target("bpfeb").build());
        byte[] bytes = Files.readAllBytes(root.resolve("target/bpf/one.bpf.o"));
        assertEquals(2, bytes[5], "EI_DATA is ELFDATA2MSB");
    }

    @Test
    void noSourcesIsNotAnError() throws Exception {
        CompileResult result = compile(request(dir).build());
        assertTrue(result.objects().isEmpty());
        assertTrue(log.lines().get(0).startsWith("INFO No BPF sources"), log.lines().toString());
    }
}
