// SPDX-License-Identifier: GPL-2.0
/* CO-RE across linked files: this file and link_core_b.bpf.c each declare their own partial
 * task_struct, with the fields in different orders; libbpf relocates each read to the kernel's. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

int core_tgid;
int core_parent_tgid;

/* In link_core_b.bpf.c. A global function takes scalars, so the task goes as a number. */
extern int core_parent_of(long task);

SEC("tp/syscalls/sys_enter_getpid")
int core_a(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();

	core_tgid = BPF_CORE_READ(task, tgid);
	core_parent_tgid = core_parent_of((long)task);
	bpf_printk("core_a %d", core_tgid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
