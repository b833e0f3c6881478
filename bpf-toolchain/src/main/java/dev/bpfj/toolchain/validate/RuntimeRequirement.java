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
