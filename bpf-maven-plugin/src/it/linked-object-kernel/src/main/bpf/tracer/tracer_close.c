// SPDX-License-Identifier: GPL-2.0
/* close half: uses tracer_main.c's settings, map and counter through externs. */
#include "tracer.h"

extern const volatile __u32 targ_tgid;
extern __u64 openat_seen;
extern TRACER_COUNTS_MAP counts SEC(".maps");

__u64 close_seen;
static __u64 local_hits;	/* not tracer_main.c's */

int tracer_weight(void)
{
	return 2;
}

/* Called from tracer_main.c: slot 0 for the target, 1 for anyone else. */
__noinline int tracer_slot(__u32 pid)
{
	return pid == targ_tgid ? 0 : 1;
}

SEC("tp/syscalls/sys_enter_close")
int on_close(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u32 key = 2;
	__u64 *count;

	if (pid != targ_tgid)
		return 0;
	local_hits++;
	close_seen = local_hits;
	count = bpf_map_lookup_elem(&counts, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
