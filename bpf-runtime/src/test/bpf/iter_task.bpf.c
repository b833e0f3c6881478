/*
 * Two task iterators: one line "task <tgid> <pid> <comm>" per task, and one line "tgid <tgid>" per
 * task, so a test can swap the link's program and see the output change.
 */
#include "iter_common.h"

char LICENSE[] SEC("license") = "GPL";

SEC("iter/task")
int list_tasks(struct bpf_iter__task *ctx)
{
	static const char format[] = "task %d %d %s\n";
	struct task_struct *task = ctx->task;
	__u64 args[3];

	if (!task)
		return 0;
	args[0] = task->tgid;
	args[1] = task->pid;
	args[2] = (__u64)(long)task->comm;
	bpf_seq_printf(ctx->meta->seq, format, sizeof(format), args, sizeof(args));
	return 0;
}

SEC("iter/task")
int list_tgids(struct bpf_iter__task *ctx)
{
	static const char format[] = "tgid %d\n";
	struct task_struct *task = ctx->task;
	__u64 args[1];

	if (!task)
		return 0;
	args[0] = task->tgid;
	bpf_seq_printf(ctx->meta->seq, format, sizeof(format), args, sizeof(args));
	return 0;
}
