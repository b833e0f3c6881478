/*
 * Map kinds driven from user space: a user ring buffer the program drains on the test's marker
 * openat ("/bpfj-u..."), and an array-of-maps whose template the test sets before load: the
 * program counts the marker openats in slot 0 of inner map 0.
 */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4096);
} requests SEC(".maps");

/* No inner definition: the test gives the template with BpfMap.innerMap before load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} outer SEC(".maps");

const volatile __u32 targ_tgid = 0;
__u64 drained = 0;
__u64 drained_sum = 0;
__u64 inner_hits = 0;

static long read_request(struct bpf_dynptr *dynptr, void *ctx)
{
	__u64 value = 0;

	if (bpf_dynptr_read(&value, sizeof(value), dynptr, 0, 0) == 0) {
		drained_sum += value;
		drained += 1;
	}
	return 0;
}

SEC("tp/syscalls/sys_enter_openat")
int drain_requests(struct sys_enter_ctx *ctx)
{
	__u32 zero = 0;
	void *inner;
	__u64 *slot;

	if (!is_target(targ_tgid) || !opens_bpfj_path(ctx, 'u'))
		return 0;
	bpf_user_ringbuf_drain(&requests, read_request, NULL, 0);
	inner = bpf_map_lookup_elem(&outer, &zero);
	if (!inner)
		return 0;
	slot = bpf_map_lookup_elem(inner, &zero);
	if (slot) {
		__sync_fetch_and_add(slot, 1);
		__sync_fetch_and_add(&inner_hits, 1);
	}
	return 0;
}
