package dev.bpfj.bench;

import dev.bpfj.runtime.BpfMap;
import dev.bpfj.runtime.Codec;
import dev.bpfj.runtime.MapType;
import dev.bpfj.runtime.TypedMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Java map-operation benchmark of bpfj, the counterpart of benchmarks/c/mapbench.c: the same
 * operations on the same kinds of kernel maps, timed the same way.
 *
 * <p>Maps: a hash map u32 -> 16-byte struct holding 10,000 entries, and a hash map u32 -> u64
 * for the primitive {@code long} path. Paths: "segment" (preallocated key/value segments, the
 * runtime's lowest level), "typed" ({@link TypedMap} with a record codec, what a skeleton user
 * writes), "long" ({@code lookupLong}/{@code updateLong}/{@code deleteKey}). Each operation is
 * warmed up, then timed in {@value #SAMPLES} samples; the median is printed as
 * {@code <path> <op> <ns per op>} (iterate: ns per full iteration of all entries).
 */
public final class MapBench {

    static final int ENTRIES = 10_000;
    static final int CAPACITY = 10_240;
    static final int OPS = 20_000;
    static final int ITERATIONS = 3;
    static final int SAMPLES = 5;
    static final int WARMUP_SAMPLES = 5;

    /** The 16-byte value, as a record with its codec (what a generated skeleton type provides). */
    record Value16(long a, long b) {
        static final Codec<Value16> CODEC = new Codec<>() {
            @Override
            public long byteSize() {
                return 16;
            }

            @Override
            public Value16 read(MemorySegment src) {
                return new Value16(src.get(ValueLayout.JAVA_LONG_UNALIGNED, 0), src.get(ValueLayout.JAVA_LONG_UNALIGNED, 8));
            }

            @Override
            public void write(MemorySegment dst, Value16 value) {
                dst.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, value.a());
                dst.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, value.b());
            }
        };
    }

    /** Defeats dead-code elimination: every result flows in here. */
    static long sink;

    private MapBench() {
    }

    /**
     * Runs every operation and prints one line per result.
     *
     * @param args none
     */
    public static void main(String[] args) {
        try (BpfMap map16 = BpfMap.create(MapType.HASH, "bpfj_bench16", 4, 16, CAPACITY);
                BpfMap map8 = BpfMap.create(MapType.HASH, "bpfj_bench8", 4, 8, CAPACITY);
                Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(4, 4);
            MemorySegment value = arena.allocate(16, 8);
            TypedMap<Integer, Value16> typed = map16.typed(Codec.INT32, Value16.CODEC);
            for (int i = 0; i < ENTRIES; i++) {
                key.set(ValueLayout.JAVA_INT, 0, i);
                value.set(ValueLayout.JAVA_LONG, 0, i);
                value.set(ValueLayout.JAVA_LONG, 8, -i);
                map16.update(key, value);
                map8.updateLong(i, i);
            }

            report("segment", "lookup", OPS, () -> {
                long found = 0;
                for (int i = 0; i < OPS; i++) {
                    key.set(ValueLayout.JAVA_INT, 0, i % ENTRIES);
                    if (map16.lookup(key, value)) {
                        found += value.get(ValueLayout.JAVA_LONG, 8);
                    }
                }
                return found;
            });
            report("typed", "lookup", OPS, () -> {
                long found = 0;
                for (int i = 0; i < OPS; i++) {
                    Value16 v = typed.get(i % ENTRIES, null);
                    if (v != null) {
                        found += v.b();
                    }
                }
                return found;
            });
            report("long", "lookup_u64", OPS, () -> {
                long found = 0;
                for (int i = 0; i < OPS; i++) {
                    found += map8.lookupLong(i % ENTRIES, 0);
                }
                return found;
            });
            report("segment", "update", OPS, () -> {
                for (int i = 0; i < OPS; i++) {
                    key.set(ValueLayout.JAVA_INT, 0, i % ENTRIES);
                    value.set(ValueLayout.JAVA_LONG, 0, i);
                    map16.update(key, value);
                }
                return OPS;
            });
            report("typed", "update", OPS, () -> {
                for (int i = 0; i < OPS; i++) {
                    typed.put(i % ENTRIES, new Value16(i, -i));
                }
                return OPS;
            });
            report("long", "update_u64", OPS, () -> {
                for (int i = 0; i < OPS; i++) {
                    map8.updateLong(i % ENTRIES, i);
                }
                return OPS;
            });
            // Deletes empty the map, so each sample deletes all entries and the refill is not timed.
            reportDeletes("segment", "delete", map16, () -> {
                long deleted = 0;
                for (int i = 0; i < ENTRIES; i++) {
                    key.set(ValueLayout.JAVA_INT, 0, i);
                    deleted += map16.delete(key) ? 1 : 0;
                }
                return deleted;
            }, key, value);
            reportDeletes("typed", "delete", map16, () -> {
                long deleted = 0;
                for (int i = 0; i < ENTRIES; i++) {
                    deleted += typed.remove(i) ? 1 : 0;
                }
                return deleted;
            }, key, value);
            reportDeletes("long", "delete_u64", map8, () -> {
                long deleted = 0;
                for (int i = 0; i < ENTRIES; i++) {
                    deleted += map8.deleteKey(i) ? 1 : 0;
                }
                return deleted;
            }, key, value);
            long[] total = new long[1];
            report("segment", "iterate", ITERATIONS, () -> {
                for (int r = 0; r < ITERATIONS; r++) {
                    map16.forEach((k, v) -> total[0] += k.get(ValueLayout.JAVA_INT, 0) + v.get(ValueLayout.JAVA_LONG, 8));
                }
                return total[0];
            });
            report("typed", "iterate", ITERATIONS, () -> {
                for (int r = 0; r < ITERATIONS; r++) {
                    typed.forEach((k, v) -> total[0] += k + v.b());
                }
                return total[0];
            });
        }
    }

    private static void report(String path, String op, int opsPerSample, LongSupplier body) {
        for (int i = 0; i < WARMUP_SAMPLES; i++) {
            sink += body.getAsLong();
        }
        double[] nsPerOp = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            long start = System.nanoTime();
            sink += body.getAsLong();
            nsPerOp[i] = (System.nanoTime() - start) / (double) opsPerSample;
        }
        print(path, op, nsPerOp);
    }

    private static void reportDeletes(String path, String op, BpfMap map, LongSupplier deleteAll,
            MemorySegment key, MemorySegment value) {
        double[] nsPerOp = new double[SAMPLES];
        for (int i = -WARMUP_SAMPLES; i < SAMPLES; i++) {
            refill(map, key, value);
            long start = System.nanoTime();
            long deleted = deleteAll.getAsLong();
            long elapsed = System.nanoTime() - start;
            if (deleted != ENTRIES) {
                throw new IllegalStateException(path + " " + op + " deleted " + deleted + " of " + ENTRIES);
            }
            if (i >= 0) {
                nsPerOp[i] = elapsed / (double) ENTRIES;
            }
        }
        refill(map, key, value);
        print(path, op, nsPerOp);
    }

    private static void refill(BpfMap map, MemorySegment key, MemorySegment value) {
        for (int i = 0; i < ENTRIES; i++) {
            if (map.valueSize() == 8) {
                map.updateLong(i, i);
            } else {
                key.set(ValueLayout.JAVA_INT, 0, i);
                map.update(key, value);
            }
        }
    }

    private static void print(String path, String op, double[] samples) {
        Arrays.sort(samples);
        System.out.printf("%s %s %.1f%n", path, op, samples[samples.length / 2]);
    }
}
