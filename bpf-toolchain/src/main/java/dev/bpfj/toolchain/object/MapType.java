package dev.bpfj.toolchain.object;

import java.util.Optional;

/** The kernel's map types ({@code enum bpf_map_type}), with their numbers. */
public enum MapType {
    /** Invalid (0). */
    UNSPEC(0),
    /** Hash table. */
    HASH(1),
    /** Array. */
    ARRAY(2),
    /** Array of program fds for tail calls. */
    PROG_ARRAY(3),
    /** Per-CPU perf event buffers. */
    PERF_EVENT_ARRAY(4),
    /** Per-CPU hash table. */
    PERCPU_HASH(5),
    /** Per-CPU array. */
    PERCPU_ARRAY(6),
    /** Stack traces. */
    STACK_TRACE(7),
    /** Array of cgroup fds. */
    CGROUP_ARRAY(8),
    /** LRU hash table. */
    LRU_HASH(9),
    /** Per-CPU LRU hash table. */
    LRU_PERCPU_HASH(10),
    /** Longest-prefix-match trie. */
    LPM_TRIE(11),
    /** Array of maps. */
    ARRAY_OF_MAPS(12),
    /** Hash of maps. */
    HASH_OF_MAPS(13),
    /** Network device map. */
    DEVMAP(14),
    /** Socket map. */
    SOCKMAP(15),
    /** CPU map. */
    CPUMAP(16),
    /** AF_XDP socket map. */
    XSKMAP(17),
    /** Socket hash. */
    SOCKHASH(18),
    /** Cgroup storage (deprecated form). */
    CGROUP_STORAGE(19),
    /** Reuseport socket array. */
    REUSEPORT_SOCKARRAY(20),
    /** Per-CPU cgroup storage. */
    PERCPU_CGROUP_STORAGE(21),
    /** Queue. */
    QUEUE(22),
    /** Stack. */
    STACK(23),
    /** Socket local storage. */
    SK_STORAGE(24),
    /** Network device hash. */
    DEVMAP_HASH(25),
    /** struct_ops. */
    STRUCT_OPS(26),
    /** Ring buffer. */
    RINGBUF(27),
    /** Inode local storage. */
    INODE_STORAGE(28),
    /** Task local storage. */
    TASK_STORAGE(29),
    /** Bloom filter. */
    BLOOM_FILTER(30),
    /** User ring buffer. */
    USER_RINGBUF(31),
    /** Cgroup local storage. */
    CGRP_STORAGE(32),
    /** Arena. */
    ARENA(33);

    private final int code;

    MapType(int code) {
        this.code = code;
    }

    /** @return the kernel's number for this map type */
    public int code() {
        return code;
    }

    /**
     * Looks a map type up by number.
     *
     * @param code the number
     * @return the type, or empty for numbers this enum does not know
     */
    public static Optional<MapType> ofCode(int code) {
        MapType[] all = values();
        return code >= 0 && code < all.length ? Optional.of(all[code]) : Optional.empty();
    }
}
