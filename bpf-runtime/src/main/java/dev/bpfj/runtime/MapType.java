package dev.bpfj.runtime;

/**
 * A BPF map type ({@code enum bpf_map_type}). Constants are declared in the kernel's
 * order, so {@link #value()} is the number the kernel uses.
 */
public enum MapType {
    /** {@code BPF_MAP_TYPE_UNSPEC} (0). */
    UNSPEC,
    /** {@code BPF_MAP_TYPE_HASH} (1). */
    HASH,
    /** {@code BPF_MAP_TYPE_ARRAY} (2). */
    ARRAY,
    /** {@code BPF_MAP_TYPE_PROG_ARRAY} (3). */
    PROG_ARRAY,
    /** {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY} (4). */
    PERF_EVENT_ARRAY,
    /** {@code BPF_MAP_TYPE_PERCPU_HASH} (5). */
    PERCPU_HASH,
    /** {@code BPF_MAP_TYPE_PERCPU_ARRAY} (6). */
    PERCPU_ARRAY,
    /** {@code BPF_MAP_TYPE_STACK_TRACE} (7). */
    STACK_TRACE,
    /** {@code BPF_MAP_TYPE_CGROUP_ARRAY} (8). */
    CGROUP_ARRAY,
    /** {@code BPF_MAP_TYPE_LRU_HASH} (9). */
    LRU_HASH,
    /** {@code BPF_MAP_TYPE_LRU_PERCPU_HASH} (10). */
    LRU_PERCPU_HASH,
    /** {@code BPF_MAP_TYPE_LPM_TRIE} (11). */
    LPM_TRIE,
    /** {@code BPF_MAP_TYPE_ARRAY_OF_MAPS} (12). */
    ARRAY_OF_MAPS,
    /** {@code BPF_MAP_TYPE_HASH_OF_MAPS} (13). */
    HASH_OF_MAPS,
    /** {@code BPF_MAP_TYPE_DEVMAP} (14). */
    DEVMAP,
    /** {@code BPF_MAP_TYPE_SOCKMAP} (15). */
    SOCKMAP,
    /** {@code BPF_MAP_TYPE_CPUMAP} (16). */
    CPUMAP,
    /** {@code BPF_MAP_TYPE_XSKMAP} (17). */
    XSKMAP,
    /** {@code BPF_MAP_TYPE_SOCKHASH} (18). */
    SOCKHASH,
    /** {@code BPF_MAP_TYPE_CGROUP_STORAGE} (19). */
    CGROUP_STORAGE,
    /** {@code BPF_MAP_TYPE_REUSEPORT_SOCKARRAY} (20). */
    REUSEPORT_SOCKARRAY,
    /** {@code BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE} (21). */
    PERCPU_CGROUP_STORAGE,
    /** {@code BPF_MAP_TYPE_QUEUE} (22). */
    QUEUE,
    /** {@code BPF_MAP_TYPE_STACK} (23). */
    STACK,
    /** {@code BPF_MAP_TYPE_SK_STORAGE} (24). */
    SK_STORAGE,
    /** {@code BPF_MAP_TYPE_DEVMAP_HASH} (25). */
    DEVMAP_HASH,
    /** {@code BPF_MAP_TYPE_STRUCT_OPS} (26). */
    STRUCT_OPS,
    /** {@code BPF_MAP_TYPE_RINGBUF} (27). */
    RINGBUF,
    /** {@code BPF_MAP_TYPE_INODE_STORAGE} (28). */
    INODE_STORAGE,
    /** {@code BPF_MAP_TYPE_TASK_STORAGE} (29). */
    TASK_STORAGE,
    /** {@code BPF_MAP_TYPE_BLOOM_FILTER} (30). */
    BLOOM_FILTER,
    /** {@code BPF_MAP_TYPE_USER_RINGBUF} (31). */
    USER_RINGBUF,
    /** {@code BPF_MAP_TYPE_CGRP_STORAGE} (32). */
    CGRP_STORAGE,
    /** {@code BPF_MAP_TYPE_ARENA} (33). */
    ARENA,
    /** A value this version of bpfj does not know (a newer kernel). */
    UNKNOWN;

    private static final MapType[] VALUES = values();

    /** The kernel's number for this type; -1 for {@link #UNKNOWN}. */
    public int value() {
        return this == UNKNOWN ? -1 : ordinal();
    }

    /** The type the kernel numbers {@code value}; {@link #UNKNOWN} when bpfj does not know it. */
    public static MapType of(int value) {
        return value >= 0 && value < VALUES.length - 1 ? VALUES[value] : UNKNOWN;
    }

    /** True for the per-CPU types, whose lookups return one value per possible CPU. */
    public boolean perCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY || this == LRU_PERCPU_HASH || this == PERCPU_CGROUP_STORAGE;
    }
}
