/*
 * The TCP congestion control of the struct_ops fixtures, registered through the section that
 * STRUCT_OPS_SECTION names (".struct_ops" or ".struct_ops.link").
 */
#ifndef BPFJ_STRUCT_OPS_COMMON_H
#define BPFJ_STRUCT_OPS_COMMON_H

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

SEC(STRUCT_OPS_SECTION)
struct tcp_congestion_ops bpfj_cc = {
	.ssthresh = (void *)bpfj_ssthresh,
	.cong_avoid = (void *)bpfj_cong_avoid,
	.undo_cwnd = (void *)bpfj_undo_cwnd,
	.name = "bpfj_cc",
};

#endif
