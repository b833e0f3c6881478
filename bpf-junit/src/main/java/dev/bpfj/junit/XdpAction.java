package dev.bpfj.junit;

/**
 * The verdicts an XDP program returns ({@code enum xdp_action}), for readable assertions:
 * {@code assertEquals(XdpAction.DROP, XdpAction.of(result.returnValue()))}.
 */
public enum XdpAction {
    /** {@code XDP_ABORTED} (0): a program error; the packet is dropped and a tracepoint fires. */
    ABORTED,
    /** {@code XDP_DROP} (1). */
    DROP,
    /** {@code XDP_PASS} (2): on to the network stack. */
    PASS,
    /** {@code XDP_TX} (3): back out of the interface it came in on. */
    TX,
    /** {@code XDP_REDIRECT} (4): to another interface, CPU or socket. */
    REDIRECT;

    /** The kernel's number for this action. */
    public int value() {
        return ordinal();
    }

    /**
     * The action the kernel numbers {@code value}.
     *
     * @throws IllegalArgumentException for a number that is no XDP action (the kernel treats those as aborted)
     */
    public static XdpAction of(int value) {
        if (value < 0 || value >= values().length) {
            throw new IllegalArgumentException(value + " is not an XDP action (0-4: ABORTED, DROP, PASS, TX, REDIRECT)");
        }
        return values()[value];
    }
}
