/* Shared by the two halves of the tracer, which bpf:compile links into tracer.bpf.o. */
#ifndef TRACER_H
#define TRACER_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct tracer_event {
	__u64 seq;
	__u32 pid;
	__u32 origin;
};

/* counts is defined in tracer_main.c and used from tracer_close.c through an extern. */
#define TRACER_COUNTS_MAP struct { \
	__uint(type, BPF_MAP_TYPE_ARRAY); \
	__uint(max_entries, 4); \
	__type(key, __u32); \
	__type(value, __u64); \
}

int tracer_weight(void);
int tracer_slot(__u32 pid);

#endif
