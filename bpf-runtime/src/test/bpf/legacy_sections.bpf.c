/*
 * Programs in sections named the way libbpf before 1.0 matched by their start (XDP and tc
 * tutorials still do): libbpf 1.x opens them without a type; bpfj gives them the old type.
 * Each returns a value that depends on the packet's length, so a test run tells that it ran.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp_router")
int legacy_xdp(struct xdp_md *ctx)
{
	return ctx->data_end - ctx->data > 100 ? XDP_DROP : XDP_PASS;
}

/* Only a devmap program may read egress_ifindex: the load proves the expected attach type too. */
SEC("xdp_devmap/egress")
int legacy_devmap(struct xdp_md *ctx)
{
	return ctx->egress_ifindex ? XDP_PASS : XDP_DROP;
}

SEC("classifier_egress")
int legacy_classifier(struct __sk_buff *skb)
{
	return skb->len > 100 ? TC_ACT_SHOT : TC_ACT_OK;
}

SEC("socket1")
int legacy_socket(struct __sk_buff *skb)
{
	return skb->len;
}

/* A section no old rule matched either: it stays without a type, and load() says so. */
SEC("?mystery_hook")
int unknown_section(void *ctx)
{
	return 0;
}
