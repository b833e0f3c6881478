/* Marked as needing kernel 99.0: never loaded here, although the verifier would reject it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int from_the_future(struct xdp_md *ctx)
{
	while (bpf_get_prandom_u32() != 7)
		;
	return XDP_PASS;
}
