package dev.bpfj.junit;

import dev.bpfj.runtime.BpfMap;
import dev.bpfj.runtime.TypedMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions on BPF maps after a test run, with messages that name the map, the key and what was
 * found. Counters in per-CPU maps are summed over all CPUs, since a test run may run on any CPU.
 */
public final class BpfAssertions {

    private BpfAssertions() {
    }

    /**
     * The counter at {@code key} (1, 2, 4 or 8-byte integer value; a missing key counts as 0),
     * summed over all CPUs for per-CPU maps.
     */
    public static long counter(BpfMap map, long key) {
        return map.perCpu() ? map.lookupLongSum(key, 0) : map.lookupLong(key, 0);
    }

    /** Asserts that the counter at {@code key} is {@code expected} (per-CPU values summed; missing is 0). */
    public static void assertCounter(long expected, BpfMap map, long key) {
        long actual = counter(map, key);
        if (actual != expected) {
            throw new AssertionFailedError("counter " + key + " of map " + map.name()
                    + (map.perCpu() ? " (summed over " + map.possibleCpus() + " CPUs)" : "")
                    + ": expected " + expected + " but was " + actual, expected, actual);
        }
    }

    /** The map's entries as a Java map (for per-CPU maps, the value of the first CPU; use getPerCpu for all). */
    public static <K, V> Map<K, V> entries(TypedMap<K, V> map) {
        Map<K, V> entries = new LinkedHashMap<>();
        map.forEach(entries::put);
        return entries;
    }

    /** Asserts that the map holds exactly {@code expected} (compared with equals; order does not matter). */
    public static <K, V> void assertEntries(Map<K, V> expected, TypedMap<K, V> map) {
        Map<K, V> actual = entries(map);
        if (!actual.equals(expected)) {
            throw new AssertionFailedError("entries of map " + map.map().name() + ": expected " + expected
                    + " but was " + actual, expected, actual);
        }
    }

    /** Asserts that {@code key} is in the map with {@code expected} as its value. */
    public static <K, V> void assertEntry(K key, V expected, TypedMap<K, V> map) {
        V actual = map.get(key).orElseThrow(() -> new AssertionFailedError("map " + map.map().name()
                + " has no key " + key + "; its keys are " + map.keys()));
        if (!Objects.equals(actual, expected)) {
            throw new AssertionFailedError("value of key " + key + " in map " + map.map().name() + ": expected "
                    + expected + " but was " + actual, expected, actual);
        }
    }

    /** Asserts that the map has no entries (for arrays, which always have all: use assertCounter). */
    public static void assertEmpty(BpfMap map) {
        int count = map.count();
        if (count != 0) {
            throw new AssertionFailedError("map " + map.name() + " should be empty but has " + count + " entries");
        }
    }
}
