package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.LibbpfLog;
import dev.bpfj.runtime.internal.libbpf.LibbpfNet;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The XDP attach kind: an {@code SEC("xdp")} program on a network interface.
 *
 * <p>By default the attachment is a BPF link ({@code bpf_link_create} with {@code BPF_XDP},
 * kernel 5.9+, libbpf 0.8+): the kernel detaches the program when the link closes, even if the
 * process dies, and refuses (EBUSY) to put it on an interface that already has an XDP program.
 * With {@code replace}, or on kernels before 5.9, it is attached through netlink
 * ({@code bpf_xdp_attach}, kernel 4.8+, libbpf 0.7+): {@code replace} replaces a program attached
 * that way, and closing the returned link detaches ours ({@code bpf_xdp_detach} with
 * {@code XDP_FLAGS_REPLACE}, so a program someone attached since then stays).
 */
final class XdpAttachment {

    private static final int BPF_XDP = 37;
    private static final int XDP_FLAGS_UPDATE_IF_NOEXIST = 1;
    private static final int XDP_FLAGS_REPLACE = 1 << 4;
    private static final long LINK_OPTS_SIZE = 16;
    private static final long XDP_OPTS_SIZE = 16;
    private static final String SECTIONS = "SEC(\"xdp\")";

    private XdpAttachment() {
    }

    static BpfLink attach(BpfProgram program, int ifindex, XdpMode mode, boolean replace) {
        String target = "XDP (" + mode.name().toLowerCase(java.util.Locale.ROOT) + " mode) of "
                + NetAttach.interfaceLabel(ifindex);
        int progFd = NetAttach.programFd(program, target);
        NetAttach.requireType(program, target, SECTIONS, ProgramType.XDP);
        if (ifindex <= 0) {
            throw new IllegalArgumentException("invalid interface index " + ifindex + " for XDP of program " + program.name());
        }
        if (!replace) {
            int fd;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment opts = arena.allocate(LINK_OPTS_SIZE, 8);
                opts.set(ValueLayout.JAVA_LONG, 0, LINK_OPTS_SIZE);
                opts.set(ValueLayout.JAVA_INT, 8, mode.flags());
                fd = LibbpfNet.bpf_link_create(progFd, ifindex, BPF_XDP, opts);
            }
            if (fd >= 0) {
                return NetAttach.register(program, new BpfLink(program, fd, () -> NetAttach.closeFd(fd)));
            }
            boolean noXdpLinks = -fd == Errno.EINVAL && !NetAttach.kernelAtLeast(5, 9);
            if (!noXdpLinks) {
                throw NetAttach.failure(program, target, -fd, hint(-fd, mode, ifindex));
            }
        }
        int flags = mode.flags() | (replace ? 0 : XDP_FLAGS_UPDATE_IF_NOEXIST);
        try (LibbpfLog.Capture log = LibbpfLog.capture()) {
            int rc = LibbpfNet.bpf_xdp_attach(ifindex, progFd, flags, MemorySegment.NULL);
            if (rc < 0) {
                throw NetAttach.failure(program, target, -rc, hint(-rc, mode, ifindex), log.lastWarnings(2));
            }
        }
        String what = "XDP program " + program.name() + " from " + NetAttach.interfaceLabel(ifindex);
        return NetAttach.register(program, new BpfLink(program, -1, () -> detach(ifindex, mode, progFd, what)));
    }

    private static void detach(int ifindex, XdpMode mode, int progFd, String what) {
        // The capture keeps libbpf's "Active program does not match expected" (ours was replaced) out of the log.
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            MemorySegment opts = arena.allocate(XDP_OPTS_SIZE, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, XDP_OPTS_SIZE);
            opts.set(ValueLayout.JAVA_INT, 8, progFd);
            int rc = LibbpfNet.bpf_xdp_detach(ifindex, mode.flags() | XDP_FLAGS_REPLACE, opts);
            // EEXIST: another program replaced ours since, which is not ours to remove.
            if (rc < 0 && -rc != Errno.EEXIST) {
                NetAttach.detachFailed(what, -rc, log.lastWarnings(2));
            }
        }
    }

    private static String hint(int errno, XdpMode mode, int ifindex) {
        String name = NetAttach.interfaceLabel(ifindex);
        return switch (errno) {
            case 16 /* EBUSY */, Errno.EEXIST -> name + " already has an XDP program (see: ip link show); detach it first, "
                    + "or attach with replace=true to replace one attached through netlink (a program held by a "
                    + "BPF link cannot be replaced)";
            case Errno.EOPNOTSUPP, Errno.ENOTSUPP -> "the driver of " + name + " does not support XDP in "
                    + mode.name().toLowerCase(java.util.Locale.ROOT) + " mode; use XdpMode.GENERIC";
            case Errno.EINVAL -> mode == XdpMode.OFFLOAD ? "offload needs a NIC that supports it and a program "
                    + "loaded for that device" : "the kernel rejected the attach (is " + name + " up, and within the "
                    + "MTU limits of native XDP?)";
            case 19 /* ENODEV */ -> "there is no " + name + " in this network namespace";
            default -> null;
        };
    }
}
