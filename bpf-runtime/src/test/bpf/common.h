/* Shared by the runtime's test programs: the sys_enter_* tracepoint context and the filters they all use. */
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

/*
 * True when the sys_enter_openat in ctx opens a path starting "/bpfj-" followed by tag: each
 * test opens its own marker path, so a fixture reacts to its test and to nothing else.
 */
static __always_inline int opens_bpfj_path(struct sys_enter_ctx *ctx, char tag)
{
	char name[8] = {};

	if (bpf_probe_read_user_str(name, sizeof(name), (const char *)ctx->args[1]) < 0)
		return 0;
	return name[0] == '/' && name[1] == 'b' && name[2] == 'p' && name[3] == 'f' && name[4] == 'j' && name[5] == '-'
	       && name[6] == tag;
}

#endif
