package dev.bpfj.runtime;

/**
 * The netfilter hook a {@code SEC("netfilter")} program runs at, for
 * {@link BpfProgram#attachNetfilter(java.net.StandardProtocolFamily, NetfilterHook, int)}; the
 * kernel's {@code NF_INET_*} numbering.
 */
public enum NetfilterHook {
    /** {@code NF_INET_PRE_ROUTING}: every packet received, before routing. */
    PRE_ROUTING,
    /** {@code NF_INET_LOCAL_IN}: packets for this host. */
    LOCAL_IN,
    /** {@code NF_INET_FORWARD}: packets routed through this host. */
    FORWARD,
    /** {@code NF_INET_LOCAL_OUT}: packets this host sends. */
    LOCAL_OUT,
    /** {@code NF_INET_POST_ROUTING}: every packet sent, after routing. */
    POST_ROUTING;

    /** The kernel's hook number. */
    int number() {
        return ordinal();
    }
}
