package dev.bpfj.runtime;

/**
 * Where an XDP program runs on an interface ({@code XDP_FLAGS_*_MODE}); see
 * {@link BpfProgram#attachXdp(int, XdpMode)}.
 */
public enum XdpMode {
    /** The kernel chooses: the driver's native XDP when it has one, generic XDP otherwise. */
    DEFAULT(0),
    /** Generic ("skb") XDP: works on every interface, after the kernel has built the socket buffer (kernel 4.12+). */
    GENERIC(1 << 1),
    /** Native XDP in the driver, before any allocation; the driver must support it (veth does, from kernel 4.19). */
    DRIVER(1 << 2),
    /** Offloaded to the NIC's hardware; only a few NICs (Netronome) support it. */
    OFFLOAD(1 << 3);

    private final int flags;

    XdpMode(int flags) {
        this.flags = flags;
    }

    /** The {@code XDP_FLAGS_*_MODE} bit (0 for {@link #DEFAULT}). */
    public int flags() {
        return flags;
    }
}
