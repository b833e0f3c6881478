package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.LibbpfLog;
import dev.bpfj.runtime.internal.libbpf.LibbpfNet;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cgroup attach kind: every cgroup program type on a cgroup v2 directory, as a BPF link
 * through {@code bpf_program__attach_cgroup} (kernel 5.7+, libbpf 0.0.8+). The program runs for
 * the processes in that cgroup and its descendants, beside the programs others attached
 * ({@code BPF_F_ALLOW_MULTI} semantics); the hook comes from the section: {@code cgroup_skb/ingress},
 * {@code cgroup_skb/egress}, {@code cgroup/sock_create}, {@code cgroup/connect4}, {@code cgroup/bind6},
 * {@code cgroup/sendmsg4}, {@code cgroup/recvmsg6}, {@code cgroup/getsockopt}, {@code cgroup/sysctl},
 * {@code cgroup/dev}, {@code sockops}, …
 *
 * <p>A directory of a cgroup v1 hierarchy is recognised ({@code statfs}) and refused with the path
 * of the cgroup v2 mount, since BPF cgroup programs exist only for v2.
 */
final class CgroupAttachment {

    private static final long CGROUP2_SUPER_MAGIC = 0x63677270L;
    private static final long CGROUP_SUPER_MAGIC = 0x27e0ebL;
    private static final long STATFS_SIZE = 120;
    private static final String SECTIONS = "SEC(\"cgroup_skb/egress\"), SEC(\"cgroup/connect4\"), SEC(\"cgroup/sock_create\"), "
            + "SEC(\"sockops\"), SEC(\"cgroup/dev\"), SEC(\"cgroup/sysctl\"), SEC(\"cgroup/getsockopt\") …";

    private CgroupAttachment() {
    }

    static BpfLink attach(BpfProgram program, Path directory) {
        String target = "cgroup " + directory;
        NetAttach.programFd(program, target);
        NetAttach.requireType(program, target, SECTIONS, ProgramType.CGROUP_SKB, ProgramType.CGROUP_SOCK,
                ProgramType.CGROUP_SOCK_ADDR, ProgramType.SOCK_OPS, ProgramType.CGROUP_DEVICE,
                ProgramType.CGROUP_SYSCTL, ProgramType.CGROUP_SOCKOPT, ProgramType.LSM);
        checkCgroupV2(program, directory, target);
        int fd = NetAttach.openForAttach(directory, true);
        if (fd < 0) {
            throw NetAttach.failure(program, target, -fd, "cannot open the cgroup directory");
        }
        try {
            return attach(program, fd, target);
        } finally {
            NetAttach.closeFd(fd);
        }
    }

    /** Attaches to the cgroup open as {@code cgroupFd}, which stays the caller's (the link holds the cgroup). */
    static BpfLink attach(BpfProgram program, int cgroupFd) {
        String target = "cgroup fd " + cgroupFd;
        NetAttach.programFd(program, target);
        NetAttach.requireType(program, target, SECTIONS, ProgramType.CGROUP_SKB, ProgramType.CGROUP_SOCK,
                ProgramType.CGROUP_SOCK_ADDR, ProgramType.SOCK_OPS, ProgramType.CGROUP_DEVICE,
                ProgramType.CGROUP_SYSCTL, ProgramType.CGROUP_SOCKOPT, ProgramType.LSM);
        return attach(program, cgroupFd, target);
    }

    private static BpfLink attach(BpfProgram program, int fd, String target) {
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment link = LibbpfNet.bpf_program__attach_cgroup(capture, program.handle(), fd);
            if (link.equals(MemorySegment.NULL)) {
                int errno = Native.errno(capture);
                throw new BpfException(NetAttach.OPERATION, NetAttach.label(program) + " to " + target, errno,
                        hint(errno), log.lastWarnings(4));
            }
            log.log();
            return NetAttach.register(program, new BpfLink(program, link));
        }
    }

    private static String hint(int errno) {
        String environment = dev.bpfj.runtime.internal.libbpf.Environment.hintFor(errno);
        if (environment != null) {
            return environment;
        }
        return switch (errno) {
            case Errno.EINVAL -> "the kernel refused the cgroup link (cgroup links need kernel >= 5.7; is the "
                    + "section's attach type one this kernel knows?)";
            case 9 /* EBADF */ -> "the fd is not open";
            case 20 /* ENOTDIR */ -> "the fd is not a cgroup v2 directory";
            default -> null;
        };
    }

    /** Refuses paths that are not directories of a cgroup v2 hierarchy, saying where v2 is mounted. */
    private static void checkCgroupV2(BpfProgram program, Path directory, String target) {
        String where = NetAttach.label(program) + " to " + target;
        if (!Files.isDirectory(directory)) {
            throw new BpfException(NetAttach.OPERATION, where, Errno.ENOENT,
                    "no such directory; cgroup v2 is mounted at " + cgroup2Mount());
        }
        long type;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment buffer = arena.allocate(STATFS_SIZE, 8);
            if (LibbpfNet.statfs(capture, arena.allocateFrom(directory.toString()), buffer) < 0) {
                return; // let the attach itself report
            }
            type = buffer.get(ValueLayout.JAVA_LONG, 0);
        }
        if (type == CGROUP2_SUPER_MAGIC) {
            return;
        }
        String v2 = cgroup2Mount();
        throw new BpfException(NetAttach.OPERATION, where, 0, (type == CGROUP_SUPER_MAGIC
                ? directory + " is in a cgroup v1 hierarchy, and BPF cgroup programs need cgroup v2"
                : directory + " is not a cgroup directory") + "; cgroup v2 is mounted at " + v2);
    }

    /** The first cgroup2 mount point in /proc/self/mounts, or advice to mount one. */
    static String cgroup2Mount() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] fields = line.split(" ");
                if (fields.length > 2 && fields[2].equals("cgroup2")) {
                    return fields[1];
                }
            }
        } catch (IOException e) {
            // fall through to the advice
        }
        return "(nowhere: mount it with mount -t cgroup2 none /sys/fs/cgroup/unified)";
    }
}
