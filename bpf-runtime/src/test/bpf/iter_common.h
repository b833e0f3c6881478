/* What the iterator fixtures share: the task iterator's context. */
#ifndef BPFJ_ITER_COMMON_H
#define BPFJ_ITER_COMMON_H

#include "common.h"

/* Only the fields the programs read; libbpf relocates them against the kernel's BTF. */
struct seq_file;
struct task_struct {
	int pid;
	int tgid;
	char comm[16];
} __attribute__((preserve_access_index));
struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} __attribute__((preserve_access_index));
struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

#endif
