/* Counts calls of a user-space function in the test process through a uprobe attached by name. */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 targ_tgid = 0;
__u64 calls = 0;

SEC("uprobe")
int count_calls(void *ctx)
{
	if (!is_target(targ_tgid))
		return 0;
	__sync_fetch_and_add(&calls, 1);
	return 0;
}
