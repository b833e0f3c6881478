/*
 * sk_lookup and sk_msg programs for the attach tests.
 *
 * redirect_lookup: connections to redirect_port go to the listening socket in listeners[0]
 * instead of the one bound to that port.
 * verdict_msg: on the sockets in senders, counts the bytes of every sendmsg and refuses the
 * messages that start with 'D' (SK_DROP: the sender gets EACCES).
 * verdict_skb: on the sockets in receivers, counts the received segments and drops those that
 * start with 'D' before the socket sees them.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} listeners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} senders SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} receivers SEC(".maps");

__u32 redirect_port = 0;
__u64 skb_seen = 0;
__u64 skb_dropped = 0;
__u64 redirected = 0;
__u64 msg_bytes = 0;
__u64 msg_dropped = 0;

SEC("sk_lookup")
int redirect_lookup(struct bpf_sk_lookup *ctx)
{
	__u32 zero = 0;
	struct bpf_sock *sk;

	if (ctx->local_port != redirect_port)
		return SK_PASS;
	sk = bpf_map_lookup_elem(&listeners, &zero);
	if (!sk)
		return SK_PASS;
	if (bpf_sk_assign(ctx, sk, 0) == 0)
		__sync_fetch_and_add(&redirected, 1);
	bpf_sk_release(sk);
	return SK_PASS;
}

SEC("sk_msg")
int verdict_msg(struct sk_msg_md *msg)
{
	char *data = msg->data;
	char *end = msg->data_end;

	__sync_fetch_and_add(&msg_bytes, msg->size);
	if (data + 1 <= end && data[0] == 'D') {
		__sync_fetch_and_add(&msg_dropped, 1);
		return SK_DROP;
	}
	return SK_PASS;
}

SEC("sk_skb/stream_verdict")
int verdict_skb(struct __sk_buff *skb)
{
	char first;

	__sync_fetch_and_add(&skb_seen, 1);
	if (bpf_skb_load_bytes(skb, 0, &first, 1) == 0 && first == 'D') {
		__sync_fetch_and_add(&skb_dropped, 1);
		return SK_DROP;
	}
	return SK_PASS;
}
