/*
 * A netfilter program for the attach tests: it counts the IPv4 UDP packets to watch_port that
 * pass its hook and drops those to drop_port (NF_DROP); everything else is accepted (NF_ACCEPT).
 * The packet is read from the kernel's sk_buff, whose field offsets CO-RE relocates.
 */
#include <linux/bpf.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define NF_DROP 0
#define NF_ACCEPT 1

/* The fields of the kernel's struct sk_buff this program reads, relocated against kernel BTF. */
struct sk_buff {
	unsigned char *head;
	__u16 network_header;
} __attribute__((preserve_access_index));

/* The kernel's struct bpf_nf_ctx. */
struct nf_ctx {
	const void *state;
	struct sk_buff *skb;
};

__u32 watch_port = 0;
__u32 drop_port = 0;
__u64 seen = 0;
__u64 dropped = 0;

SEC("netfilter")
int nf_count(struct nf_ctx *ctx)
{
	struct sk_buff *skb = ctx->skb;
	unsigned char *network = skb->head + skb->network_header;
	struct iphdr ip;
	struct udphdr udp;
	__u32 port;

	if (bpf_probe_read_kernel(&ip, sizeof(ip), network) < 0 || ip.version != 4 || ip.protocol != IPPROTO_UDP)
		return NF_ACCEPT;
	if (bpf_probe_read_kernel(&udp, sizeof(udp), network + ip.ihl * 4) < 0)
		return NF_ACCEPT;
	port = bpf_ntohs(udp.dest);
	if (port == watch_port)
		__sync_fetch_and_add(&seen, 1);
	if (port == drop_port) {
		__sync_fetch_and_add(&dropped, 1);
		return NF_DROP;
	}
	return NF_ACCEPT;
}
