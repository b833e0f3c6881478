package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.Libbpf;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Where and how {@link BpfProgram#attachUprobe(Path, UprobeOptions)} attaches: at a function of
 * the binary (its symbol, resolved by libbpf from the ELF symbol tables of an executable or
 * shared library) plus an offset, or at a raw file offset; entry or return; one process or all;
 * with a cookie the program reads with {@code bpf_get_attach_cookie()} (Linux 5.15+).
 * Uprobes need Linux 4.17+ ({@code perf_event_open} based, as libbpf attaches them); attach by
 * function name needs libbpf 1.0+.
 *
 * @param function  the symbol to probe, or null to probe at {@code offset} in the file
 * @param offset    bytes past the function's start, or the file offset when {@code function} is null
 * @param retprobe  a uretprobe (on return) instead of a uprobe (on entry)
 * @param pid       the process to probe, or -1 for every process running the binary
 * @param cookie    the BPF cookie, 0 for none
 */
public record UprobeOptions(String function, long offset, boolean retprobe, int pid, long cookie) {

    private static final long OPTS_SIZE = 40;

    /** Checks the components. */
    public UprobeOptions {
        if (offset < 0) {
            throw new IllegalArgumentException("uprobe offset must not be negative, got " + offset);
        }
        if (pid < -1) {
            throw new IllegalArgumentException("uprobe pid must be -1 (every process) or a process id, got " + pid);
        }
        if (function != null && function.isBlank()) {
            throw new IllegalArgumentException("uprobe function name is blank; give a symbol like \"malloc\", or use offset(...)");
        }
    }

    /** The entry of {@code function}, in every process. */
    public static UprobeOptions function(String function) {
        return new UprobeOptions(java.util.Objects.requireNonNull(function, "function"), 0, false, -1, 0);
    }

    /** The raw file offset {@code offset} of the binary, in every process. */
    public static UprobeOptions offset(long offset) {
        return new UprobeOptions(null, offset, false, -1, 0);
    }

    /** A copy probing {@code offset} bytes past the function's start. */
    public UprobeOptions withOffset(long offset) {
        return new UprobeOptions(function, offset, retprobe, pid, cookie);
    }

    /** A copy that fires when the function returns (a uretprobe). */
    public UprobeOptions returning() {
        return new UprobeOptions(function, offset, true, pid, cookie);
    }

    /** A copy that probes only process {@code pid} (-1: every process). */
    public UprobeOptions withPid(int pid) {
        return new UprobeOptions(function, offset, retprobe, pid, cookie);
    }

    /** A copy with a BPF cookie. */
    public UprobeOptions withCookie(long cookie) {
        return new UprobeOptions(function, offset, retprobe, pid, cookie);
    }

    BpfLink attach(BpfProgram program, Path binary) {
        String where = (retprobe ? "uretprobe " : "uprobe ") + binary + ":"
                + (function != null ? function + (offset != 0 ? "+0x" + Long.toHexString(offset) : "") : "0x" + Long.toHexString(offset))
                + (pid >= 0 ? " (pid " + pid + ")" : "");
        return program.attachCall(where, (arena, capture, handle) -> {
            MemorySegment opts = arena.allocate(OPTS_SIZE, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, OPTS_SIZE);
            opts.set(ValueLayout.JAVA_LONG, 16, cookie);
            opts.set(ValueLayout.JAVA_BOOLEAN, 24, retprobe);
            if (function != null) {
                opts.set(ValueLayout.ADDRESS, 32, arena.allocateFrom(function));
            }
            return Libbpf.bpf_program__attach_uprobe_opts(capture, handle, pid,
                    arena.allocateFrom(binary.toString()), offset, opts);
        }, errno -> errno == Errno.ENOENT || errno == Errno.ESRCH
                ? (function != null ? "no symbol " + function + " in " + binary + " (list them with: nm -D " + binary + ")"
                : "no such file " + binary) : errno == Errno.EINVAL ? "is it a SEC(\"uprobe\") program, and the offset inside the binary?" : null);
    }
}
