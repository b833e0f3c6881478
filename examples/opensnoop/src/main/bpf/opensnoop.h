/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the opensnoop BPF programs send to user space. Shared by opensnoop.bpf.c and, through
 * the object's BTF, by the generated Java skeleton (OpensnoopBpf.OpensnoopEvent).
 */
#ifndef OPENSNOOP_H
#define OPENSNOOP_H

#define OPENSNOOP_COMM_LEN 16
/* PATH_MAX: the longest name open() accepts, terminating NUL included. */
#define OPENSNOOP_PATH_MAX 4096

/* Indexes into the per-CPU lost_events counters. */
enum opensnoop_lost {
	/* The ring or perf buffer had no room for an event. */
	OPENSNOOP_LOST_OUTPUT = 0,
	/* The table of in-flight opens was full at syscall entry, so the exit went unreported. */
	OPENSNOOP_LOST_INFLIGHT = 1,
	OPENSNOOP_LOST_KINDS = 2,
};

/*
 * One open() that returned. Only the header and path_len bytes of path are sent, so a typical
 * event is about a hundred bytes rather than the whole PATH_MAX buffer.
 */
struct opensnoop_event {
	__u64 ts_ns;       /* bpf_ktime_get_ns() at syscall exit */
	__u32 pid;         /* thread group id (what ps calls the pid) */
	__u32 tid;         /* thread id */
	__u32 uid;
	__s32 ret;         /* the file descriptor, or -errno */
	__s32 flags;       /* open flags (O_*) */
	__u32 mode;        /* mode argument, meaningful with O_CREAT or O_TMPFILE */
	char comm[OPENSNOOP_COMM_LEN];
	__u32 path_len;    /* bytes of path sent, terminating NUL included */
	__s32 dfd;         /* directory a relative path starts from (AT_FDCWD: the cwd) */
	char path[OPENSNOOP_PATH_MAX];
};

#endif /* OPENSNOOP_H */
