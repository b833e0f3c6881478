/* Fills a large ring buffer in one go (bpf_loop) when the test process opens "/bpfj-bench", for the reader benchmark. */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

struct record {
	__u64 index;
	__u64 payload[7];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);
} bench_ring SEC(".maps");

const volatile __u32 targ_tgid = 0;
const volatile __u32 records = 0;

static long produce(__u32 index, void *ctx)
{
	struct record *r = bpf_ringbuf_reserve(&bench_ring, sizeof(*r), 0);

	if (!r)
		return 1;
	r->index = index;
	for (int i = 0; i < 7; i++)
		r->payload[i] = index + i;
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tp/syscalls/sys_enter_openat")
int fill_ring(struct sys_enter_ctx *ctx)
{
	if (!is_target(targ_tgid) || !opens_bpfj_path(ctx, 'b'))
		return 0;
	bpf_loop(records, produce, 0, 0);
	return 0;
}
