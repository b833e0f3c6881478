package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.LibbpfVersions;

/**
 * Section names that libbpf before 1.0 took by their start alone, and libbpf 1.0 no longer
 * recognises: {@code SEC("xdp_router")} was an XDP program, {@code SEC("classifier_egress")} a tc
 * classifier, {@code SEC("socket1")} a socket filter. XDP and tc tutorials, the kernel's samples
 * and libxdp's loaders (which set the type themselves) still use them. libbpf 1.x opens such a
 * program without a type and refuses to load it; bpfj gives it the type the old rule gave, at
 * open, so the object loads as it did. Only prefixes whose type is unambiguous are here
 * ({@code sk_skb} is not: its attach type depends on the rest of the name). The build validator
 * knows the same list (BPF016) and warns, since other libbpf 1.x loaders refuse these objects.
 */
final class LegacySections {

    /** A prefix and the types it gave. */
    private record Prefix(String prefix, ProgramType type, AttachType expectedAttachType) {
    }

    private static final Prefix[] PREFIXES = {
        // Before "xdp": the map programs of libbpf 0.x's SEC("xdp_devmap/...") and SEC("xdp_cpumap/...").
        new Prefix("xdp_devmap", ProgramType.XDP, AttachType.XDP_DEVMAP),
        new Prefix("xdp_cpumap", ProgramType.XDP, AttachType.XDP_CPUMAP),
        new Prefix("xdp", ProgramType.XDP, AttachType.XDP),
        new Prefix("classifier", ProgramType.SCHED_CLS, null),
        new Prefix("action", ProgramType.SCHED_ACT, null),
        new Prefix("tc", ProgramType.SCHED_CLS, null),
        new Prefix("socket", ProgramType.SOCKET_FILTER, null),
        new Prefix("perf_event", ProgramType.PERF_EVENT, null),
        new Prefix("lwt_in", ProgramType.LWT_IN, null),
        new Prefix("lwt_out", ProgramType.LWT_OUT, null),
        new Prefix("lwt_xmit", ProgramType.LWT_XMIT, null),
        new Prefix("lwt_seg6local", ProgramType.LWT_SEG6LOCAL, null),
        new Prefix("sockops", ProgramType.SOCK_OPS, AttachType.CGROUP_SOCK_OPS),
        new Prefix("sk_msg", ProgramType.SK_MSG, AttachType.SK_MSG_VERDICT),
        new Prefix("flow_dissector", ProgramType.FLOW_DISSECTOR, AttachType.FLOW_DISSECTOR),
    };

    private LegacySections() {
    }

    /**
     * Gives a program that libbpf left without a type the type its section's start gave before
     * libbpf 1.0; does nothing to any other program.
     */
    static void assignType(BpfProgram program) {
        if (program.type() != ProgramType.UNSPEC
                || LibbpfVersions.sectionTooNew(program.name(), program.sectionName()).isPresent()) {
            // Typed already, or a section a newer libbpf knows (tcx/ingress is not an old "tc..."):
            // load() says which libbpf it needs.
            return;
        }
        String section = program.sectionName().startsWith("?") ? program.sectionName().substring(1) : program.sectionName();
        for (Prefix prefix : PREFIXES) {
            if (section.startsWith(prefix.prefix())) {
                program.type(prefix.type(), prefix.expectedAttachType());
                return;
            }
        }
    }
}
