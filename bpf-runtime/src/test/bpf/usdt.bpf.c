/* Sums the first argument of the USDT probe bpfj:tick of a test binary and counts its hits. */
#include <stdbool.h>
#include "common.h"
#include <linux/ptrace.h>
#include <bpf/usdt.bpf.h>

char LICENSE[] SEC("license") = "GPL";

__u64 hits = 0;
__u64 sum = 0;
__u64 cookie = 0;

SEC("usdt")
int on_tick(struct pt_regs *ctx)
{
	long value = 0;

	if (bpf_usdt_arg(ctx, 0, &value) == 0)
		__sync_fetch_and_add(&sum, value);
	cookie = bpf_usdt_cookie(ctx);
	__sync_fetch_and_add(&hits, 1);
	return 0;
}
