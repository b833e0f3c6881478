/* Hooks the running kernel lacks. A tp_btf program whose tracepoint no kernel has: libbpf fails
 * before the kernel sees the program. */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

__u64 seen = 0;

SEC("tp_btf/bpfj_no_such_tracepoint")
int on_missing_tracepoint(__u64 *ctx)
{
	__sync_fetch_and_add(&seen, 1);
	return 0;
}

/* Attached by hand in the test: a kprobe (kernels without CONFIG_KPROBES have none) ... */
SEC("kprobe/do_unlinkat")
int on_unlink(void *ctx)
{
	__sync_fetch_and_add(&seen, 1);
	return 0;
}

/* ... and a tracepoint no kernel has. */
SEC("tp/syscalls/sys_enter_bpfj_no_such_call")
int on_missing_syscall(void *ctx)
{
	__sync_fetch_and_add(&seen, 1);
	return 0;
}
