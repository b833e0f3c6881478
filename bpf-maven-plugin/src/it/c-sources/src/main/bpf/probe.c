#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} probe_hits SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int probe_openat(void *ctx)
{
	__u32 key = 0;
	__u64 *hits = bpf_map_lookup_elem(&probe_hits, &key);

	if (hits)
		__sync_fetch_and_add(hits, MARKER);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
