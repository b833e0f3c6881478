package dev.bpfj.toolchain.object;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.toolchain.Fixtures;
import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.btf.BtfLinkage;
import dev.bpfj.toolchain.btf.BtfStruct;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The object model against {@code src/test/bpf/{maps,programs,btf_zoo}.bpf.c}. */
class BpfObjectSpecTest {

    private static final int BPF_FUNC_MAP_LOOKUP_ELEM = 1;
    private static final int BPF_FUNC_TAIL_CALL = 12;
    private static final int BPF_FUNC_GET_CURRENT_PID_TGID = 14;
    private static final int BPF_FUNC_PERF_EVENT_OUTPUT = 25;
    private static final int BPF_FUNC_MAP_PEEK_ELEM = 89;
    private static final int BPF_FUNC_RINGBUF_OUTPUT = 130;
    private static final int BPF_FUNC_TRACE_PRINTK = 6;
    private static final int BPF_FUNC_PROBE_READ_KERNEL = 113;
    private static final int BPF_FUNC_LOOP = 181;

    private static List<BpfObjectSpec> both(String fixture) throws Exception {
        return List.of(BpfObjectSpec.read(Fixtures.object(fixture)), BpfObjectSpec.read(Fixtures.bigEndianObject(fixture)));
    }

    @Test
    void mapsWithEveryAttribute() throws Exception {
        for (BpfObjectSpec spec : both("maps")) {
            Btf btf = spec.btf().orElseThrow();
            assertEquals(List.of("inner_a", "inner_b", "outer", "jumps", "events_by_pid", "ring", "perf", "percpu",
                    "sized_array", "outer_hash", "bloom"), spec.maps().stream().map(MapSpec::name).toList());

            MapSpec hash = spec.map("events_by_pid").orElseThrow();
            assertEquals(MapType.HASH, hash.mapType().orElseThrow());
            assertEquals(1024, hash.maxEntries());
            assertEquals(4, hash.keySize());
            assertEquals("int", btf.type(hash.keyTypeId().orElseThrow()).name());
            BtfStruct event = (BtfStruct) btf.resolve(hash.valueTypeId().orElseThrow());
            assertEquals("event", event.name());
            assertEquals(32, hash.valueSize());
            assertEquals(1, hash.flags()); // BPF_F_NO_PREALLOC
            assertEquals(Set.of(MapSpec.Field.TYPE, MapSpec.Field.MAX_ENTRIES, MapSpec.Field.KEY, MapSpec.Field.VALUE,
                    MapSpec.Field.MAP_FLAGS), hash.presentFields());
            assertTrue(hash.innerMap().isEmpty());

            MapSpec array = spec.map("sized_array").orElseThrow();
            assertEquals(MapType.ARRAY, array.mapType().orElseThrow());
            assertEquals(4, array.keySize());
            assertEquals(24, array.valueSize());
            assertEquals(OptionalInt.empty(), array.keyTypeId());
            assertEquals(1, array.pinning());
            assertTrue(array.has(MapSpec.Field.KEY_SIZE) && array.has(MapSpec.Field.VALUE_SIZE)
                    && array.has(MapSpec.Field.PINNING));
            assertFalse(array.has(MapSpec.Field.KEY));

            MapSpec ring = spec.map("ring").orElseThrow();
            assertEquals(MapType.RINGBUF, ring.mapType().orElseThrow());
            assertEquals(27, ring.type());
            assertEquals(256 * 1024, ring.maxEntries());
            assertEquals(0, ring.keySize());

            MapSpec perf = spec.map("perf").orElseThrow();
            assertEquals(MapType.PERF_EVENT_ARRAY, perf.mapType().orElseThrow());
            assertEquals(4, perf.valueSize());
            assertFalse(perf.has(MapSpec.Field.MAX_ENTRIES));

            MapSpec percpu = spec.map("percpu").orElseThrow();
            assertEquals(MapType.PERCPU_ARRAY, percpu.mapType().orElseThrow());
            assertTrue(percpu.has(MapSpec.Field.NUMA_NODE));
            assertEquals(8, percpu.valueSize());

            MapSpec bloom = spec.map("bloom").orElseThrow();
            assertEquals(MapType.BLOOM_FILTER, bloom.mapType().orElseThrow());
            assertEquals(3, bloom.mapExtra());
            assertTrue(bloom.has(MapSpec.Field.MAP_EXTRA));

            MapSpec outer = spec.map("outer").orElseThrow();
            assertEquals(MapType.ARRAY_OF_MAPS, outer.mapType().orElseThrow());
            MapSpec inner = outer.innerMap().orElseThrow();
            assertEquals("outer.inner", inner.name());
            assertEquals(MapType.ARRAY, inner.mapType().orElseThrow());
            assertEquals(8, inner.maxEntries());
            assertEquals(8, inner.valueSize());
            assertEquals(Map.of(1, "inner_a", 3, "inner_b"), outer.initialValues());
            assertTrue(outer.has(MapSpec.Field.VALUES));

            MapSpec outerHash = spec.map("outer_hash").orElseThrow();
            assertEquals(MapType.HASH_OF_MAPS, outerHash.mapType().orElseThrow());
            assertEquals(MapType.HASH, outerHash.innerMap().orElseThrow().mapType().orElseThrow());
            assertEquals(16, outerHash.innerMap().orElseThrow().maxEntries());
            assertEquals(Map.of(), outerHash.initialValues());

            MapSpec jumps = spec.map("jumps").orElseThrow();
            assertEquals(MapType.PROG_ARRAY, jumps.mapType().orElseThrow());
            assertTrue(jumps.innerMap().isEmpty());
            assertEquals(Map.of(0, "tail_target"), jumps.initialValues());

            ProgramSpec useMaps = spec.program("use_maps").orElseThrow();
            assertEquals(Set.of(BPF_FUNC_MAP_LOOKUP_ELEM, BPF_FUNC_GET_CURRENT_PID_TGID, BPF_FUNC_RINGBUF_OUTPUT,
                    BPF_FUNC_PERF_EVENT_OUTPUT, BPF_FUNC_MAP_PEEK_ELEM, BPF_FUNC_TAIL_CALL), useMaps.helperIds());
            SortedSet<String> mapRefs = new TreeSet<>();
            useMaps.relocations().stream().filter(r -> r.kind() == ProgramRelocation.Kind.MAP)
                    .forEach(r -> mapRefs.add(r.symbolName()));
            assertEquals(new TreeSet<>(List.of("events_by_pid", "ring", "perf", "outer", "percpu", "sized_array",
                    "outer_hash", "bloom", "jumps")), mapRefs);
            assertEquals(Map.of(), spec.globalSections().stream().collect(java.util.stream.Collectors.toMap(
                    GlobalSection::name, GlobalSection::size)));
            assertEquals("GPL", spec.license().orElseThrow());
            assertFalse(spec.hasLegacyMapsSection());
        }
    }

