// SPDX-License-Identifier: GPL-2.0
/* The other half of link_core_a.bpf.c, with its own view of task_struct. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int tgid;
	struct task_struct *real_parent;
	int pid;
} __attribute__((preserve_access_index));

int core_pid;

__noinline int core_parent_of(long address)
{
	struct task_struct *task = (void *)address;

	if (!task)
		return 0;
	return BPF_CORE_READ(task, real_parent, tgid);
}

SEC("tp/syscalls/sys_enter_getppid")
int core_b(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();

	core_pid = BPF_CORE_READ(task, pid);
	bpf_printk("core_b read %d", core_pid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
