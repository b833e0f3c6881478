/* bpf-junit's test program: drops UDP/TCP to blocked ports (IPv4/IPv6, one VLAN tag allowed), reports drops in a ring buffer, decrements the IPv4 TTL of what passes. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

enum { STAT_PASSED, STAT_DROPPED, STAT_NOT_IP, STAT_COUNT };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u16);
	__type(value, __u8);
} blocked_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct drop_event {
	__u32 protocol;
	__u16 port;
	__u16 vlan;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} drops SEC(".maps");

struct vlan_tag {
	__be16 tci;
	__be16 proto;
};

static __always_inline void count(__u32 stat)
{
	__u64 *value = bpf_map_lookup_elem(&stats, &stat);

	if (value)
		*value += 1;
}

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip4 = 0;
	void *l4;
	__u16 proto, vlan = 0, port;
	__u8 l4proto;

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	proto = eth->h_proto;
	l4 = eth + 1;
	if (proto == bpf_htons(ETH_P_8021Q)) {
		struct vlan_tag *tag = l4;

		if ((void *)(tag + 1) > data_end)
			return XDP_ABORTED;
		vlan = bpf_ntohs(tag->tci) & 0xfff;
		proto = tag->proto;
		l4 = tag + 1;
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		ip4 = l4;
		if ((void *)(ip4 + 1) > data_end || ip4->ihl != 5)
			return XDP_ABORTED;
		l4proto = ip4->protocol;
		l4 = ip4 + 1;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l4;

		if ((void *)(ip6 + 1) > data_end)
			return XDP_ABORTED;
		l4proto = ip6->nexthdr;
		l4 = ip6 + 1;
	} else {
		count(STAT_NOT_IP);
		return XDP_PASS;
	}
	if (l4proto == IPPROTO_UDP || l4proto == IPPROTO_TCP) {
		/* Both headers start with the source and destination ports. */
		__be16 *ports = l4;

		if ((void *)(ports + 2) > data_end)
			return XDP_ABORTED;
		port = bpf_ntohs(ports[1]);
		if (bpf_map_lookup_elem(&blocked_ports, &port)) {
			struct drop_event *event = bpf_ringbuf_reserve(&drops, sizeof(*event), 0);

			if (event) {
				event->protocol = l4proto;
				event->port = port;
				event->vlan = vlan;
				bpf_ringbuf_submit(event, 0);
			}
			count(STAT_DROPPED);
			return XDP_DROP;
		}
	}
	if (ip4) {
		/* Like a router: one hop less, checksum updated incrementally (RFC 1624). */
		__u32 check = ip4->check;

		check += bpf_htons(0x0100);
		ip4->check = (__u16)(check + (check >= 0xffff));
		ip4->ttl--;
	}
	count(STAT_PASSED);
	return XDP_PASS;
}

/* The tc side: blocked ports are shot, everything else is marked with its destination port, and cb[0] carries priority + 1. */
SEC("tc")
int tc_mark(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__be16 *ports = (void *)(ip + 1);
	__u16 port;

	skb->cb[0] = skb->priority + 1;
	if ((void *)(ports + 2) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5)
		return 0; /* TC_ACT_OK */
	port = bpf_ntohs(ports[1]);
	if (bpf_map_lookup_elem(&blocked_ports, &port))
		return 2; /* TC_ACT_SHOT */
	skb->mark = port;
	return 0;
}

__u32 last_ingress_ifindex = 0;

/* Remembers the interface the packet came in on: an xdp_md context in a test run sets it. */
SEC("xdp")
int xdp_ingress(struct xdp_md *ctx)
{
	last_ingress_ifindex = ctx->ingress_ifindex;
	return XDP_PASS;
}
