package dev.bpfj.toolchain.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.Fixtures;
import dev.bpfj.toolchain.elf.ElfFile;
import dev.bpfj.toolchain.elf.ElfSection;
import dev.bpfj.toolchain.elf.ElfSymbol;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BtfExtTest {

    private static BtfExt ext(ElfFile elf, Btf btf) throws Exception {
        ElfSection section = elf.section(".BTF.ext").orElseThrow();
        return BtfExt.parse(elf.fileName(), section.buffer(), section.name(), section.offset(), btf);
    }

    @Test
    void funcInfoNamesEveryFunctionAtItsOffset() throws Exception {
        for (Path object : List.of(Fixtures.object("programs"), Fixtures.bigEndianObject("programs"))) {
            ElfFile elf = ElfFile.read(object);
            Btf btf = BtfTest.zoo(object);
            BtfExt ext = ext(elf, btf);
            Set<String> expected = new TreeSet<>();
            for (ElfSymbol symbol : elf.symbols()) {
                if (symbol.isFunction()) {
                    expected.add(elf.sections().get(symbol.sectionIndex()).name() + "@" + symbol.value() + "="
                            + symbol.name());
                }
            }
            Set<String> actual = ext.funcInfos().stream()
                    .map(f -> f.section() + "@" + f.instructionOffset() + "=" + btf.type(f.typeId()).name())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(expected, actual);
            assertEquals(Set.of(".text", "tracepoint/syscalls/sys_enter_write", "raw_tp/sched_switch", "uprobe", "xdp",
                    "kprobe/do_nanosleep"), ext.sections());
        }
    }

    @Test
    void lineInfoCarriesFileLineColumnAndSourceText() throws Exception {
        Path object = Fixtures.object("btf_zoo");
        ElfFile elf = ElfFile.read(object);
        BtfExt ext = ext(elf, BtfTest.zoo(object));
        List<BtfLineInfo> lines = ext.lineInfos("raw_tp/sys_enter");
        assertTrue(lines.size() >= 3, lines.toString());
        BtfLineInfo increment = lines.stream().filter(l -> l.sourceLine().contains("zoo_static_counter++"))
                .findFirst().orElseThrow(() -> new AssertionError(lines.toString()));
        assertTrue(increment.fileName().endsWith("btf_zoo.bpf.c"), increment.fileName());
        List<String> source = java.nio.file.Files.readAllLines(Path.of("src/test/bpf/btf_zoo.bpf.c"));
        assertEquals(source.get(increment.line() - 1).trim(), increment.sourceLine().trim());
        // clang places the column on the operator: the "++" after the variable name.
        assertEquals(source.get(increment.line() - 1).indexOf("++") + 1, increment.column());
        assertEquals(0, lines.get(0).instructionOffset());
        assertTrue(lines.stream().allMatch(l -> l.instructionOffset() % 8 == 0));
    }

    @Test
    void coreRelocationsOfFieldAccessesAndTypeQueries() throws Exception {
        for (Path object : List.of(Fixtures.object("programs"), Fixtures.bigEndianObject("programs"))) {
            ElfFile elf = ElfFile.read(object);
            Btf btf = BtfTest.zoo(object);
            List<BtfCoreRelocation> relos = ext(elf, btf).coreRelocations("raw_tp/sched_switch");
            Set<String> described = relos.stream()
                    .map(r -> r.kind() + " " + btf.type(r.typeId()).name() + " " + r.accessor())
                    .collect(Collectors.toSet());
            // BPF_CORE_READ(task, parent, tgid): offsets of parent (member 2) and tgid (member 1);
            // bpf_core_field_exists(task->pid); bpf_core_type_size(struct task_like).
            assertEquals(Set.of("FIELD_BYTE_OFFSET task_like 0:2", "FIELD_BYTE_OFFSET task_like 0:1",
                    "FIELD_EXISTS task_like 0:0", "TYPE_SIZE task_like 0"), described, object.toString());
            assertTrue(ext(elf, btf).coreRelocations().containsAll(relos));
        }
    }
}
