/*
 * Makes the kernel's recursion protection skip a program. When the test process opens
 * "/bpfj-recursion", start calls bpf_printk; that fires the bpf_trace_printk tracepoint, where
 * echo (a raw tracepoint program) runs and calls bpf_printk itself. The nested firing finds echo
 * still running on that CPU, so the kernel skips it and counts a recursion miss for echo.
 */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 targ_tgid = 0;

SEC("tp/syscalls/sys_enter_openat")
int start(struct sys_enter_ctx *ctx)
{
	if (!is_target(targ_tgid) || !opens_bpfj_path(ctx, 'r'))
		return 0;
	bpf_printk("bpfj-recursion start");
	return 0;
}

SEC("raw_tp/bpf_trace_printk")
int echo(void *ctx)
{
	/* Other processes' bpf_printk calls are left alone. */
	if (!is_target(targ_tgid))
		return 0;
	bpf_printk("bpfj-recursion echo");
	return 0;
}
