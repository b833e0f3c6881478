package dev.bpfj.runtime;

import java.time.Instant;
import java.util.List;

/**
 * What the kernel reports about a loaded program, as {@code bpftool prog list} shows it.
 *
 * @param id            the kernel's program id
 * @param type          the program type
 * @param name          the name (the kernel keeps 15 characters)
 * @param tag           the 8-byte program tag as 16 hex digits
 * @param loadTime      when it was loaded (wall clock, derived from the boot-time clock)
 * @param uid           the user that loaded it
 * @param xlatedSize    translated (post-verifier) instruction bytes
 * @param jitedSize     JIT-compiled bytes (0 when not JITed or not visible)
 * @param memlock       bytes charged for it, from {@code /proc/self/fdinfo} (0 if unknown)
 * @param mapIds        ids of the maps it uses
 * @param btfId         id of its BTF, 0 if none
 * @param gplCompatible whether its license is GPL-compatible
 */
public record ProgramInfo(int id, ProgramType type, String name, String tag, Instant loadTime, int uid,
        long xlatedSize, long jitedSize, long memlock, List<Integer> mapIds, int btfId, boolean gplCompatible) {

    /** Copies {@code mapIds}. */
    public ProgramInfo {
        mapIds = List.copyOf(mapIds);
    }
}
