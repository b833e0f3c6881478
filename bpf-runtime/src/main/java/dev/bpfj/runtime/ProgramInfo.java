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
 * @param runTimeNanos  total time spent running it, in ns: counted only while the sysctl
 *                      {@code kernel.bpf_stats_enabled} is 1 (or a {@code BPF_ENABLE_STATS} fd is
 *                      open), so usually 0; -1 when the kernel does not report it (before 5.1)
 * @param runCount      how many times it ran, counted under the same condition as
 *                      {@code runTimeNanos}; -1 when not reported
 * @param recursionMisses how many times the kernel skipped it because a BPF program was already
 *                      running on that CPU (recursion protection): events it never saw, always
 *                      counted; -1 when the kernel does not report it (before 5.12)
 * @param verifiedInstructions how many instructions the verifier processed to accept it (a
 *                      measure of verification cost); -1 when not reported (before 5.16)
 */
public record ProgramInfo(int id, ProgramType type, String name, String tag, Instant loadTime, int uid,
        long xlatedSize, long jitedSize, long memlock, List<Integer> mapIds, int btfId, boolean gplCompatible,
        long runTimeNanos, long runCount, long recursionMisses, long verifiedInstructions) {

    /** Copies {@code mapIds}. */
    public ProgramInfo {
        mapIds = List.copyOf(mapIds);
    }
}
