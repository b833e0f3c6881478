/* Includes the vmlinux.h next to it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

__u64 own_calls;

SEC("tp/syscalls/sys_enter_getpid")
int own_getpid(void *ctx)
{
	__sync_fetch_and_add(&own_calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
