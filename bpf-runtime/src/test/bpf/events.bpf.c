/*
 * Emits one event per openat of a "/bpfj-*" path to a ring buffer and a perf buffer; "/bpfj-flood*"
 * floods the perf buffer; "/bpfj-xwrap*" goes to a one-page ring in 72-byte records, which
 * straddle the ring's end as it fills and drains.
 */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

#define FLOOD_SAMPLES 128

struct event {
	__u32 seq;
	__u32 tgid;
	char name[48];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf SEC(".maps");

/* 60 bytes: with the 8-byte header, 72 in the ring, which 4096 is not a multiple of. */
struct wide_event {
	struct event event;
	__u32 check;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} wrap_ring SEC(".maps");

const volatile __u32 targ_tgid = 0;
__u32 next_seq = 0;
__u32 next_wrap_seq = 0;

SEC("tp/syscalls/sys_enter_openat")
int emit_openat(struct sys_enter_ctx *ctx)
{
	struct event e = {};
	int i;

	if (!is_target(targ_tgid))
		return 0;
	if (bpf_probe_read_user_str(e.name, sizeof(e.name), (const char *)ctx->args[1]) < 0)
		return 0;
	if (e.name[0] != '/' || e.name[1] != 'b' || e.name[2] != 'p' || e.name[3] != 'f' || e.name[4] != 'j'
	    || e.name[5] != '-')
		return 0;
	e.tgid = bpf_get_current_pid_tgid() >> 32;
	if (e.name[6] == 'f') {
		for (i = 0; i < FLOOD_SAMPLES; i++) {
			e.seq = i;
			bpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, &e, sizeof(e));
		}
		return 0;
	}
	if (e.name[6] == 'x') {
		struct wide_event w = { .event = e };

		w.event.seq = next_wrap_seq++;
		w.check = ~w.event.seq;
		bpf_ringbuf_output(&wrap_ring, &w, sizeof(w), 0);
		return 0;
	}
	/* Only the test thread opens these paths, so a plain increment is race-free here. */
	e.seq = next_seq++;
	bpf_ringbuf_output(&ring, &e, sizeof(e), 0);
	bpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}
