package dev.bpfj.runtime;

/**
 * What the kernel reports about a map, as {@code bpftool map list} shows it.
 *
 * @param id         the kernel's map id
 * @param type       the map type
 * @param name       the name (the kernel keeps 15 characters)
 * @param keySize    key size in bytes
 * @param valueSize  value size in bytes
 * @param maxEntries maximum entries
 * @param flags      creation flags
 * @param memlock    bytes charged for it, from {@code /proc/self/fdinfo} (0 if unknown)
 * @param btfId      id of its BTF, 0 if none
 */
public record MapInfo(int id, MapType type, String name, int keySize, int valueSize, int maxEntries, int flags,
        long memlock, int btfId) {
}
