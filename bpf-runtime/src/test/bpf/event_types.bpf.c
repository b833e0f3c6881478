/*
 * Event maps declared the way cilium/ebpf programs declare them for bpf2go: the ring buffer and
 * the perf event array name their record type with __type(value, ...), which the kernel refuses
 * for these map types. bpfj creates them without it. Each openat of "/bpfj-T*" by the
 * target process sends one record through both.
 */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

struct typed_event {
	__u32 seq;
	__u32 tgid;
	__u64 marker;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
	__type(value, struct typed_event);
} typed_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__type(value, struct typed_event);
} typed_perf SEC(".maps");

const volatile __u32 targ_tgid = 0;
__u32 next_typed_seq = 0;

SEC("tp/syscalls/sys_enter_openat")
int typed_openat(struct sys_enter_ctx *ctx)
{
	struct typed_event e = {};

	if (!is_target(targ_tgid) || !opens_bpfj_path(ctx, 'T'))
		return 0;
	e.seq = next_typed_seq++;
	e.tgid = bpf_get_current_pid_tgid() >> 32;
	e.marker = 0x7479706564ULL;
	bpf_ringbuf_output(&typed_ring, &e, sizeof(e), 0);
	bpf_perf_event_output(ctx, &typed_perf, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}
