package dev.bpfj.toolchain.vmlinux;

import static dev.bpfj.toolchain.vmlinux.VmlinuxTestSupport.clangCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.btf.BtfType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Our header is a drop-in for bpftool's: it defines every named type bpftool's defines (as clang
 * sees them), and where bpftool's header gets a size or offset right, ours gets the same.
 * Also prints how long each takes on this machine (never asserted).
 */
@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.BPFTOOL})
class BpftoolComparisonTest {

    private static final Pattern TYPEDEF = Pattern.compile("^[|`]-TypedefDecl .* (\\w+) '");
    private static final Pattern RECORD = Pattern.compile("^[|`]-RecordDecl .* (struct|union) (\\w+) definition$");
    private static final Pattern ENUM = Pattern.compile("^[|`]-EnumDecl .* line:\\d+:\\d+ (\\w+)$");

    private static Path bpftoolHeader(Path dir) throws Exception {
        VmlinuxTestSupport.Outcome dump = VmlinuxTestSupport.run(dir, List.of("bpftool", "btf", "dump", "file",
                VmlinuxTestSupport.KERNEL_BTF.toString(), "format", "c"));
        assertTrue(dump.ok(), dump.output());
        Path header = dir.resolve("bpftool/vmlinux.h");
        Files.createDirectories(header.getParent());
        Files.writeString(header, dump.output());
        return header;
    }

    /** The named types a header defines, read from clang's AST dump of it. */
    private static Set<String> definedNames(Path header) throws Exception {
        VmlinuxTestSupport.Outcome ast = VmlinuxTestSupport.run(header.getParent(), List.of("clang", "-target", "bpf",
                "-fsyntax-only", "-Xclang", "-ast-dump", "-fno-color-diagnostics", header.getFileName().toString()));
        assertTrue(ast.ok(), "clang cannot parse " + header);
        Set<String> names = new TreeSet<>();
        for (String line : ast.output().split("\n")) {
            if (!line.startsWith("|-") && !line.startsWith("`-") || line.contains(" implicit ")) {
                continue;
            }
            Matcher m;
            if ((m = TYPEDEF.matcher(line)).find()) {
                names.add("typedef " + m.group(1));
            } else if ((m = RECORD.matcher(line)).find()) {
                names.add(m.group(1) + " " + m.group(2));
            } else if ((m = ENUM.matcher(line)).find()) {
                names.add("enum " + m.group(1));
            }
        }
        return names;
    }

    @Test
    void definesEveryNamedTypeBpftoolDefines() throws Exception {
        Path dir = VmlinuxTestSupport.workDir("compare-names");
        Path theirs = bpftoolHeader(dir);
        Path ours = dir.resolve("ours/vmlinux.h");
        Files.createDirectories(ours.getParent());
        Files.writeString(ours, VmlinuxTestSupport.kernelHeader().text());
        Set<String> bpftoolNames = definedNames(theirs);
        Set<String> ourNames = definedNames(ours);
        Set<String> missing = new TreeSet<>(bpftoolNames);
        missing.removeAll(ourNames);
        System.out.println("[vmlinux] bpftool defines " + bpftoolNames.size() + " named types, we define "
                + ourNames.size());
        assertTrue(bpftoolNames.size() > 1000, "bpftool's header looks empty: " + bpftoolNames.size());
        assertEquals(Set.of(), missing, "named types bpftool defines and we do not");
    }

