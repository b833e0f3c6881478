package dev.bpfj.runtime;

/**
 * Which end of a netkit device pair a program attaches to, for
 * {@link BpfProgram#attachNetkit(String, NetkitSide)} (kernel 6.7+).
 */
public enum NetkitSide {
    /** The primary device (the host side): {@code BPF_NETKIT_PRIMARY}, {@code SEC("netkit/primary")}. */
    PRIMARY(54),
    /** The peer device (usually inside a container's namespace): {@code BPF_NETKIT_PEER}, {@code SEC("netkit/peer")}. */
    PEER(55);

    private final int attachType;

    NetkitSide(int attachType) {
        this.attachType = attachType;
    }

    /** The kernel's attach type. */
    int attachType() {
        return attachType;
    }
}
