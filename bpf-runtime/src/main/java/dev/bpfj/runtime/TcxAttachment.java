package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.LibbpfNet;
import java.lang.foreign.MemorySegment;

/**
 * The tcx attach kind: a classifier program ({@code SEC("tc")}, {@code SEC("classifier")}, or
 * {@code SEC("tcx/ingress")}/{@code SEC("tcx/egress")} with libbpf 1.3+) on an interface's
 * ingress or egress as a BPF link, without a qdisc (kernel 6.6+).
 *
 * <p>libbpf added {@code bpf_program__attach_tcx} in 1.3; bpfj makes the same link with
 * {@code bpf_link_create(prog_fd, ifindex, BPF_TCX_INGRESS or BPF_TCX_EGRESS, NULL)}, which libbpf
 * 1.0 already passes through to the kernel, so tcx works with every libbpf bpfj accepts. The
 * program is appended after the ones already attached; closing the link removes it.
 */
final class TcxAttachment {

    private static final String SECTIONS = "SEC(\"tc\"), SEC(\"classifier\") or, with libbpf 1.3+, SEC(\"tcx/ingress\")/SEC(\"tcx/egress\")";

    private TcxAttachment() {
    }

    static BpfLink attach(BpfProgram program, int ifindex, TcDirection direction) {
        String target = "tcx " + direction.label() + " of " + NetAttach.interfaceLabel(ifindex);
        int progFd = NetAttach.programFd(program, target);
        NetAttach.requireType(program, target, SECTIONS, ProgramType.SCHED_CLS);
        if (!NetAttach.kernelAtLeast(6, 6)) {
            throw new BpfException(NetAttach.OPERATION, NetAttach.label(program) + " to " + target, 0,
                    "tcx needs kernel >= 6.6 (this is " + NetAttach.kernelRelease()
                    + "); use attachTc(interface, direction) for the classic clsact hook");
        }
        int fd = LibbpfNet.bpf_link_create(progFd, ifindex, direction.tcxAttachType(), MemorySegment.NULL);
        if (fd < 0) {
            throw NetAttach.failure(program, target, -fd, -fd == Errno.EINVAL
                    ? "the kernel refused the tcx link (needs kernel >= 6.6 with CONFIG_NET_XGRESS)" : null);
        }
        return NetAttach.register(program, new BpfLink(program, fd, () -> NetAttach.closeFd(fd)));
    }
}