    @Test
    void layoutsAgreeWhereverBpftoolsAreRight() throws Exception {
        Btf btf = VmlinuxTestSupport.kernelBtf();
        Path dir = VmlinuxTestSupport.workDir("compare-layouts");
        Path theirs = bpftoolHeader(dir);
        // bpftool and we both suffix repeated names with ___N, possibly in different orders: compare
        // only the types whose name BTF does not repeat.
        Map<String, Integer> counts = new HashMap<>();
        for (BtfType type : btf.types()) {
            if (!type.name().isEmpty()) {
                counts.merge(type.kind() == dev.bpfj.toolchain.btf.BtfKind.TYPEDEF ? "t " + type.name()
                        : "s " + type.name(), 1, Integer::sum);
            }
        }
        Set<Integer> vaList = KernelVmlinuxTest.containsVaListByValue(btf);
        LayoutProbe probe = new LayoutProbe(btf).addAll(id -> {
            BtfType type = btf.type(id);
            String key = (type.kind() == dev.bpfj.toolchain.btf.BtfKind.TYPEDEF ? "t " : "s ") + type.name();
            return counts.getOrDefault(key, 0) == 1 && !vaList.contains(id);
        });
        Files.writeString(dir.resolve("bpftool/probe.c"), "#include \"vmlinux.h\"\n" + probe.text());
        VmlinuxTestSupport.Outcome bpftool = clangCheck(theirs.getParent(), "probe.c");
        Path ours = dir.resolve("ours");
        Files.createDirectories(ours);
        Files.writeString(ours.resolve("vmlinux.h"), VmlinuxTestSupport.kernelHeader().text());
        Files.writeString(ours.resolve("probe.c"), "#include \"vmlinux.h\"\n" + probe.text());
        VmlinuxTestSupport.Outcome mine = clangCheck(ours, "probe.c");

        Set<String> bpftoolWrong = failedAssertions(bpftool.output());
        Set<String> ourWrong = failedAssertions(mine.output());
        System.out.println("[vmlinux] " + probe.assertions() + " sizeof/offsetof assertions (types with unique"
                + " names); bpftool's header fails " + bpftoolWrong.size() + " (for example "
                + bpftoolWrong.stream().limit(5).collect(java.util.stream.Collectors.joining(", ")) + "), ours fails "
                + ourWrong.size());
        Set<String> regressions = new TreeSet<>(ourWrong);
        regressions.removeAll(bpftoolWrong);
        assertEquals(Set.of(), regressions, "layouts bpftool's header gets right and ours does not");
        assertTrue(mine.ok(), mine.output());
    }

    private static Set<String> failedAssertions(String clangOutput) {
        Set<String> failed = new TreeSet<>();
        Matcher m = Pattern.compile("static_assert failed due to requirement .*\"([^\"]+)\"").matcher(clangOutput);
        while (m.find()) {
            failed.add(m.group(1));
        }
        return failed;
    }

    @Test
    void printsGenerationTimeAgainstBpftool() throws Exception {
        Path dir = VmlinuxTestSupport.workDir("timing");
        long bpftoolBest = Long.MAX_VALUE;
        long oursBest = Long.MAX_VALUE;
        long oursFirst = 0;
        for (int round = 0; round < 3; round++) {
            long start = System.nanoTime();
            VmlinuxTestSupport.Outcome dump = VmlinuxTestSupport.run(dir, List.of("sh", "-c",
                    "bpftool btf dump file /sys/kernel/btf/vmlinux format c > bpftool-vmlinux.h"));
            bpftoolBest = Math.min(bpftoolBest, System.nanoTime() - start);
            assertTrue(dump.ok(), dump.output());

            start = System.nanoTime();
            Btf btf = Btf.read(VmlinuxTestSupport.KERNEL_BTF);
            String text = VmlinuxHeaderWriter.of(btf).write().text();
            Files.writeString(dir.resolve("bpfj-vmlinux.h"), text);
            long ours = System.nanoTime() - start;
            if (round == 0) {
                oursFirst = ours;
            }
            oursBest = Math.min(oursBest, ours);
        }
        System.out.printf("[vmlinux] timing: bpftool btf dump format c best %d ms; bpfj read+write in process first"
                        + " %d ms, best %d ms; ratio bpfj/bpftool (best) %.2f%n", bpftoolBest / 1_000_000,
                oursFirst / 1_000_000, oursBest / 1_000_000, (double) oursBest / bpftoolBest);
    }
}
