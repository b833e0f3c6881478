/* Rejected: a loop the verifier cannot prove to end. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int spin(struct xdp_md *ctx)
{
	__u32 tries = 0;

	while (bpf_get_prandom_u32() != 42)
		tries |= 1;
	return tries ? XDP_DROP : XDP_PASS;
}

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

/* Also rejected, and reported in the same build: libbpf stops at the first rejection, bpf:verify loads again without it. */
SEC("xdp")
int unchecked(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *hit = bpf_map_lookup_elem(&hits, &zero);

	*hit += 1;
	return XDP_PASS;
}