    @Test
    void programsSubprogramsAndRelocations() throws Exception {
        for (BpfObjectSpec spec : both("programs")) {
            assertEquals(List.of("on_write:tracepoint/syscalls/sys_enter_write", "on_switch:raw_tp/sched_switch",
                    "on_uprobe:uprobe", "on_xdp:xdp", "on_kprobe:kprobe/do_nanosleep"),
                    spec.programs().stream().map(p -> p.name() + ":" + p.sectionName()).toList());
            assertEquals(List.of("global_helper", "static_helper", "count_one"),
                    spec.subprograms().stream().map(ProgramSpec::name).toList());
            ProgramSpec globalHelper = spec.subprograms().get(0);
            assertTrue(globalHelper.isGlobal() && globalHelper.isSubprogram());
            assertFalse(spec.subprograms().get(1).isGlobal());
            assertEquals(24, globalHelper.sizeBytes());

            ProgramSpec onWrite = spec.program("on_write").orElseThrow();
            assertEquals(80, onWrite.sizeBytes());
            assertEquals(List.of("static_helper", "global_helper"), onWrite.calledFunctions());
            assertEquals(Set.of(BPF_FUNC_TRACE_PRINTK), onWrite.helperIds());
            ProgramRelocation fmt = onWrite.relocations().stream()
                    .filter(r -> r.kind() == ProgramRelocation.Kind.DATA).findFirst().orElseThrow();
            assertEquals(".rodata", fmt.targetSection());
            assertTrue(onWrite.instructions().stream().anyMatch(i -> i.index() == fmt.instructionIndex() && i.isLdImm64()));
            assertEquals("on_write", spec.btf().orElseThrow().type(onWrite.btfFuncId()).name());

            ProgramSpec onSwitch = spec.program("on_switch").orElseThrow();
            assertTrue(onSwitch.helperIds().contains(BPF_FUNC_PROBE_READ_KERNEL), onSwitch.helperIds().toString());

            ProgramSpec onUprobe = spec.program("on_uprobe").orElseThrow();
            assertEquals(Set.of(BPF_FUNC_LOOP), onUprobe.helperIds());
            assertTrue(onUprobe.relocations().stream().anyMatch(r -> r.kind() == ProgramRelocation.Kind.FUNCTION_ADDRESS
                    && r.symbolName().equals("count_one")));
            assertEquals(List.of("LINUX_KERNEL_VERSION", "CONFIG_BPF_SYSCALL"), onUprobe.relocations().stream()
                    .filter(r -> r.kind() == ProgramRelocation.Kind.EXTERN).map(ProgramRelocation::symbolName).toList());

            ProgramSpec onXdp = spec.program("on_xdp").orElseThrow();
            assertEquals(List.of("bpf_rcu_read_lock", "bpf_rcu_read_unlock"), onXdp.kfuncCalls());
            // clang writes kfunc calls as BPF-to-BPF calls against an undefined symbol; the
            // loader turns them into PSEUDO_KFUNC_CALL. They are not helper calls.
            assertTrue(onXdp.relocations().stream().filter(r -> r.kind() == ProgramRelocation.Kind.KFUNC)
                    .allMatch(r -> onXdp.instructions().stream().anyMatch(i -> i.index() == r.instructionIndex()
                            && i.isCall() && !i.isHelperCall())));
            assertEquals(Set.of(), onXdp.helperIds());

            assertEquals(List.of("global_helper", "static_helper"),
                    spec.program("on_kprobe").orElseThrow().calledFunctions());

            assertEquals("GPL", spec.license().orElseThrow());
            assertEquals(OptionalInt.of(0x050f00), spec.kernelVersion());
            assertEquals(List.of("LINUX_KERNEL_VERSION:.kconfig:EXTERN", "CONFIG_BPF_SYSCALL:.kconfig:EXTERN"),
                    spec.externs().stream().map(v -> v.name() + ":" + v.section() + ":" + v.linkage()).toList());

            GlobalSection rodata = spec.globalSection(".rodata").orElseThrow();
            assertEquals(List.of("filter_pid@0", "on_write.____fmt@4"),
                    rodata.variables().stream().map(v -> v.name() + "@" + v.offset()).toList());
            assertEquals("write %d\0", new String(rodata.initialBytes(), 4, 9, java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    @Test
    void globalSectionsWithVariablesAndInitialImages() throws Exception {
        for (BpfObjectSpec spec : both("btf_zoo")) {
            Btf btf = spec.btf().orElseThrow();
            assertEquals(List.of(".data:DATA", ".rodata:RODATA", ".data.custom:DATA", ".rodata.custom:RODATA",
                    ".bss:BSS", ".bss.custom:BSS"),
                    spec.globalSections().stream().map(s -> s.name() + ":" + s.kind()).toList());

            GlobalSection data = spec.globalSection(".data").orElseThrow();
            assertEquals(List.of("zoo_anon_enum@0+4", "zoo_data_int@4+4", "zoo_data_array@8+32"),
                    data.variables().stream().map(v -> v.name() + "@" + v.offset() + "+" + v.size()).toList());
            ByteBuffer image = ByteBuffer.wrap(data.initialBytes()).order(spec.byteOrder());
            assertEquals(11, image.getInt(0)); // ANON_B
            assertEquals(42, image.getInt(4));
            assertEquals(3L, image.getLong(8 + 2 * 8));
            assertFalse(data.readOnly());

            GlobalSection rodata = spec.globalSection(".rodata").orElseThrow();
            assertTrue(rodata.readOnly());
            GlobalVariable constInt = rodata.variable("zoo_const_int").orElseThrow();
            assertEquals(7, ByteBuffer.wrap(rodata.initialBytes()).order(spec.byteOrder()).getInt((int) constInt.offset()));
            assertEquals("int", btf.resolve(constInt.btfTypeId()).name());
            GlobalVariable text = rodata.variable("zoo_const_text").orElseThrow();
            assertEquals("rodata", new String(rodata.initialBytes(), (int) text.offset(), 6,
                    java.nio.charset.StandardCharsets.US_ASCII));

            GlobalSection customRo = spec.globalSection(".rodata.custom").orElseThrow();
            ByteBuffer ro = ByteBuffer.wrap(customRo.initialBytes()).order(spec.byteOrder());
            assertEquals(-1L, ro.getLong(0));
            assertEquals(2L, ro.getLong(8));
            assertEquals(0x11223344, ByteBuffer.wrap(spec.globalSection(".data.custom").orElseThrow().initialBytes())
                    .order(spec.byteOrder()).getInt(0));

            GlobalSection bss = spec.globalSection(".bss").orElseThrow();
            assertArrayEquals(new byte[(int) bss.size()], bss.initialBytes());
            GlobalVariable counter = bss.variable("zoo_static_counter").orElseThrow();
            assertEquals(BtfLinkage.STATIC, counter.linkage());
            GlobalVariable all = bss.variable("zoo_all").orElseThrow();
            assertEquals(BtfLinkage.GLOBAL, all.linkage());
            assertEquals(160, all.size());
            assertEquals("zoo", btf.type(all.btfTypeId()).name());
            // Offsets come from the ELF symbols; every variable must fit and none may overlap.
            long end = 0;
            for (GlobalVariable v : bss.variables()) {
                assertTrue(v.offset() >= end, v.toString());
                end = v.offset() + v.size();
            }
            assertTrue(end <= bss.size());
            assertEquals(4, spec.globalSection(".bss.custom").orElseThrow().size());

            assertEquals("Dual BSD/GPL", spec.license().orElseThrow());
            assertTrue(spec.kernelVersion().isEmpty());
            assertEquals(List.of("zoo_touch"), spec.programs().stream().map(ProgramSpec::name).toList());
            assertEquals(List.of("zoo_global_func"), spec.subprograms().stream().map(ProgramSpec::name).toList());
            assertTrue(spec.maps().isEmpty());
        }
    }

    @Test
    void bothByteOrdersGiveTheSameModel() throws Exception {
        for (String fixture : List.of("maps", "programs", "btf_zoo")) {
            Path little = Fixtures.object(fixture);
            Path big = Fixtures.bigEndianObject(fixture);
            BpfObjectSpec a = BpfObjectSpec.read(little);
            BpfObjectSpec b = BpfObjectSpec.read(big);
            assertEquals(ByteOrder.LITTLE_ENDIAN, a.byteOrder());
            assertEquals(ByteOrder.BIG_ENDIAN, b.byteOrder());
            assertEquals(a.maps(), b.maps(), fixture);
            assertEquals(a.programs().stream().map(p -> p.name() + p.helperIds() + p.relocations() + p.sizeBytes()).toList(),
                    b.programs().stream().map(p -> p.name() + p.helperIds() + p.relocations() + p.sizeBytes()).toList());
            assertEquals(a.globalSections().stream().map(s -> s.name() + s.variables()).toList(),
                    b.globalSections().stream().map(s -> s.name() + s.variables()).toList());
        }
    }
}
