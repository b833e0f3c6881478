package dev.bpfj.junit;

/**
 * The verdicts a tc (sched_cls/sched_act) program returns ({@code TC_ACT_*} in
 * {@code linux/pkt_cls.h}), for readable assertions:
 * {@code assertEquals(TcAction.SHOT, TcAction.of(result.returnValue()))}.
 */
public enum TcAction {
    /** {@code TC_ACT_UNSPEC} (-1): the qdisc's default action. */
    UNSPEC(-1),
    /** {@code TC_ACT_OK} (0). */
    OK(0),
    /** {@code TC_ACT_RECLASSIFY} (1). */
    RECLASSIFY(1),
    /** {@code TC_ACT_SHOT} (2): drop. */
    SHOT(2),
    /** {@code TC_ACT_PIPE} (3). */
    PIPE(3),
    /** {@code TC_ACT_STOLEN} (4). */
    STOLEN(4),
    /** {@code TC_ACT_QUEUED} (5). */
    QUEUED(5),
    /** {@code TC_ACT_REPEAT} (6). */
    REPEAT(6),
    /** {@code TC_ACT_REDIRECT} (7): what {@code bpf_redirect()} returns. */
    REDIRECT(7),
    /** {@code TC_ACT_TRAP} (8). */
    TRAP(8);

    private final int value;

    TcAction(int value) {
        this.value = value;
    }

    /** The kernel's number for this action. */
    public int value() {
        return value;
    }

    /**
     * The action the kernel numbers {@code value}.
     *
     * @throws IllegalArgumentException for a number that is no tc action
     */
    public static TcAction of(int value) {
        for (TcAction action : values()) {
            if (action.value == value) {
                return action;
            }
        }
        throw new IllegalArgumentException(value + " is not a TC_ACT_* action (-1 to 8)");
    }
}
