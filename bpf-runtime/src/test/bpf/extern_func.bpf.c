/* Calls a BPF function declared extern and defined nowhere (it would need linking with another object). */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

extern int bpfj_helper_elsewhere(int value);

SEC("tp/syscalls/sys_enter_openat")
int call_elsewhere(void *ctx)
{
	return bpfj_helper_elsewhere(2);
}
