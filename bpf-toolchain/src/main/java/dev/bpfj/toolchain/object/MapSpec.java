package dev.bpfj.toolchain.object;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A map defined in the BTF-style {@code .maps} section (or an inner map prototype given by
 * {@code __array(values, ...)}).
 *
 * @param name           the map's variable name ({@code events}); for an inner map, the outer name
 *                       followed by {@code ".inner"}
 * @param type           the map type number as written ({@code __uint(type, ...)}), 0 when absent
 * @param keySize        the key size in bytes: from {@code key_size}, or the size of the {@code key} type
 * @param valueSize      the value size in bytes: from {@code value_size}, or the size of the {@code value} type
 * @param keyTypeId      the BTF id of the key type when given by {@code __type(key, ...)}
 * @param valueTypeId    the BTF id of the value type when given by {@code __type(value, ...)}
 * @param maxEntries     {@code max_entries}, 0 when absent
 * @param flags          {@code map_flags}, 0 when absent
 * @param pinning        {@code pinning}: 0 none, 1 by name ({@code LIBBPF_PIN_BY_NAME})
 * @param numaNode       {@code numa_node}, 0 when absent
 * @param mapExtra       {@code map_extra} (bloom filter hash count, arena address), 0 when absent
 * @param innerMap       the inner map prototype of an array/hash of maps, from {@code __array(values, ...)}
 * @param initialValues  slot index to symbol name for statically initialised {@code values}
 *                       ({@code .values = { [2] = &inner_a }}), for maps of maps and program arrays
 * @param btfVarId       the BTF id of the map's {@code VAR} in {@code .maps}, 0 for inner maps
 * @param definitionTypeId the BTF id of the anonymous struct that defines the map
 * @param presentFields  which attributes the definition wrote explicitly
 */
public record MapSpec(String name, int type, int keySize, int valueSize, OptionalInt keyTypeId,
                      OptionalInt valueTypeId, long maxEntries, long flags, long pinning, long numaNode,
                      long mapExtra, Optional<MapSpec> innerMap, Map<Integer, String> initialValues, int btfVarId,
                      int definitionTypeId, Set<Field> presentFields) {

    /** The attributes a BTF map definition can write. */
    public enum Field {
        /** {@code __uint(type, ...)} or {@code __type(type, ...)}. */
        TYPE,
        /** {@code __type(key, ...)}. */
        KEY,
        /** {@code __uint(key_size, ...)}. */
        KEY_SIZE,
        /** {@code __type(value, ...)}. */
        VALUE,
        /** {@code __uint(value_size, ...)}. */
        VALUE_SIZE,
        /** {@code __uint(max_entries, ...)}. */
        MAX_ENTRIES,
        /** {@code __uint(map_flags, ...)}. */
        MAP_FLAGS,
        /** {@code __uint(pinning, ...)}. */
        PINNING,
        /** {@code __uint(numa_node, ...)}. */
        NUMA_NODE,
        /** {@code __ulong(map_extra, ...)}. */
        MAP_EXTRA,
        /** {@code __array(values, ...)}. */
        VALUES
    }

    /** Copies the collections so the record stays immutable. */
    public MapSpec {
        initialValues = Map.copyOf(initialValues);
        presentFields = presentFields.isEmpty() ? Set.of() : Set.copyOf(presentFields);
    }

    /** @return the map type as an enum, empty when the number is not one this reader knows */
    public Optional<MapType> mapType() {
        return MapType.ofCode(type);
    }

    /**
     * Tells whether the definition wrote an attribute.
     *
     * @param field the attribute
     * @return true when it was present in the C definition
     */
    public boolean has(Field field) {
        return presentFields.contains(field);
    }
}
