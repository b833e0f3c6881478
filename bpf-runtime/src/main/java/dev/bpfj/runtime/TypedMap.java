package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Scratch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A {@link BpfMap} seen through codecs for its keys and values. Conversions use per-thread
 * native buffers, so the only allocations are the decoded Java values themselves.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TypedMap<K, V> {

    private final BpfMap map;
    private final Codec<K> keys;
    private final Codec<V> values;

    TypedMap(BpfMap map, Codec<K> keys, Codec<V> values) {
        this.map = map;
        this.keys = keys;
        this.values = values;
    }

    /** The underlying map. */
    public BpfMap map() {
        return map;
    }

    /** The value of {@code key} (CPU 0's value for per-CPU maps), if present. */
    public Optional<V> get(K key) {
        return Optional.ofNullable(get(key, null));
    }

    /** The value of {@code key} (CPU 0's value for per-CPU maps), or {@code ifAbsent}. */
    public V get(K key, V ifAbsent) {
        Scratch scratch = Scratch.get();
        MemorySegment keyBuffer = scratch.key(keys.byteSize());
        keys.write(keyBuffer, key);
        MemorySegment value = scratch.value(map.valueBufferSize());
        if (!map.lookupRaw(keyBuffer, value)) {
            return ifAbsent;
        }
        return values.read(value);
    }

    /** Every CPU's value of {@code key} (one element for maps that are not per-CPU); empty when absent. */
    public List<V> getPerCpu(K key) {
        Scratch scratch = Scratch.get();
        MemorySegment keyBuffer = scratch.key(keys.byteSize());
        keys.write(keyBuffer, key);
        MemorySegment value = scratch.value(map.valueBufferSize());
        if (!map.lookupRaw(keyBuffer, value)) {
            return List.of();
        }
        if (!map.perCpu()) {
            return List.of(values.read(value));
        }
        List<V> result = new ArrayList<>(map.possibleCpus());
        for (int cpu = 0; cpu < map.possibleCpus(); cpu++) {
            result.add(values.read(value.asSlice(cpu * map.stride())));
        }
        return result;
    }

    /** Creates or replaces {@code key} (every CPU's slot for per-CPU maps). */
    public void put(K key, V value) {
        put(key, value, UpdateFlag.ANY);
    }

    /** Writes {@code key} as {@code flag} says (every CPU's slot for per-CPU maps). */
    public void put(K key, V value, UpdateFlag flag) {
        Scratch scratch = Scratch.get();
        MemorySegment keyBuffer = scratch.key(keys.byteSize());
        keys.write(keyBuffer, key);
        MemorySegment valueBuffer = scratch.value(map.valueBufferSize());
        if (map.perCpu()) {
            for (int cpu = 0; cpu < map.possibleCpus(); cpu++) {
                values.write(valueBuffer.asSlice(cpu * map.stride()), value);
            }
        } else {
            values.write(valueBuffer, value);
        }
        map.updateRaw(keyBuffer, valueBuffer, flag);
    }

    /**
     * Deletes {@code key}.
     *
     * @return false when it was absent
     */
    public boolean remove(K key) {
        MemorySegment keyBuffer = Scratch.get().key(keys.byteSize());
        keys.write(keyBuffer, key);
        return map.deleteRaw(keyBuffer);
    }

    /** Calls {@code action} with every decoded key and value (CPU 0's for per-CPU maps). */
    public void forEach(BiConsumer<? super K, ? super V> action) {
        map.forEach((key, value) -> action.accept(keys.read(key), values.read(value)));
    }

    /** All keys, decoded. */
    public List<K> keys() {
        List<K> result = new ArrayList<>();
        map.forEachKey(key -> result.add(keys.read(key)));
        return result;
    }

    /** Allocates a value image in {@code arena}, for callers that build values by hand. */
    public MemorySegment newValue(Arena arena) {
        return arena.allocate(map.valueBufferSize(), 8);
    }
}
