/* Accepted only when the rodata slot is in bounds: bpf:verify must set it before load. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[8]);
} values SEC(".maps");

const volatile __u32 slot = 100;

SEC("xdp")
int pick_slot(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u8 *value = bpf_map_lookup_elem(&values, &zero);

	if (!value)
		return XDP_PASS;
	return value[slot] ? XDP_DROP : XDP_PASS;
}
