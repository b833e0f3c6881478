/*
 * XDP and tc programs for the networking attach tests. They look only at IPv4 UDP packets to
 * count_port or drop_port (set in .bss by the test after load), count them, and drop those to
 * drop_port; everything else passes untouched, so ARP and the rest of the test's traffic flow.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

__u32 count_port = 0;
__u32 drop_port = 0;
__u64 xdp_counted = 0;
__u64 xdp_bytes = 0;
__u64 xdp_dropped = 0;
__u64 tc_ingress_counted = 0;
__u64 tc_egress_counted = 0;
__u64 tc_dropped = 0;

/* The destination port of an IPv4 UDP packet starting with an Ethernet header, or 0. */
static __always_inline __u32 udp_dest_port(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_UDP)
		return 0;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > data_end)
		return 0;
	return bpf_ntohs(udp->dest);
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 port = udp_dest_port(data, data_end);

	if (port == 0)
		return XDP_PASS;
	if (port == count_port) {
		__sync_fetch_and_add(&xdp_counted, 1);
		__sync_fetch_and_add(&xdp_bytes, data_end - data);
	}
	if (port == drop_port) {
		__sync_fetch_and_add(&xdp_dropped, 1);
		return XDP_DROP;
	}
	return XDP_PASS;
}

static __always_inline int tc_count(struct __sk_buff *skb, __u64 *counter)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u32 port = udp_dest_port(data, data_end);

	if (port == 0)
		return TC_ACT_OK;
	if (port == count_port)
		__sync_fetch_and_add(counter, 1);
	if (port == drop_port) {
		__sync_fetch_and_add(&tc_dropped, 1);
		return TC_ACT_SHOT;
	}
	return TC_ACT_OK;
}

SEC("tc")
int tc_ingress(struct __sk_buff *skb)
{
	return tc_count(skb, &tc_ingress_counted);
}

SEC("tc")
int tc_egress(struct __sk_buff *skb)
{
	return tc_count(skb, &tc_egress_counted);
}
