/* Shared by the linker fixtures: link_main.bpf.c and link_lib.bpf.c are linked into one object. */
#ifndef LINK_COMMON_H
#define LINK_COMMON_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* In both files' BTF: the linked object must carry it once. */
struct link_event {
	__u32 seen;
	__u32 origin;
	__u64 total;
};

/* Defined in link_lib.bpf.c, declared extern in link_main.bpf.c. */
#define TALLIES_MAP struct { \
	__uint(type, BPF_MAP_TYPE_HASH); \
	__uint(max_entries, 8); \
	__type(key, __u32); \
	__type(value, __u64); \
}

/* Filled in by the loader; both files read it. */
extern unsigned int LINUX_KERNEL_VERSION __kconfig;

int lib_scale(int value);
int lib_mode(void);

#endif
