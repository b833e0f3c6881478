/* A map libbpf pins by name under the object's pin root, and reuses when it is there already. */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} shared_counts SEC(".maps");

SEC("tp/syscalls/sys_enter_openat")
int count_shared(struct sys_enter_ctx *ctx)
{
	__u32 key = 0;
	__u64 one = 1, *count = bpf_map_lookup_elem(&shared_counts, &key);

	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&shared_counts, &key, &one, BPF_NOEXIST);
	return 0;
}
