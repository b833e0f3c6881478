package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.Libc;
import dev.bpfj.runtime.internal.libbpf.LibbpfNet;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * What the networking and cgroup attach kinds share: the loaded program's fd, interface names
 * to indexes, program-type checks that fail before the kernel is asked, failures worded as
 * "attach program NAME (SECTION) to TARGET: why; hint", the kernel version and kernel config,
 * and registering the resulting link with the program's object.
 */
final class NetAttach {

    static final String OPERATION = "attach program";
    private static final int ENODEV = 19;

    private NetAttach() {
    }

    /** The fd of a loaded program, or an {@link IllegalStateException} saying which phase is missing. */
    static int programFd(BpfProgram program, String target) {
        program.object().requirePhase(BpfObject.Phase.LOADED, OPERATION + " " + program.name() + " to " + target);
        return program.fd();
    }

    /** Fails unless the program has one of {@code types}, naming the sections that would fit. */
    static void requireType(BpfProgram program, String target, String sections, ProgramType... types) {
        ProgramType actual = program.type();
        if (Arrays.asList(types).contains(actual)) {
            return;
        }
        String expected = Arrays.stream(types).map(Enum::name).collect(Collectors.joining(" or "));
        throw new BpfException(OPERATION, label(program) + " to " + target, 0,
                "it is a " + actual + " program; this attach needs a " + expected + " program (" + sections + ")");
    }

    /** The index of the interface {@code name} in this thread's network namespace. */
    static int ifindex(BpfProgram program, String kind, String name) {
        if (name == null || name.isEmpty() || name.length() >= 16 || name.contains("/")) {
            throw new IllegalArgumentException("invalid interface name '" + name + "' for " + kind
                    + " of program " + program.name() + " (1 to 15 characters, no '/')");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Native.captureSegment(arena);
            int index = LibbpfNet.if_nametoindex(capture, arena.allocateFrom(name));
            if (index == 0) {
                int errno = Native.errno(capture);
                throw new BpfException(OPERATION, label(program) + " to " + kind + " of interface " + name,
                        errno == 0 ? ENODEV : errno, "there is no network interface " + name
                        + " in this network namespace (see: ip link show)");
            }
            return index;
        }
    }

    /** "interface NAME" for an index, with the name when the kernel still knows it. */
    static String interfaceLabel(int ifindex) {
        try {
            java.net.NetworkInterface nic = java.net.NetworkInterface.getByIndex(ifindex);
            return nic != null ? "interface " + nic.getName() : "interface index " + ifindex;
        } catch (java.net.SocketException e) {
            return "interface index " + ifindex;
        }
    }

    /** {@code name (section)}, how failures name a program. */
    static String label(BpfProgram program) {
        return program.name() + " (" + program.sectionName() + ")";
    }

    /** A failure from the kernel, with the environment's hint (privileges) before the kind's own. */
    static BpfException failure(BpfProgram program, String target, int errno, String hint) {
        return failure(program, target, errno, hint, null);
    }

    /** {@link #failure(BpfProgram, String, int, String)} with libbpf's last warnings (netlink's error text) appended. */
    static BpfException failure(BpfProgram program, String target, int errno, String hint, String detail) {
        String environment = Environment.hintFor(errno);
        return new BpfException(OPERATION, label(program) + " to " + target, errno,
                environment != null ? environment : hint, detail);
    }

    /** Registers a link with the program's object, which closes it at the latest when it closes. */
    static BpfLink register(BpfProgram program, BpfLink link) {
        program.object().register(link);
        return link;
    }

    /** Closes a file descriptor of ours, ignoring failures (it was open a moment ago). */
    static void closeFd(int fd) {
        if (fd < 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            Libc.close(Native.captureSegment(arena), fd);
        }
    }

    /** Opens {@code path} read-only (a directory or namespace file) for an attach call, or -errno. */
    static int openForAttach(Path path, boolean directory) {
        int flags = 0x80000 /* O_CLOEXEC */ | (directory ? 0x10000 /* O_DIRECTORY */ : 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Native.captureSegment(arena);
            int fd = Libc.open(capture, arena.allocateFrom(path.toString()), flags);
            return fd >= 0 ? fd : -Native.errno(capture);
        }
    }

    /** True when the running kernel is {@code major.minor} or newer (true when the release cannot be read). */
    static boolean kernelAtLeast(int major, int minor) {
        int[] version = kernelVersion();
        return version == null || version[0] > major || (version[0] == major && version[1] >= minor);
    }

    /** The running kernel's release, like {@code 6.18.44}, or "unknown". */
    static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static int[] kernelVersion() {
        String[] parts = kernelRelease().split("[.-]");
        try {
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The value of a kernel config option ({@code y}, {@code m}, or {@code n} when it is not set)
     * from {@code /proc/config.gz} or {@code /boot/config-RELEASE}, or null when neither can be read.
     */
    static String kernelConfig(String option) {
        List<String> lines = null;
        Path proc = Path.of("/proc/config.gz");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(proc))) {
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        } catch (IOException | RuntimeException e) {
            try {
                lines = Files.readAllLines(Path.of("/boot/config-" + kernelRelease()));
            } catch (IOException | RuntimeException again) {
                return null;
            }
        }
        for (String line : lines) {
            if (line.startsWith(option + "=")) {
                return line.substring(option.length() + 1);
            }
            if (line.equals("# " + option + " is not set")) {
                return "n";
            }
        }
        return "n";
    }

    /** Logs a detach that failed for another reason than its target being gone already. */
    static void detachFailed(String what, int errno) {
        detachFailed(what, errno, null);
    }

    /** {@link #detachFailed(String, int)} with libbpf's last warnings (netlink's error text), when there are any. */
    static void detachFailed(String what, int errno, String detail) {
        if (errno != 0 && !targetGone(errno)) {
            System.getLogger("dev.bpfj.runtime").log(System.Logger.Level.WARNING,
                    "detach " + what + ": " + Errno.message(errno) + " (" + Errno.name(errno) + ")"
                    + (detail == null || detail.isBlank() ? "" : "\n" + detail));
        }
    }

    /** Whether a detach failure only says the target is already gone (interface or socket closed). */
    static boolean targetGone(int errno) {
        return errno == ENODEV || errno == Errno.ENOENT || errno == 9 /* EBADF */ || errno == Errno.EINVAL;
    }
}
