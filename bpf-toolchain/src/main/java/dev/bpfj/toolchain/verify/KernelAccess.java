package dev.bpfj.toolchain.verify;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether this process (and so a process it starts) can load BPF programs, read from
 * {@code /proc} and {@code /sys} without native code: Linux, root or CAP_BPF (with CAP_PERFMON
 * for tracing programs), kernel BTF, {@code libbpf.so.1}.
 */
public final class KernelAccess {

    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;
    private static final List<String> LIBRARY_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/usr/lib64", "/usr/lib", "/lib64", "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/local/lib");

    private KernelAccess() {
    }

    /** The reasons programs cannot be loaded here; empty when they can. */
    public static List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            problems.add("not Linux (this is " + System.getProperty("os.name") + ")");
            return problems;
        }
        if (!privileged(Path.of("/proc/self/status"))) {
            problems.add("no privileges to load BPF programs (needs root, or CAP_BPF and CAP_PERFMON)");
        }
        if (!Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
            problems.add("no kernel BTF at /sys/kernel/btf/vmlinux (kernel built without CONFIG_DEBUG_INFO_BTF)");
        }
        boolean libbpf = false;
        for (String dir : LIBRARY_DIRS) {
            libbpf |= Files.exists(Path.of(dir, "libbpf.so.1"));
        }
        if (!libbpf) {
            problems.add("no libbpf.so.1 (apt-get install libbpf1, or dnf install libbpf)");
        }
        return problems;
    }

    /** Whether the process whose status file this is has CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON, effective. */
    static boolean privileged(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("CapEff:")) {
                    BigInteger caps = new BigInteger(line.substring("CapEff:".length()).strip(), 16);
                    return caps.testBit(CAP_SYS_ADMIN) || (caps.testBit(CAP_BPF) && caps.testBit(CAP_PERFMON));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    /** The running kernel's release, like {@code 6.8.0-45-generic}. */
    public static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return System.getProperty("os.version", "");
        }
    }

    /**
     * Whether kernel {@code release} is at least {@code minimum} (compared by their leading numbers,
     * {@code 6.8.0-45-generic} against {@code 6.6}).
     */
    public static boolean atLeast(String release, String minimum) {
        int[] have = numbers(release);
        int[] want = numbers(minimum);
        for (int i = 0; i < want.length; i++) {
            int h = i < have.length ? have[i] : 0;
            if (h != want[i]) {
                return h > want[i];
            }
        }
        return true;
    }

    private static int[] numbers(String version) {
        String[] parts = version.strip().split("[^0-9]+");
        List<Integer> values = new ArrayList<>();
        for (String part : parts) {
            if (part.isEmpty()) {
                if (values.isEmpty()) {
                    continue;
                }
                break;
            }
            values.add(Integer.parseInt(part));
            if (values.size() == 3) {
                break;
            }
        }
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
