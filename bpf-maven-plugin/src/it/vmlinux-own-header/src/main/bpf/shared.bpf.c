/* Reaches a vmlinux.h through include/common.h. */
#include "include/common.h"

__u64 shared_calls;

SEC("tp/syscalls/sys_enter_getppid")
int shared_getppid(void *ctx)
{
	__sync_fetch_and_add(&shared_calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
