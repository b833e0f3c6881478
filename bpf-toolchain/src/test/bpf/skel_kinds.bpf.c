/* One program per attach kind that takes arguments from the application, for the skeleton's typed attach methods. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct sock;
struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	__u32 (*undo_cwnd)(struct sock *sk);
	char name[16];
};

__u64 hits = 0;

SEC("perf_event")
int on_sample(void *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

SEC("iter/task")
int dump_tasks(void *ctx)
{
	return 0;
}

SEC("usdt")
int on_tick(void *ctx)
{
	return 0;
}

SEC("uprobe")
int on_entry(void *ctx)
{
	return 0;
}

SEC("uretprobe")
int on_return(void *ctx)
{
	return 0;
}

SEC("kprobe.multi")
int on_many(void *ctx)
{
	return 0;
}

SEC("uprobe.multi")
int on_many_user(void *ctx)
{
	return 0;
}

SEC("tp/syscalls/sys_enter_openat")
int on_openat(void *ctx)
{
	return 0;
}

SEC("struct_ops/kinds_ssthresh")
__u32 kinds_ssthresh(__u64 *ctx)
{
	return 2;
}

SEC("struct_ops/kinds_undo_cwnd")
__u32 kinds_undo_cwnd(__u64 *ctx)
{
	return 2;
}

SEC(".struct_ops")
struct tcp_congestion_ops kinds_cc = {
	.ssthresh = (void *)kinds_ssthresh,
	.undo_cwnd = (void *)kinds_undo_cwnd,
	.name = "kinds_cc",
};
