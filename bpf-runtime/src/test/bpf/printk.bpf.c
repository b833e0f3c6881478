/* Prints a marker with bpf_printk when the test process opens "/bpfj-printk". */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 targ_tgid = 0;
const volatile __u64 marker = 0;

SEC("tp/syscalls/sys_enter_openat")
int print_marker(struct sys_enter_ctx *ctx)
{
	if (!is_target(targ_tgid) || !opens_bpfj_path(ctx, 'p'))
		return 0;
	bpf_printk("bpfj-marker %llu", marker);
	return 0;
}
