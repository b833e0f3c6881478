/* The verifier rejects this program: the map value is used without checking it for NULL. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int add_unchecked(void *ctx)
{
	__u32 key = 1;
	__u64 *total = bpf_map_lookup_elem(&totals, &key);

	*total += 7; /* no NULL check */
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
