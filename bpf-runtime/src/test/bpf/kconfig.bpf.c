/* Reads __kconfig externs, which libbpf fills in at load, and copies them to .bss for the test to compare. */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern _Bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern _Bool CONFIG_BPFJ_NOT_A_REAL_OPTION __kconfig __weak;

const volatile __u32 targ_tgid = 0;
__u32 seen_version = 0;
int seen_hz = 0;
_Bool seen_bpf_syscall = 0;
_Bool seen_missing = 1;
__u32 runs = 0;

SEC("tp/syscalls/sys_enter_openat")
int read_kconfig(struct sys_enter_ctx *ctx)
{
	if (!is_target(targ_tgid))
		return 0;
	seen_version = LINUX_KERNEL_VERSION;
	seen_hz = CONFIG_HZ;
	seen_bpf_syscall = CONFIG_BPF_SYSCALL;
	seen_missing = CONFIG_BPFJ_NOT_A_REAL_OPTION;
	__sync_fetch_and_add(&runs, 1);
	return 0;
}
