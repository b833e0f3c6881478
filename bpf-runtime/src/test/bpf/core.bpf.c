/* Reads the calling task's tgid through a CO-RE relocation, so the object needs the kernel's BTF to load. */
#include "common.h"
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

/* Only the field the program reads; libbpf finds its real offset in the kernel's task_struct. */
struct task_struct {
	int tgid;
} __attribute__((preserve_access_index));

const volatile __u32 targ_tgid = 0;
__u32 seen_tgid = 0;

SEC("tp/syscalls/sys_enter_openat")
int read_tgid(struct sys_enter_ctx *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (!is_target(targ_tgid))
		return 0;
	seen_tgid = BPF_CORE_READ(task, tgid);
	return 0;
}
