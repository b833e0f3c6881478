/* The target of freplace.bpf.c: a program calling the global function adjust(), which freplace may replace. */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

__u64 total = 0;

__attribute__((noinline)) int adjust(int value)
{
	return value + 1;
}

SEC("tp/syscalls/sys_enter_getppid")
int call_adjust(void *ctx)
{
	total += adjust(1);
	return 0;
}
