package dev.bpfj.runtime.internal.libbpf;

import dev.bpfj.runtime.BpfException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Facts about the running system that turn an opaque EPERM or ENOENT from the kernel into an
 * actionable message: privileges, tracefs, kernel BTF and the kernel version. All read from
 * {@code /proc} and {@code /sys}, cheaply, at the moment they are needed.
 */
public final class Environment {

    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;

    /** Hint for a caller without the capabilities BPF needs. */
    public static final String PRIVILEGE_HINT =
            "needs root, or CAP_BPF and CAP_PERFMON (e.g. sudo setcap cap_bpf,cap_perfmon+ep on the java binary)";
    /** Hint for a missing tracefs. */
    public static final String TRACEFS_HINT =
            "tracefs is not mounted; mount it with: mount -t tracefs tracefs /sys/kernel/tracing";
    /** Hint for a kernel without BTF. */
    public static final String BTF_HINT = "the kernel has no BTF at /sys/kernel/btf/vmlinux (needs "
            + "CONFIG_DEBUG_INFO_BTF=y); CO-RE objects need it, or pass OpenOptions.withBtfCustomPath(...)";
    /** Hint for the memlock limit on kernels before 5.11. */
    public static final String MEMLOCK_HINT = "kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK; "
            + "raise it (ulimit -l unlimited, or LimitMEMLOCK=infinity in a systemd unit)";

    private Environment() {
    }

    /** True when this process may load and attach BPF programs. */
    public static boolean privileged() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    BigInteger caps = new BigInteger(line.substring("CapEff:".length()).trim(), 16);
                    return caps.testBit(CAP_SYS_ADMIN) || (caps.testBit(CAP_BPF) && caps.testBit(CAP_PERFMON));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Cannot tell: let the kernel decide and report.
            return true;
        }
        return true;
    }

    /** The tracefs root holding {@code events/}, or null when tracefs is not mounted. */
    public static Path tracefs() {
        for (String dir : List.of("/sys/kernel/tracing", "/sys/kernel/debug/tracing")) {
            Path root = Path.of(dir);
            if (Files.isDirectory(root.resolve("events"))) {
                return root;
            }
        }
        return null;
    }

    /**
     * Why tracefs cannot be used by this process, for {@code operation} on {@code target}: it is
     * not mounted (ENOENT, with the mount command), or it is mounted but this process may not
     * enter it (EACCES: tracefs is usually mode 0700, root's; the message names what grants access).
     */
    public static BpfException tracefsFailure(String operation, String target) {
        List<String> mountinfo;
        try {
            mountinfo = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException | RuntimeException unreadable) {
            mountinfo = List.of();
        }
        Path mounted = tracefsMount(mountinfo);
        if (mounted == null) {
            return new BpfException(operation, target, Errno.ENOENT, TRACEFS_HINT);
        }
        return new BpfException(operation, target, Errno.EACCES, tracefsPermissionHint(mounted));
    }

    /**
     * Where tracefs is mounted according to {@code /proc/self/mountinfo} lines, preferring
     * {@code /sys/kernel/tracing}; a debugfs at {@code /sys/kernel/debug} counts too (its
     * {@code tracing} folder is tracefs on older kernels). Null when neither is mounted.
     */
    public static Path tracefsMount(List<String> mountinfo) {
        Path found = null;
        for (String line : mountinfo) {
            // "36 25 0:12 / /sys/kernel/tracing rw,nosuid - tracefs tracefs rw,mode=700"
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (fields.length < 5 || separator < 0 || separator + 1 >= fields.length) {
                continue;
            }
            String type = fields[separator + 1];
            String mountPoint = fields[4].replace("\\040", " ");
            if (type.equals("tracefs")) {
                if (found == null || mountPoint.equals("/sys/kernel/tracing")) {
                    found = Path.of(mountPoint);
                }
            } else if (type.equals("debugfs") && mountPoint.equals("/sys/kernel/debug") && found == null) {
                found = Path.of(mountPoint, "tracing");
            }
        }
        return found;
    }

    /** The hint for a tracefs at {@code mounted} that this process cannot enter. */
    static String tracefsPermissionHint(Path mounted) {
        String mode = "";
        try {
            int bits = (Integer) Files.getAttribute(mounted, "unix:mode") & 07777;
            int uid = (Integer) Files.getAttribute(mounted, "unix:uid");
            int gid = (Integer) Files.getAttribute(mounted, "unix:gid");
            mode = " (mode " + String.format("%04o", bits) + ", owner uid " + uid + ", group gid " + gid + ")";
        } catch (IOException | RuntimeException unknown) {
            // The mode is a detail; the hint stands without it.
        }
        return "permission denied: tracefs is mounted at " + mounted + mode + " but this process may not read it; "
                + "run as root or with CAP_SYS_ADMIN (CAP_DAC_OVERRIDE), or remount it with a mode and group that grant "
                + "access, e.g. mount -o remount,mode=0750,gid=<group> " + mounted;
    }

    /** True when the kernel exposes its own BTF. */
    public static boolean kernelBtf() {
        return Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"));
    }

    /** True on kernels older than 5.11, which account BPF memory against RLIMIT_MEMLOCK. */
    public static boolean memlockAccounted() {
        try {
            return releaseBefore511(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * True when the kernel release string (as {@code uname -r} prints it, like {@code 5.10.0-21-amd64})
     * is older than 5.11; false when it cannot be parsed.
     */
    public static boolean releaseBefore511(String release) {
        try {
            String[] parts = release.split("[.-]");
            int major = Integer.parseInt(parts[0]);
            int minor = Integer.parseInt(parts[1]);
            return major < 5 || (major == 5 && minor < 11);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@link #MEMLOCK_HINT} with the process's current soft limit, when /proc/self/limits tells it. */
    public static String memlockHint() {
        try {
            String limit = memlockLimit(Files.readAllLines(Path.of("/proc/self/limits")));
            return limit == null ? MEMLOCK_HINT : MEMLOCK_HINT + "; the current limit is " + limit;
        } catch (IOException e) {
            return MEMLOCK_HINT;
        }
    }

    /** The soft "Max locked memory" limit from the lines of /proc/self/limits ("65536 bytes", "unlimited"), or null. */
    public static String memlockLimit(List<String> limits) {
        for (String line : limits) {
            if (line.startsWith("Max locked memory")) {
                String[] fields = line.substring("Max locked memory".length()).trim().split("\\s+");
                if (fields.length >= 3) {
                    return fields[0].equals("unlimited") ? "unlimited" : fields[0] + " " + fields[2];
                }
            }
        }
        return null;
    }

    /** A hint for a failure with {@code errno}, from the environment, or null. */
    public static String hintFor(int errno) {
        if (errno == Errno.EPERM || errno == Errno.EACCES) {
            if (!privileged()) {
                return PRIVILEGE_HINT;
            }
            if (memlockAccounted()) {
                return memlockHint();
            }
        }
        return null;
    }
}
