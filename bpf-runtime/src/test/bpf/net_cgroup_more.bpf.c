/*
 * More cgroup program kinds for the attach tests, each refusing one thing to the processes of
 * the cgroup and counting what it saw: sock_create refuses UDP sockets, sysctl refuses reading
 * sysctls, dev refuses opening /dev/zero (char 1:5), sockops counts established active TCP
 * connections.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define SOCK_DGRAM 2

__u64 sockets_created = 0;
__u64 udp_denied = 0;
__u64 sysctl_denied = 0;
__u64 dev_denied = 0;
__u64 tcp_established = 0;

SEC("cgroup/sock_create")
int deny_udp(struct bpf_sock *sk)
{
	__sync_fetch_and_add(&sockets_created, 1);
	if (sk->type == SOCK_DGRAM && sk->protocol == IPPROTO_UDP) {
		__sync_fetch_and_add(&udp_denied, 1);
		return 0;
	}
	return 1;
}

SEC("cgroup/sysctl")
int deny_sysctl_reads(struct bpf_sysctl *ctx)
{
	if (ctx->write)
		return 1;
	__sync_fetch_and_add(&sysctl_denied, 1);
	return 0;
}

SEC("cgroup/dev")
int deny_dev_zero(struct bpf_cgroup_dev_ctx *ctx)
{
	if ((ctx->access_type & 0xffff) == BPF_DEVCG_DEV_CHAR && ctx->major == 1 && ctx->minor == 5) {
		__sync_fetch_and_add(&dev_denied, 1);
		return 0;
	}
	return 1;
}

SEC("sockops")
int count_established(struct bpf_sock_ops *ops)
{
	if (ops->op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
		__sync_fetch_and_add(&tcp_established, 1);
	return 1;
}
