/* Counts openat calls per process; a .rodata filter selects the process, a .bss counter is read live. */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} percpu_opens SEC(".maps");

const volatile __u32 targ_tgid = 0;
__u64 opens_seen = 0;
__u32 data_marker = 0x5eed;

SEC("tp/syscalls/sys_enter_openat")
int count_openat(struct sys_enter_ctx *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *count;
	__u32 zero = 0;

	if (!is_target(targ_tgid))
		return 0;
	count = bpf_map_lookup_elem(&counts, &tgid);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&counts, &tgid, &one, BPF_NOEXIST);
	count = bpf_map_lookup_elem(&percpu_opens, &zero);
	if (count)
		*count += 1;
	__sync_fetch_and_add(&opens_seen, 1);
	return 0;
}
