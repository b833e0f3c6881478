package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.LibbpfNet;

/**
 * The sockmap attach kind: an {@code SEC("sk_msg")} program ({@code BPF_SK_MSG_VERDICT}) or an
 * {@code SEC("sk_skb/stream_parser")}, {@code SEC("sk_skb/stream_verdict")} or
 * {@code SEC("sk_skb/verdict")} program on a {@code BPF_MAP_TYPE_SOCKMAP} or
 * {@code BPF_MAP_TYPE_SOCKHASH}, with {@code bpf_prog_attach(prog_fd, map_fd, type, 0)} (kernel
 * 4.14+ for sk_skb, 4.17+ for sk_msg, 5.15+ for sk_skb/verdict). The attach type comes from the
 * section. Closing the link detaches with {@code bpf_prog_detach2}; the program then no longer
 * runs for the sockets in the map.
 */
final class SockMapAttachment {

    private static final String SECTIONS = "SEC(\"sk_msg\"), SEC(\"sk_skb/stream_parser\"), "
            + "SEC(\"sk_skb/stream_verdict\") or SEC(\"sk_skb/verdict\")";
    private static final int SK_SKB_STREAM_PARSER = 4;
    private static final int SK_SKB_STREAM_VERDICT = 5;
    private static final int SK_MSG_VERDICT = 7;
    private static final int SK_SKB_VERDICT = 38;

    private SockMapAttachment() {
    }

    static BpfLink attach(BpfProgram program, BpfMap map) {
        String target = "sockmap " + map.name();
        int progFd = NetAttach.programFd(program, target);
        NetAttach.requireType(program, target, SECTIONS, ProgramType.SK_MSG, ProgramType.SK_SKB);
        if (map.type() != MapType.SOCKMAP && map.type() != MapType.SOCKHASH) {
            throw new BpfException(NetAttach.OPERATION, NetAttach.label(program) + " to " + target, 0,
                    "map " + map.name() + " is a " + map.type() + "; sk_msg and sk_skb programs attach to a SOCKMAP or SOCKHASH");
        }
        int attachType = LibbpfNet.bpf_program__expected_attach_type(program.handle());
        if (attachType != SK_SKB_STREAM_PARSER && attachType != SK_SKB_STREAM_VERDICT
                && attachType != SK_MSG_VERDICT && attachType != SK_SKB_VERDICT) {
            throw new BpfException(NetAttach.OPERATION, NetAttach.label(program) + " to " + target, 0,
                    "the section does not say which sockmap hook the program is for; use " + SECTIONS);
        }
        int mapFd = map.fd();
        int rc = LibbpfNet.bpf_prog_attach(progFd, mapFd, attachType, 0);
        if (rc < 0) {
            throw NetAttach.failure(program, target, -rc, -rc == 16 /* EBUSY */
                    ? "the map already has a program for this hook" : null);
        }
        String what = "program " + program.name() + " from " + target;
        return NetAttach.register(program, new BpfLink(program, -1, () -> {
            int detached = LibbpfNet.bpf_prog_detach2(progFd, mapFd, attachType);
            if (detached < 0) {
                NetAttach.detachFailed(what, -detached);
            }
        }));
    }
}
