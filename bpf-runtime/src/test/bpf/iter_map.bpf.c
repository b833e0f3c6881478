/* A map element iterator, for the map parameter of iterators (some kernels refuse to load it). */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

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

struct bpf_map;
struct bpf_iter__bpf_map_elem {
	struct bpf_iter_meta *meta;
	struct bpf_map *map;
	void *key;
	void *value;
} __attribute__((preserve_access_index));

/* Any map with 4-byte keys and 8-byte values: one line "elem <key> <value>" per element. */
SEC("iter/bpf_map_elem")
int list_elements(struct bpf_iter__bpf_map_elem *ctx)
{
	static const char format[] = "elem %u %llu\n";
	__u32 *key = ctx->key;
	__u64 *value = ctx->value;
	__u64 args[2];

	if (!key || !value)
		return 0;
	args[0] = *key;
	args[1] = *value;
	bpf_seq_printf(ctx->meta->seq, format, sizeof(format), args, sizeof(args));
	return 0;
}
