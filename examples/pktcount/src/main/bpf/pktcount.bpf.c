/*
 * pktcount: counts packets and bytes per protocol on one interface, from XDP or from tc.
 *
 * The contract with user space (and with tests that run the programs packet by packet):
 *
 *   map counts: BPF_MAP_TYPE_ARRAY, 258 entries, key __u32 slot, value struct pktcount_counter
 *     slot 0..255  IPv4 or IPv6 packets whose (first) next protocol is that IP protocol number
 *                  (1 icmp, 6 tcp, 17 udp, 58 icmpv6, ...); IPv6 extension headers are not walked
 *     slot 256     ARP (ethertype 0x0806)
 *     slot 257     everything else (other ethertypes, VLAN-tagged frames, frames too short to parse)
 *   byte_count is the frame's length from the Ethernet header on, as the hook sees it: XDP the
 *   frame in its buffer; tc the whole skb (skb->len: a GSO/GRO packet, which tc sees as one packet,
 *   counts with all its data, not only the linear head) plus the 4 bytes of a VLAN tag that the
 *   stack or the NIC moved out of the frame into the skb (such a frame still counts as slot 257).
 *
 *   Return codes: pktcount_xdp always returns XDP_PASS (2), pktcount_tc always TC_ACT_OK (0):
 *   the tool only observes, it never changes traffic.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "pktcount.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PKTCOUNT_SLOTS);
	__type(key, __u32);
	__type(value, struct pktcount_counter);
} counts SEC(".maps");

/* The counter slot for the frame in [data, data_end). */
static __always_inline __u32 slot_of(void *data, void *data_end)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return PKTCOUNT_SLOT_OTHER;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end)
			return PKTCOUNT_SLOT_OTHER;
		return ip->protocol;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end)
			return PKTCOUNT_SLOT_OTHER;
		return ip6->nexthdr;
	}
	if (eth->h_proto == bpf_htons(ETH_P_ARP))
		return PKTCOUNT_SLOT_ARP;
	return PKTCOUNT_SLOT_OTHER;
}

static __always_inline void count(__u32 slot, __u64 bytes)
{
	struct pktcount_counter *counter = bpf_map_lookup_elem(&counts, &slot);

	if (!counter)
		return;
	__sync_fetch_and_add(&counter->packets, 1);
	__sync_fetch_and_add(&counter->byte_count, bytes);
}

SEC("xdp")
int pktcount_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	count(slot_of(data, data_end), data_end - data);
	return XDP_PASS;
}

SEC("tc")
int pktcount_tc(struct __sk_buff *skb)
{
	/* Not data_end - data: that is only the skb's linear head, for a GSO/GRO packet a few headers. */
	__u64 bytes = skb->len;
	__u32 slot;

	if (skb->vlan_present) {
		/* The receive path (or the NIC) took the outer 802.1Q/802.1ad tag out of the frame: the
		 * frame was VLAN-tagged all the same, as XDP sees it. */
		slot = PKTCOUNT_SLOT_OTHER;
		bytes += 4;
	} else {
		slot = slot_of((void *)(long)skb->data, (void *)(long)skb->data_end);
	}
	count(slot, bytes);
	return TC_ACT_OK;
}
