/* Calls a kernel function (kfunc) that no kernel has: libbpf cannot resolve the __ksym extern. */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

extern int bpfj_no_such_kfunc(int value) __ksym;

SEC("tp/syscalls/sys_enter_openat")
int call_missing(void *ctx)
{
	return bpfj_no_such_kfunc(1);
}
