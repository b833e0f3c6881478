/*
 * A socket filter for the attach tests, on a UDP socket, where the program sees the packet from
 * its UDP header on. Payloads starting with 'D' are dropped (return 0), those starting with 'T'
 * are cut to the UDP header plus 4 bytes, the others are kept whole.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define UDP_HEADER 8

__u64 filtered = 0;

SEC("socket")
int udp_filter(struct __sk_buff *skb)
{
	char first;

	if (bpf_skb_load_bytes(skb, UDP_HEADER, &first, 1) < 0)
		return skb->len;
	__sync_fetch_and_add(&filtered, 1);
	if (first == 'D')
		return 0;
	if (first == 'T')
		return UDP_HEADER + 4;
	return skb->len;
}
