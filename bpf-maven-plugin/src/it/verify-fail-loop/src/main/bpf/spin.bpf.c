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
