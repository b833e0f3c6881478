/* Prints a marker with bpf_printk when the test process opens "/bpfj-printk". */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 targ_tgid = 0;
const volatile __u64 marker = 0;

SEC("tp/syscalls/sys_enter_openat")
int print_marker(struct sys_enter_ctx *ctx)
{
	char name[16] = {};

	if (!is_target(targ_tgid))
		return 0;
	if (bpf_probe_read_user_str(name, sizeof(name), (const char *)ctx->args[1]) < 0)
		return 0;
	if (name[0] != '/' || name[1] != 'b' || name[2] != 'p' || name[3] != 'f' || name[4] != 'j' || name[5] != '-'
	    || name[6] != 'p')
		return 0;
	bpf_printk("bpfj-marker %llu", marker);
	return 0;
}
