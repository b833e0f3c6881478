/* Networking sections, for the skeleton's typed attach methods that call the networking runtime API. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("tcx/ingress")
int tc_ingress(struct __sk_buff *skb)
{
	return 0;
}

SEC("cgroup_skb/egress")
int egress(struct __sk_buff *skb)
{
	return 1;
}

SEC("cgroup/connect4")
int connect4(struct bpf_sock_addr *ctx)
{
	return 1;
}

SEC("socket")
int filter(struct __sk_buff *skb)
{
	return 0;
}

SEC("sk_lookup")
int lookup(struct bpf_sk_lookup *ctx)
{
	return SK_PASS;
}

SEC("sk_msg")
int msg(struct sk_msg_md *msg)
{
	return SK_PASS;
}
