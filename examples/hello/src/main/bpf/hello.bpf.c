// SPDX-License-Identifier: GPL-2.0
/*
 * The first program of every eBPF lab: say hello each time a process calls openat(). The
 * message goes to the kernel's trace buffer; Hello.java reads it back through TracePipe.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Only this process says hello when set (the thread group id); 0: every process. */
const volatile __u32 targ_pid = 0;

SEC("tracepoint/syscalls/sys_enter_openat")
int hello(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (targ_pid && pid != targ_pid)
		return 0;
	bpf_printk("Hello world from pid %u", pid);
	return 0;
}

/* bpf_trace_printk is a GPL-only helper. */
char LICENSE[] SEC("license") = "GPL";
