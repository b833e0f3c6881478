package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.Libbpf;
import dev.bpfj.runtime.internal.libbpf.LibbpfNet;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.StandardProtocolFamily;

/**
 * The netfilter attach kind: a {@code SEC("netfilter")} program at an IPv4 or IPv6 netfilter hook
 * with a priority, as a BPF link (kernel 6.4+ built with {@code CONFIG_NETFILTER_BPF_LINK}). The
 * program returns {@code NF_ACCEPT} (1) or {@code NF_DROP} (0).
 *
 * <p>libbpf has {@code bpf_program__attach_netfilter} only from 1.3, and 1.0–1.2's
 * {@code bpf_link_create} cannot pass the netfilter fields. The link is therefore made with the
 * {@code bpf(BPF_LINK_CREATE)} system call itself, through libc's {@code syscall}: the attribute
 * layout is kernel ABI, the same bytes libbpf 1.3 sends, so this works with every libbpf bpfj
 * accepts instead of needing libbpf 1.3. libbpf before 1.3 does not know the section either and
 * would refuse to load the program ("missing BPF prog type"); {@link #prepare} gives such a
 * program its type and expected attach type at open, so {@code SEC("netfilter")} loads everywhere.
 */
final class NetfilterAttachment {

    private static final int BPF_LINK_CREATE = 28;
    private static final int BPF_NETFILTER = 45;
    private static final int NFPROTO_IPV4 = 2;
    private static final int NFPROTO_IPV6 = 10;
    /** Bytes of {@code union bpf_attr} we pass: the link_create part with its netfilter fields, zero beyond. */
    private static final int ATTR_SIZE = 64;

    private NetfilterAttachment() {
    }

    /**
     * Called for every program at open: a {@code SEC("netfilter")} program that this libbpf left
     * without a type (libbpf before 1.3) becomes {@code BPF_PROG_TYPE_NETFILTER} with the
     * {@code BPF_NETFILTER} expected attach type, which is what libbpf 1.3 derives from the section.
     */
    static void prepare(MemorySegment program, String sectionName) {
        if ("netfilter".equals(sectionName) && Libbpf.bpf_program__type(program) == ProgramType.UNSPEC.value()) {
            LibbpfNet.bpf_program__set_type(program, ProgramType.NETFILTER.value());
            LibbpfNet.bpf_program__set_expected_attach_type(program, BPF_NETFILTER);
        }
    }

    static BpfLink attach(BpfProgram program, StandardProtocolFamily family, NetfilterHook hook, int priority) {
        String target = "netfilter " + (family == StandardProtocolFamily.INET6 ? "ipv6" : "ipv4") + " "
                + hook.name().toLowerCase(java.util.Locale.ROOT) + " priority " + priority;
        int progFd = NetAttach.programFd(program, target);
        NetAttach.requireType(program, target, "SEC(\"netfilter\")", ProgramType.NETFILTER);
        if (family == StandardProtocolFamily.UNIX) {
            throw new IllegalArgumentException("netfilter hooks are for INET or INET6, not " + family);
        }
        if (priority == Integer.MIN_VALUE || priority == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("netfilter priority " + priority + " is reserved; use a value between "
                    + (Integer.MIN_VALUE + 1) + " and " + (Integer.MAX_VALUE - 1));
        }
        if (!NetAttach.kernelAtLeast(6, 4)) {
            throw new BpfException(NetAttach.OPERATION, NetAttach.label(program) + " to " + target, 0,
                    "netfilter links need kernel >= 6.4 (this is " + NetAttach.kernelRelease() + ")");
        }
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, progFd);
            attr.set(ValueLayout.JAVA_INT, 8, BPF_NETFILTER);
            attr.set(ValueLayout.JAVA_INT, 16, family == StandardProtocolFamily.INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
            attr.set(ValueLayout.JAVA_INT, 20, hook.number());
            attr.set(ValueLayout.JAVA_INT, 24, priority);
            MemorySegment capture = Native.captureSegment(arena);
            long rc = LibbpfNet.bpf(capture, BPF_LINK_CREATE, attr, ATTR_SIZE);
            if (rc < 0) {
                int errno = Native.errno(capture);
                throw NetAttach.failure(program, target, errno, switch (errno) {
                    case Errno.EOPNOTSUPP, Errno.EINVAL -> "the kernel refused the netfilter link (needs kernel >= 6.4 "
                            + "with CONFIG_NETFILTER_BPF_LINK, and the program loaded as BPF_PROG_TYPE_NETFILTER)";
                    case 16 /* EBUSY */ -> "another netfilter program holds priority " + priority + " at this hook";
                    default -> null;
                });
            }
            fd = (int) rc;
        }
        return NetAttach.register(program, new BpfLink(program, fd, () -> NetAttach.closeFd(fd)));
    }
}
