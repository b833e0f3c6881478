package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.LibbpfNet;
import java.lang.foreign.MemorySegment;

/**
 * The netkit attach kind: a classifier program on a netkit device, as a BPF link
 * ({@code bpf_link_create} with {@code BPF_NETKIT_PRIMARY}/{@code BPF_NETKIT_PEER}, kernel 6.7+
 * built with {@code CONFIG_NETKIT}). libbpf added {@code bpf_program__attach_netkit} in 1.3; the
 * plain link call works with libbpf 1.0. Closing the link removes the program.
 */
final class NetkitAttachment {

    private static final String SECTIONS = "SEC(\"tc\"), or SEC(\"netkit/primary\")/SEC(\"netkit/peer\") with libbpf 1.3+";

    private NetkitAttachment() {
    }

    static BpfLink attach(BpfProgram program, int ifindex, NetkitSide side) {
        String target = "netkit " + side.name().toLowerCase(java.util.Locale.ROOT) + " of " + NetAttach.interfaceLabel(ifindex);
        int progFd = NetAttach.programFd(program, target);
        NetAttach.requireType(program, target, SECTIONS, ProgramType.SCHED_CLS);
        if (!NetAttach.kernelAtLeast(6, 7)) {
            throw new BpfException(NetAttach.OPERATION, NetAttach.label(program) + " to " + target, 0,
                    "netkit needs kernel >= 6.7 (this is " + NetAttach.kernelRelease() + ")");
        }
        int fd = LibbpfNet.bpf_link_create(progFd, ifindex, side.attachType(), MemorySegment.NULL);
        if (fd < 0) {
            throw NetAttach.failure(program, target, -fd, hint());
        }
        return NetAttach.register(program, new BpfLink(program, fd, () -> NetAttach.closeFd(fd)));
    }

    private static String hint() {
        String config = NetAttach.kernelConfig("CONFIG_NETKIT");
        if ("n".equals(config)) {
            return "this kernel (" + NetAttach.kernelRelease() + ") is built without netkit (CONFIG_NETKIT is not set); "
                    + "use attachTcx on a veth instead";
        }
        return "the interface must be a netkit device (ip link add NAME type netkit) and the kernel built with CONFIG_NETKIT";
    }
}
