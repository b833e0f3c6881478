// SPDX-License-Identifier: GPL-2.0
/*
 * opensnoop for bpfj: reports every open(), openat() and openat2() system call with its
 * result. The entry tracepoints remember the arguments per thread, the exit tracepoints read the
 * path (still valid user memory until the call returns) and emit one variable-size event.
 *
 * Written for bpfj from the tracepoint formats in /sys/kernel/tracing/events/syscalls; it needs
 * no vmlinux.h because the tracepoint contexts are declared below.
 */
#include <stdbool.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "opensnoop.h"

/* open() has no directory argument: its relative paths start from the working directory. */
#define AT_FDCWD -100

/* The raw layout of every syscalls:sys_enter_* tracepoint record. */
struct syscall_enter_ctx {
	__u16 common_type;
	__u8 common_flags;
	__u8 common_preempt_count;
	__s32 common_pid;
	__s64 id;
	__u64 args[6];
};

/* The raw layout of every syscalls:sys_exit_* tracepoint record. */
struct syscall_exit_ctx {
	__u16 common_type;
	__u8 common_flags;
	__u8 common_preempt_count;
	__s32 common_pid;
	__s64 id;
	__s64 ret;
};

/* The leading fields of the kernel's struct open_how (openat2's third argument). */
struct open_how_head {
	__u64 flags;
	__u64 mode;
};

/* Filters, set by user space before load; the verifier drops the code of unused ones. */
const volatile __u32 targ_pid = 0;           /* 0: any process (thread group id) */
const volatile __u32 targ_tid = 0;           /* 0: any thread */
const volatile __u32 targ_uid = (__u32)-1;   /* (u32)-1, an invalid uid: any user */
const volatile bool targ_failed = false;     /* true: only opens that returned an error */
/* Output path: false sends events through the ring buffer "events", true through the perf
 * event array "perf_events". The branch not taken is removed at load time. */
const volatile bool use_perf_buffer = false;

/* What the entry tracepoint saw, kept until the same thread leaves the system call. */
struct open_args {
	__u64 filename;    /* user-space pointer */
	__s32 dfd;
	__s32 flags;
	__u32 mode;
	__u32 unused;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);                /* thread id */
	__type(value, struct open_args);
} inflight SEC(".maps");

/* Default ring size; user space resizes it before load (--ring-size). The consumer maps the data
 * pages twice, all resident, so the ring costs twice its size in RSS (8 MiB of the tool's peak);
 * 1 MiB lost about 2% of two back-to-back threads' opens (OpensnoopIT), 4 MiB none
 * (docs/performance.md). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

/* Where an event is assembled before its used part is copied out: too big for the stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct opensnoop_event);
} scratch SEC(".maps");

/* Events that could not be reported, per CPU so that counting never contends. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OPENSNOOP_LOST_KINDS);
	__type(key, __u32);
	__type(value, __u64);
} lost_events SEC(".maps");

static __always_inline void count_lost(__u32 kind)
{
	__u64 *counter = bpf_map_lookup_elem(&lost_events, &kind);

	if (counter)
		*counter += 1;
}

static __always_inline int remember_open(__s32 dfd, __u64 filename, __s32 flags, __u32 mode)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	__u32 tid = (__u32)pid_tgid;
	struct open_args args = {};

	if (targ_pid && targ_pid != tgid)
		return 0;
	if (targ_tid && targ_tid != tid)
		return 0;
	if (targ_uid != (__u32)-1 && targ_uid != (__u32)bpf_get_current_uid_gid())
		return 0;

	args.filename = filename;
	args.dfd = dfd;
	args.flags = flags;
	args.mode = mode;
	if (bpf_map_update_elem(&inflight, &tid, &args, BPF_ANY))
		count_lost(OPENSNOOP_LOST_INFLIGHT);
	return 0;
}

static __always_inline int report_open(void *ctx, __s64 ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct opensnoop_event *event;
	struct open_args *args;
	__u32 zero = 0;
	long path_len;
	__u64 size;

	args = bpf_map_lookup_elem(&inflight, &tid);
	if (!args)
		return 0;    /* filtered out at entry, or the entry was missed */
	if (targ_failed && ret >= 0)
		goto done;
	event = bpf_map_lookup_elem(&scratch, &zero);
	if (!event)
		goto done;

	event->ts_ns = bpf_ktime_get_ns();
	event->pid = pid_tgid >> 32;
	event->tid = tid;
	event->uid = (__u32)bpf_get_current_uid_gid();
	event->ret = (__s32)ret;
	event->flags = args->flags;
	event->mode = args->mode;
	event->dfd = args->dfd;
	bpf_get_current_comm(event->comm, sizeof(event->comm));
	path_len = bpf_probe_read_user_str(event->path, sizeof(event->path),
					   (const void *)args->filename);
	if (path_len <= 0) {
		/* unreadable name (bad pointer, page not present): send an empty path */
		event->path[0] = '\0';
		path_len = 1;
	}
	if (path_len > OPENSNOOP_PATH_MAX)
		path_len = OPENSNOOP_PATH_MAX;
	event->path_len = path_len;
	/* Tell the verifier the copy stays inside the scratch value whatever clang did above. */
	size = (__u64)path_len & (2 * OPENSNOOP_PATH_MAX - 1);
	if (size > OPENSNOOP_PATH_MAX)
		size = OPENSNOOP_PATH_MAX;
	size += __builtin_offsetof(struct opensnoop_event, path);

	if (use_perf_buffer) {
		if (bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, event, size))
			count_lost(OPENSNOOP_LOST_OUTPUT);
	} else {
		if (bpf_ringbuf_output(&events, event, size, 0))
			count_lost(OPENSNOOP_LOST_OUTPUT);
	}
done:
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_open")
int sys_enter_open(struct syscall_enter_ctx *ctx)
{
	return remember_open(AT_FDCWD, ctx->args[0], (__s32)ctx->args[1], (__u32)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int sys_enter_openat(struct syscall_enter_ctx *ctx)
{
	return remember_open((__s32)ctx->args[0], ctx->args[1], (__s32)ctx->args[2],
			     (__u32)ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int sys_enter_openat2(struct syscall_enter_ctx *ctx)
{
	struct open_how_head how = {};

	/* flags and mode live in user memory behind the how pointer */
	bpf_probe_read_user(&how, sizeof(how), (const void *)ctx->args[2]);
	return remember_open((__s32)ctx->args[0], ctx->args[1], (__s32)how.flags, (__u32)how.mode);
}

SEC("tracepoint/syscalls/sys_exit_open")
int sys_exit_open(struct syscall_exit_ctx *ctx)
{
	return report_open(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int sys_exit_openat(struct syscall_exit_ctx *ctx)
{
	return report_open(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int sys_exit_openat2(struct syscall_exit_ctx *ctx)
{
	return report_open(ctx, ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
