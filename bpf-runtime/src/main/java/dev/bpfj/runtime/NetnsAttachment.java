package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.LibbpfLog;
import dev.bpfj.runtime.internal.libbpf.LibbpfNet;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * The network-namespace attach kind: {@code SEC("sk_lookup")} (kernel 5.9+) and
 * {@code SEC("flow_dissector")} (links from kernel 5.8) programs on a namespace given by its file
 * ({@code /proc/self/ns/net}, {@code /proc/PID/ns/net}, {@code /var/run/netns/NAME}), as a BPF link
 * through {@code bpf_program__attach_netns} (libbpf 0.0.9+). A namespace holds one flow dissector
 * and several sk_lookup programs.
 */
final class NetnsAttachment {

    private static final String SECTIONS = "SEC(\"sk_lookup\") or SEC(\"flow_dissector\")";

    private NetnsAttachment() {
    }

    static BpfLink attach(BpfProgram program, Path netnsFile) {
        String target = "network namespace " + netnsFile;
        NetAttach.programFd(program, target);
        NetAttach.requireType(program, target, SECTIONS, ProgramType.SK_LOOKUP, ProgramType.FLOW_DISSECTOR);
        int fd = NetAttach.openForAttach(netnsFile, false);
        if (fd < 0) {
            throw NetAttach.failure(program, target, -fd, -fd == Errno.ENOENT
                    ? "no such file (a namespace is /proc/self/ns/net, /proc/PID/ns/net or /var/run/netns/NAME)" : null);
        }
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment link = LibbpfNet.bpf_program__attach_netns(capture, program.handle(), fd);
            if (link.equals(MemorySegment.NULL)) {
                int errno = Native.errno(capture);
                String hint = switch (errno) {
                    case Errno.EINVAL -> netnsFile + " is not a network namespace file (/proc/PID/ns/net, /var/run/netns/NAME)";
                    case Errno.EEXIST -> "the namespace already has a flow dissector";
                    default -> null;
                };
                throw new BpfException(NetAttach.OPERATION, NetAttach.label(program) + " to " + target, errno,
                        dev.bpfj.runtime.internal.libbpf.Environment.hintFor(errno) != null
                        ? dev.bpfj.runtime.internal.libbpf.Environment.hintFor(errno) : hint, log.lastWarnings(4));
            }
            log.log();
            return NetAttach.register(program, new BpfLink(program, link));
        } finally {
            NetAttach.closeFd(fd);
        }
    }
}
