package dev.bpfj.toolchain.validate;

import java.util.Map;
import java.util.Optional;

/**
 * The BPF helpers the kernel lets only GPL-compatible programs call (those whose
 * {@code bpf_func_proto} has {@code gpl_only} set), by helper id.
 *
 * <p>How this table was made: on Linux 6.18, a program with the license "Proprietary" calling
 * each helper id 1..215 was loaded as kprobe, tracepoint, raw_tp, perf_event, tc, xdp, socket,
 * cgroup_skb, sk_msg and syscall programs; every id the verifier refused with "cannot call
 * GPL-restricted function from non-GPL compatible program" in any of them is listed. Helpers no
 * such program may call on that machine (bpf_probe_write_user and bpf_override_return under
 * lockdown, the iterator-only bpf_seq_printf/bpf_seq_write) were taken from the kernel sources'
 * {@code gpl_only} flags. Some helpers are GPL-only for some program types only
 * (bpf_get_func_ip): listing them here errs on the side of the stricter program types.
 */
final class GplOnlyHelpers {

    private static final Map<Integer, String> BY_ID = Map.ofEntries(
            Map.entry(4, "bpf_probe_read"),
            Map.entry(6, "bpf_trace_printk"),
            Map.entry(22, "bpf_perf_event_read"),
            Map.entry(25, "bpf_perf_event_output"),
            Map.entry(27, "bpf_get_stackid"),
            Map.entry(35, "bpf_get_current_task"),
            Map.entry(36, "bpf_probe_write_user"),
            Map.entry(45, "bpf_probe_read_str"),
            Map.entry(55, "bpf_perf_event_read_value"),
            Map.entry(56, "bpf_perf_prog_read_value"),
            Map.entry(58, "bpf_override_return"),
            Map.entry(67, "bpf_get_stack"),
            Map.entry(111, "bpf_skb_output"),
            Map.entry(112, "bpf_probe_read_user"),
            Map.entry(113, "bpf_probe_read_kernel"),
            Map.entry(114, "bpf_probe_read_user_str"),
            Map.entry(115, "bpf_probe_read_kernel_str"),
            Map.entry(119, "bpf_read_branch_records"),
            Map.entry(121, "bpf_xdp_output"),
            Map.entry(126, "bpf_seq_printf"),
            Map.entry(127, "bpf_seq_write"),
            Map.entry(158, "bpf_get_current_task_btf"),
            Map.entry(165, "bpf_snprintf"),
            Map.entry(169, "bpf_timer_init"),
            Map.entry(170, "bpf_timer_set_callback"),
            Map.entry(171, "bpf_timer_start"),
            Map.entry(172, "bpf_timer_cancel"),
            Map.entry(173, "bpf_get_func_ip"),
            Map.entry(175, "bpf_task_pt_regs"),
            Map.entry(176, "bpf_get_branch_snapshot"),
            Map.entry(177, "bpf_trace_vprintk"),
            Map.entry(191, "bpf_copy_from_user_task"));

    private GplOnlyHelpers() {
    }

    /**
     * The name of a GPL-only helper.
     *
     * @param helperId the helper id from a {@code call} instruction
     * @return its name if the helper is GPL-only, else empty
     */
    static Optional<String> name(int helperId) {
        return Optional.ofNullable(BY_ID.get(helperId));
    }
}
