// SPDX-License-Identifier: GPL-2.0
/* The "library" half of a program split over two files (see link_main.bpf.c). */
#include "link_common.h"

TALLIES_MAP tallies SEC(".maps");

int lib_base = 40;                 /* .data */
int threshold = 7;                 /* wins over link_main.bpf.c's __weak one */
extern int main_runs;              /* .bss of link_main.bpf.c */
static int private_count;          /* not link_main.bpf.c's */
struct link_event lib_last;        /* keeps struct link_event in this file's BTF too */
unsigned int lib_kernel;           /* LINUX_KERNEL_VERSION as this file saw it */

static __noinline int adjust(int value)
{
	return value + 100;
}

__noinline int lib_scale(int value)
{
	return adjust(value) * 2;
}

int lib_mode(void)
{
	return 2;
}

SEC("xdp")
int lib_prog(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u64 value;

	private_count += 10;
	lib_kernel = LINUX_KERNEL_VERSION;
	main_runs += 100;
	value = lib_scale(1) + private_count;
	bpf_map_update_elem(&tallies, &key, &value, BPF_ANY);
	lib_last.seen = private_count;
	lib_last.origin = lib_mode();
	lib_last.total = value;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
