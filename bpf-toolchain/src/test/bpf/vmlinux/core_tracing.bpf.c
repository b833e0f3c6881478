/*
 * Compile-only fixture for a generated vmlinux.h: the usual CO-RE idioms of tracing tools
 * (BPF_PROG on tp_btf, BPF_KPROBE with pt_regs, bpf_core_field_exists, enum values, a ring
 * buffer of a struct defined here) must compile against it as they do against bpftool's.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct event {
	u32 pid;
	u32 ppid;
	u64 start;
	char comm[16];
	int sig;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->pid = BPF_CORE_READ(p, tgid);
	e->ppid = BPF_CORE_READ(p, real_parent, tgid);
	e->start = BPF_CORE_READ(p, start_time);
	bpf_core_read_str(e->comm, sizeof(e->comm), &p->comm);
	e->sig = bpf_core_field_exists(p->signal->oom_score_adj) ? BPF_CORE_READ(p, signal, oom_score_adj) : 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(on_unlink, int dfd, struct filename *name)
{
	const char *path = BPF_CORE_READ(name, name);
	char buf[32];

	bpf_probe_read_kernel_str(buf, sizeof(buf), path);
	return bpf_core_enum_value(enum bpf_func_id, BPF_FUNC_map_lookup_elem) + PT_REGS_PARM1_CORE(ctx);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct mm_struct *mm = BPF_CORE_READ(next, mm);

	return mm && bpf_core_type_exists(struct bpf_iter__task) ? BPF_CORE_READ(mm, total_vm) > 0 : 0;
}
