/*
 * A TCP congestion control as a struct_ops map: registering it needs the kernel to load
 * struct_ops programs, which some kernels refuse (the test checks the error says so).
 */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

struct sock;

/* The members this congestion control fills; libbpf matches them by name with the kernel's type. */
struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	char name[16];
};

SEC("struct_ops/bpfj_ssthresh")
__u32 bpfj_ssthresh(__u64 *ctx)
{
	return 2;
}

SEC("struct_ops/bpfj_cong_avoid")
void bpfj_cong_avoid(__u64 *ctx)
{
}

SEC("struct_ops/bpfj_undo_cwnd")
__u32 bpfj_undo_cwnd(__u64 *ctx)
{
	return 2;
}

SEC(".struct_ops")
struct tcp_congestion_ops bpfj_cc = {
	.ssthresh = (void *)bpfj_ssthresh,
	.cong_avoid = (void *)bpfj_cong_avoid,
	.undo_cwnd = (void *)bpfj_undo_cwnd,
	.name = "bpfj_cc",
};
