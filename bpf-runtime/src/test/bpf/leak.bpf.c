/*
 * The resource-leak test's object: one ring buffer of a single page and two tiny programs on
 * sched_process_exec, so that each of the test's 10,000 open/load/attach/close cycles costs
 * little more than the kernel's own bookkeeping. The raw tracepoint is attached every cycle;
 * the perf-event tracepoint only on some cycles, because closing the last perf event on a
 * tracepoint waits for an RCU grace period (about 40 ms here) before it returns.
 */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ring SEC(".maps");

const volatile __u32 targ_tgid = 0;

static __always_inline int emit(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (!is_target(targ_tgid))
		return 0;
	bpf_ringbuf_output(&ring, &tgid, sizeof(tgid), 0);
	return 0;
}

SEC("raw_tp/sched_process_exec")
int exec_raw(void *ctx)
{
	return emit();
}

SEC("tp/sched/sched_process_exec")
int exec_perf(void *ctx)
{
	return emit();
}
