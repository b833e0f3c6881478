/* A typeless __ksym that no kernel has: libbpf looks for it in /proc/kallsyms and fails the load. */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

extern const void bpfj_no_such_kernel_symbol __ksym;

__u64 address = 0;

SEC("tp/syscalls/sys_enter_getpid")
int read_symbol(void *ctx)
{
	address = (__u64)&bpfj_no_such_kernel_symbol;
	return 0;
}
