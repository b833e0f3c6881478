/* A cgroup iterator, for the iterator parameters (cgroup directory and walk order). */
#include "iter_common.h"

char LICENSE[] SEC("license") = "GPL";

struct kernfs_node {
	__u64 id;
} __attribute__((preserve_access_index));
struct cgroup {
	struct kernfs_node *kn;
} __attribute__((preserve_access_index));
struct bpf_iter__cgroup {
	struct bpf_iter_meta *meta;
	struct cgroup *cgroup;
} __attribute__((preserve_access_index));

/* One line "cgroup <id>" per cgroup the walk visits (the id is the cgroup directory's inode). */
SEC("iter/cgroup")
int list_cgroups(struct bpf_iter__cgroup *ctx)
{
	static const char format[] = "cgroup %llu\n";
	struct cgroup *cgroup = ctx->cgroup;
	__u64 args[1];

	if (!cgroup)
		return 0;
	args[0] = cgroup->kn->id;
	bpf_seq_printf(ctx->meta->seq, format, sizeof(format), args, sizeof(args));
	return 0;
}
