package dev.bpfj.runtime;

/**
 * The direction a tc program sees traffic in on an interface, for
 * {@link BpfProgram#attachTcx(String, TcDirection)} and {@link BpfProgram#attachTc(String, TcDirection)}.
 */
public enum TcDirection {
    /** Packets the interface receives. */
    INGRESS(46, 1),
    /** Packets the interface transmits. */
    EGRESS(47, 2);

    private final int tcxAttachType;
    private final int tcAttachPoint;

    TcDirection(int tcxAttachType, int tcAttachPoint) {
        this.tcxAttachType = tcxAttachType;
        this.tcAttachPoint = tcAttachPoint;
    }

    /** The kernel's {@code BPF_TCX_INGRESS} / {@code BPF_TCX_EGRESS} attach type. */
    int tcxAttachType() {
        return tcxAttachType;
    }

    /** libbpf's {@code BPF_TC_INGRESS} / {@code BPF_TC_EGRESS} attach point. */
    int tcAttachPoint() {
        return tcAttachPoint;
    }

    /** The direction in lower case, for messages. */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
