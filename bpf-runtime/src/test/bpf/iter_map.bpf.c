/* A map element iterator, for the map parameter of iterators (some kernels refuse to load it). */
#include "iter_common.h"

char LICENSE[] SEC("license") = "GPL";

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
