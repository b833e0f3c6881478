/* Shared by the runtime's test programs: the tracepoint context of syscalls:sys_enter_*. */
#ifndef BPFJ_TEST_COMMON_H
#define BPFJ_TEST_COMMON_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Layout of the sys_enter_* tracepoints: 8 bytes of common fields, the syscall number, six arguments. */
struct sys_enter_ctx {
	unsigned long long common;
	long id;
	unsigned long args[6];
};

/* True when the process (thread group) is the one the test runs in. */
static __always_inline int is_target(__u32 target_tgid)
{
	return target_tgid == 0 || (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

#endif
