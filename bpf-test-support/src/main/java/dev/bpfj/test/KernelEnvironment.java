package dev.bpfj.test;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What this machine offers for kernel tests, read from {@code /proc} and {@code /sys} without
 * native code so that the check itself works on any JDK and any OS.
 */
public final class KernelEnvironment {

    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;

    private KernelEnvironment() {
    }

    /**
     * True when a kernel test that cannot run must fail: {@code -Dbpf.kernelTests=required}, or
     * the environment variable {@code CI=true} unless {@code -Dbpf.kernelTests=optional} overrides it.
     */
    public static boolean required() {
        String property = System.getProperty("bpf.kernelTests", "").trim().toLowerCase(Locale.ROOT);
        if (property.equals("required")) {
            return true;
        }
        return "true".equalsIgnoreCase(System.getenv("CI")) && !property.equals("optional");
    }

    static String requiredBecause() {
        return "required".equalsIgnoreCase(System.getProperty("bpf.kernelTests", "").trim())
                ? "-Dbpf.kernelTests=required" : "CI=true";
    }

    /** The reasons the basic kernel facilities are unavailable; empty when all are present. */
    public static List<String> basicProblems() {
        List<String> problems = new ArrayList<>();
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            problems.add("requires Linux (this is " + System.getProperty("os.name") + ")");
            return problems;
        }
        if (!privileged()) {
            problems.add("requires root or CAP_BPF+CAP_PERFMON (run the tests as root)");
        }
        if (!Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
            problems.add("requires kernel BTF at /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF=y)");
        }
        if (libbpf().isEmpty()) {
            problems.add("requires libbpf.so.1 (apt-get install libbpf1, or dnf install libbpf)");
        }
        return problems;
    }

    /** The reason {@code facility} is unavailable, if it is. */
    public static Optional<String> problem(KernelTest.Facility facility) {
        return switch (facility) {
            case TRACEFS -> Files.exists(Path.of("/sys/kernel/tracing/trace_pipe"))
                    ? Optional.empty()
                    : Optional.of("requires tracefs at /sys/kernel/tracing (mount -t tracefs tracefs /sys/kernel/tracing)");
            case BPFFS -> isMounted("/sys/fs/bpf", "bpf")
                    ? Optional.empty()
                    : Optional.of("requires bpffs at /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)");
            case CLANG -> onPath("clang")
                    ? Optional.empty()
                    : Optional.of("requires clang on the PATH (apt-get install clang)");
            case BPFTOOL -> onPath("bpftool")
                    ? Optional.empty()
                    : Optional.of("requires bpftool on the PATH (apt-get install bpftool)");
        };
    }

    /** Where libbpf.so.1 is installed, if it is in one of the usual library folders. */
    public static Optional<Path> libbpf() {
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64",
                "/usr/lib", "/lib64", "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/local/lib")) {
            Path candidate = Path.of(dir, "libbpf.so.1");
            if (Files.exists(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static boolean privileged() {
        try {
            BigInteger caps = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    caps = new BigInteger(line.substring("CapEff:".length()).trim(), 16);
                }
            }
            if (caps == null) {
                return false;
            }
            return caps.testBit(CAP_SYS_ADMIN) || (caps.testBit(CAP_BPF) && caps.testBit(CAP_PERFMON));
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    static boolean isMounted(String mountPoint, String fsType) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] fields = line.split(" ");
                if (fields.length > 2 && fields[1].equals(mountPoint) && fields[2].equals(fsType)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
