/* Run through a generated skeleton: a perf_event sampler (left for the application by attach()) and a task iterator. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct seq_file;
struct task_struct {
	int tgid;
} __attribute__((preserve_access_index));
struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));
struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

const volatile __u32 targ_tgid = 0;
__u64 samples = 0;

SEC("perf_event")
int count_samples(void *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) == targ_tgid)
		__sync_fetch_and_add(&samples, 1);
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
