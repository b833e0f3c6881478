/* A program any kernel accepts: what matters here is whether bpf:verify can load at all. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int pass_all(struct xdp_md *ctx)
{
	return XDP_PASS;
}
