/*
 * A CO-RE program built against a generated vmlinux.h: a task iterator that prints, for the
 * process reading it, its tgid and its parent's (read through task_struct->real_parent with
 * BPF_CORE_READ), then the same for every process. The vmlinux tests compile it with the full
 * and with a filtered header, load it with bpftool and read the iterator from Java.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	if (ctx->meta->seq_num == 0) {
		struct task_struct *current = (struct task_struct *)bpf_get_current_task();

		BPF_SEQ_PRINTF(seq, "current %d %d\n", BPF_CORE_READ(current, tgid),
			       BPF_CORE_READ(current, real_parent, tgid));
	}
	if (task && BPF_CORE_READ(task, pid) == BPF_CORE_READ(task, tgid))
		BPF_SEQ_PRINTF(seq, "task %d %d %s\n", BPF_CORE_READ(task, tgid),
			       BPF_CORE_READ(task, real_parent, tgid), task->comm);
	return 0;
}
