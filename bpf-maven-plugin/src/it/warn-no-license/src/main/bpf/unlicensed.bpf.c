#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
/* No SEC("license"): legitimate as long as nothing GPL-only is called. */
SEC("xdp")
int pass_all(struct xdp_md *ctx)
{
    return bpf_ktime_get_ns() ? XDP_PASS : XDP_PASS;
}
