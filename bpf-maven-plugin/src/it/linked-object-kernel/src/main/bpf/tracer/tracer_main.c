// SPDX-License-Identifier: GPL-2.0
/* openat half: defines the settings, the shared map, the ring buffer and openat_seen. */
#include "tracer.h"

const volatile __u32 targ_tgid = 0;
__u64 openat_seen;
static __u64 local_hits;	/* tracer_close.c has its own */
/* Keeps struct tracer_event in the BTF for the skeleton: no map names it. */
struct tracer_event *unused_event __attribute__((unused));

TRACER_COUNTS_MAP counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

/* A default that tracer_close.c overrides with a strong definition. */
__weak int tracer_weight(void)
{
	return 1;
}

SEC("tp/syscalls/sys_enter_openat")
int on_openat(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct tracer_event *event;
	__u32 key;
	__u64 *count;

	if (pid != targ_tgid)
		return 0;
	local_hits++;
	__sync_fetch_and_add(&openat_seen, tracer_weight());
	key = tracer_slot(pid);
	count = bpf_map_lookup_elem(&counts, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (event) {
		event->seq = local_hits;
		event->pid = pid;
		event->origin = 1;
		bpf_ringbuf_submit(event, 0);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
