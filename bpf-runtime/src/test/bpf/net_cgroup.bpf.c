/*
 * cgroup programs for the attach tests: cgroup_skb/egress counts the IPv4 packets the cgroup
 * sends to watch_port; cgroup/connect4 counts connect() calls to watch_port and refuses those to
 * deny_port (the caller gets EPERM). Ports are set in .bss by the test after load.
 */
#include <linux/bpf.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

__u32 watch_port = 0;
__u32 deny_port = 0;
__u64 egress_packets = 0;
__u64 connects = 0;
__u64 denied = 0;

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	struct iphdr ip;
	__u16 ports[2];

	/* cgroup_skb sees the packet from its IP header on. */
	if (skb->protocol != bpf_htons(0x0800) || bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) < 0)
		return 1;
	if (ip.protocol != IPPROTO_TCP || bpf_skb_load_bytes(skb, ip.ihl * 4, ports, sizeof(ports)) < 0)
		return 1;
	if (bpf_ntohs(ports[1]) == watch_port)
		__sync_fetch_and_add(&egress_packets, 1);
	return 1;
}

SEC("cgroup/connect4")
int count_connect4(struct bpf_sock_addr *ctx)
{
	__u32 port = bpf_ntohs((__u16)ctx->user_port);

	if (port == watch_port)
		__sync_fetch_and_add(&connects, 1);
	if (port == deny_port) {
		__sync_fetch_and_add(&denied, 1);
		return 0;
	}
	return 1;
}
