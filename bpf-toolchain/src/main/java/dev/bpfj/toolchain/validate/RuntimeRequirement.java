package dev.bpfj.toolchain.validate;

import dev.bpfj.toolchain.object.BpfObjectSpec;
import dev.bpfj.toolchain.object.MapSpec;
import dev.bpfj.toolchain.object.MapType;
import dev.bpfj.toolchain.object.ProgramSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Something an object leaves to the application, to be set between open and load: a map's size,
 * a program's attach target, a map-in-map's inner map. The validator reports each one as a
 * warning ({@link Rule#MAP_MAX_ENTRIES}, {@link Rule#ATTACH_TARGET_RUNTIME},
 * {@link Rule#INNER_MAP_RUNTIME}); the skeleton generator documents them and makes its
 * {@code load()} refuse to go on while one is unmet.
 *
 * @param kind    what must be set
 * @param name    the map's or program's C name
 * @param section for a program, its SEC() name; for a map, its type ({@code BPF_MAP_TYPE_HASH})
 */
public record RuntimeRequirement(Kind kind, String name, String section) {

    /** What the application must set. */
    public enum Kind {
        /** The map's max_entries is 0: {@code BpfMap.maxEntries(int)}. */
        MAP_MAX_ENTRIES,
        /** The map's type needs a key but its key size is 0: {@code BpfMap.keySize(int)}. */
        MAP_KEY_SIZE,
        /** The map's type needs a value but its value size is 0: {@code BpfMap.valueSize(int)}. */
        MAP_VALUE_SIZE,
        /** The program names no attach target: {@code BpfProgram.attachTarget(String)}. */
        ATTACH_TARGET,
        /** An freplace program names no target: {@code BpfProgram.attachTarget(BpfProgram, String)}. */
        ATTACH_TARGET_PROGRAM,
        /** A map-in-map has no inner map definition: {@code BpfMap.innerMap(BpfMap)}. */
        INNER_MAP
    }

    /** Map types whose max_entries may be 0 because the kernel or libbpf sizes them. */
    private static final Set<MapType> SIZED_ELSEWHERE = EnumSet.of(MapType.PERF_EVENT_ARRAY, MapType.CGROUP_STORAGE,
            MapType.PERCPU_CGROUP_STORAGE, MapType.SK_STORAGE, MapType.INODE_STORAGE, MapType.TASK_STORAGE,
            MapType.CGRP_STORAGE, MapType.STRUCT_OPS);

    /** Hash-like map types whose key the kernel needs (arrays and friends get a 4-byte default from libbpf or none). */
    private static final Set<MapType> NEEDS_KEY = EnumSet.of(MapType.HASH, MapType.PERCPU_HASH, MapType.LRU_HASH,
            MapType.LRU_PERCPU_HASH, MapType.LPM_TRIE, MapType.HASH_OF_MAPS, MapType.SOCKHASH, MapType.DEVMAP_HASH);

    /** Map types without a value, or whose value libbpf fills in. */
    private static final Set<MapType> NO_VALUE = EnumSet.of(MapType.RINGBUF, MapType.USER_RINGBUF, MapType.STRUCT_OPS,
            MapType.ARENA, MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS, MapType.PROG_ARRAY, MapType.CGROUP_ARRAY,
            MapType.PERF_EVENT_ARRAY, MapType.CGROUP_STORAGE, MapType.PERCPU_CGROUP_STORAGE, MapType.SK_STORAGE,
            MapType.INODE_STORAGE, MapType.TASK_STORAGE, MapType.CGRP_STORAGE);

    /**
     * Finds what an object leaves to the application.
     *
     * @param spec the object
     * @return its requirements: maps in the object's order, then programs
     */
    public static List<RuntimeRequirement> of(BpfObjectSpec spec) {
        List<RuntimeRequirement> found = new ArrayList<>();
        for (MapSpec map : spec.maps()) {
            Optional<MapType> type = map.mapType();
            if (type.isEmpty() || type.get() == MapType.UNSPEC) {
                continue;
            }
            String kind = "BPF_MAP_TYPE_" + type.get().name();
            if (map.maxEntries() == 0 && !SIZED_ELSEWHERE.contains(type.get())) {
                found.add(new RuntimeRequirement(Kind.MAP_MAX_ENTRIES, map.name(), kind));
            }
            if (NEEDS_KEY.contains(type.get()) && map.keySize() == 0) {
                found.add(new RuntimeRequirement(Kind.MAP_KEY_SIZE, map.name(), kind));
            }
            if (!NO_VALUE.contains(type.get()) && map.valueSize() == 0) {
                found.add(new RuntimeRequirement(Kind.MAP_VALUE_SIZE, map.name(), kind));
            }
            if ((type.get() == MapType.ARRAY_OF_MAPS || type.get() == MapType.HASH_OF_MAPS) && map.innerMap().isEmpty()) {
                found.add(new RuntimeRequirement(Kind.INNER_MAP, map.name(), kind));
            }
        }
        for (ProgramSpec program : spec.programs()) {
            String section = SectionDefinitions.withoutAutoloadMarker(program.sectionName());
            Optional<SectionDefinitions.Definition> definition = SectionDefinitions.match(section);
            if (definition.isPresent() && definition.get().target() == SectionDefinitions.Target.BTF_TARGET
                    && section.length() <= definition.get().name().length() + 1) {
                found.add(new RuntimeRequirement(definition.get().name().equals("freplace")
                        ? Kind.ATTACH_TARGET_PROGRAM : Kind.ATTACH_TARGET, program.name(), program.sectionName()));
            }
        }
        return List.copyOf(found);
    }
}
