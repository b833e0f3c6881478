/* Programs for BpfProgram.testRun: one per program type the kernel can test-run, plus a tracepoint it cannot. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

/* Runs per XDP action the xdp program returned, indexed by the action. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 5);
	__type(key, __u32);
	__type(value, __u64);
} xdp_actions SEC(".maps");

/* The UDP destination port of a packet, or 0 when it is no IPv4/UDP packet in bounds. */
static __always_inline int udp_dest(void *data, void *data_end, struct ethhdr **eth_out)
{
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return 0;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return 0;
	*eth_out = eth;
	return bpf_ntohs(udp->dest);
}

/* UDP port 9 (discard) is dropped; port 7 (echo) is bounced back with the MAC addresses swapped; the rest passes. */
SEC("xdp")
int xdp_verdict(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = 0;
	__u32 action = XDP_PASS;
	__u8 mac[ETH_ALEN];
	__u64 *runs;
	int port = udp_dest(data, data_end, &eth);

	if (port == 9) {
		action = XDP_DROP;
	} else if (port == 7 && eth) {
		__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
		__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
		__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
		action = XDP_TX;
	}
	runs = bpf_map_lookup_elem(&xdp_actions, &action);
	if (runs)
		*runs += 1;
	return action;
}

/* Marks UDP packets with 0x600d | port and lets them through; redirects port 7 to ifindex 1 (lo); drops non-IPv4. */
SEC("tc")
int tc_classify(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = 0;
	int port = udp_dest(data, data_end, &eth);

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_SHOT;
	if (port == 7)
		return bpf_redirect(1, 0);
	if (port)
		skb->mark = 0x600d0000 | port;
	skb->cb[0] = skb->mark + 1;
	return TC_ACT_OK;
}

/* Keeps IPv4 UDP packets whole, truncates IPv4 TCP to 20 bytes, drops the rest (a socket sees from the IP header on). */
SEC("socket")
int socket_udp_only(struct __sk_buff *skb)
{
	__u8 protocol;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, offsetof(struct iphdr, protocol), &protocol, 1) < 0)
		return 0;
	if (protocol == IPPROTO_UDP)
		return skb->len;
	return protocol == IPPROTO_TCP ? 20 : 0;
}

__u64 raw_tp_last_id = 0;

/* sys_enter's arguments are (struct pt_regs *regs, long id): remembers the id, returns it plus one. */
SEC("raw_tp/sys_enter")
int raw_tp_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	raw_tp_last_id = ctx->args[1];
	return (int)ctx->args[1] + 1;
}

struct add_args {
	int a;
	int b;
	int sum;
	int calls;
};

/* A syscall program: writes a + b into its argument struct and returns 7. */
SEC("syscall")
int syscall_add(struct add_args *args)
{
	args->sum = args->a + args->b;
	args->calls += 1;
	return 7;
}

/* The kernel cannot test-run tracepoint programs. */
SEC("tp/syscalls/sys_enter_getppid")
int tp_not_testable(void *ctx)
{
	return 0;
}

/* A cgroup_skb program: lets IPv4 UDP in (1), denies the rest (0); it sees the packet from the IP header on. */
SEC("cgroup_skb/ingress")
int cgroup_udp_only(struct __sk_buff *skb)
{
	__u8 protocol;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, offsetof(struct iphdr, protocol), &protocol, 1) < 0)
		return 0;
	return protocol == IPPROTO_UDP;
}

/* An sk_lookup program: drops connections to local port 7, passes the rest. */
SEC("sk_lookup")
int lookup_no_echo(struct bpf_sk_lookup *ctx)
{
	return ctx->local_port == 7 ? SK_DROP : SK_PASS;
}

/*
 * A flow dissector for IPv4 UDP only: fills in protocol, addresses and ports; the test run returns
 * the flow keys as its output data. Direct packet access: in a test run there is no skb for
 * bpf_skb_load_bytes to read from (and a constant offset, which the verifier bounds-checks simply).
 */
SEC("flow_dissector")
int dissect_udp4(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct bpf_flow_keys *keys = skb->flow_keys;
	/* Ethernet frames only: the IP header right after the Ethernet header (nhoff is 14 then). */
	struct iphdr *ip = data + sizeof(struct ethhdr);
	struct udphdr *udp;

	if ((void *)(ip + 1) > data_end || ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return BPF_DROP;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return BPF_DROP;
	keys->addr_proto = bpf_htons(ETH_P_IP);
	keys->ip_proto = ip->protocol;
	keys->ipv4_src = ip->saddr;
	keys->ipv4_dst = ip->daddr;
	keys->thoff = keys->nhoff + sizeof(*ip);
	keys->sport = udp->source;
	keys->dport = udp->dest;
	return BPF_OK;
}
