/*
 * BTF-attached programs: a tp_btf program without a target in its section (the test sets it with
 * attachTarget before load), an fentry program (EPERM on kernels that refuse fentry), and a
 * kprobe.multi program (attach fails on kernels without kprobes).
 */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 targ_tgid = 0;
__u64 sys_enters = 0;
__u64 unlinks = 0;
__u64 multi_hits = 0;

SEC("tp_btf")
int count_sys_enter(__u64 *ctx)
{
	if (targ_tgid != 0 && (bpf_get_current_pid_tgid() >> 32) == targ_tgid)
		__sync_fetch_and_add(&sys_enters, 1);
	return 0;
}

SEC("fentry/do_unlinkat")
int count_unlinks(__u64 *ctx)
{
	__sync_fetch_and_add(&unlinks, 1);
	return 0;
}

SEC("kprobe.multi")
int count_multi(void *ctx)
{
	__sync_fetch_and_add(&multi_hits, 1);
	return 0;
}
