// SPDX-License-Identifier: GPL-2.0
/* The "main" half of a program split over two files (see link_lib.bpf.c). */
#include "link_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct link_event);
} results SEC(".maps");

extern TALLIES_MAP tallies SEC(".maps");

int main_runs;                     /* .bss, also updated from link_lib.bpf.c */
extern int lib_base;               /* .data of link_lib.bpf.c */
const volatile int main_step = 3;  /* .rodata */
__weak int threshold = 5;          /* loses to the strong one in link_lib.bpf.c */
static int private_count;          /* link_lib.bpf.c has its own of the same name */
unsigned int main_kernel;          /* LINUX_KERNEL_VERSION as this file saw it */

static __noinline int adjust(int value)
{
	return value + 1;
}

/* The default; link_lib.bpf.c's strong definition replaces it. */
__weak int lib_mode(void)
{
	return 1;
}

SEC("xdp")
int main_prog(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 one = 1;
	struct link_event *event = bpf_map_lookup_elem(&results, &key);
	__u64 *tally;

	private_count++;
	main_runs++;
	main_kernel = LINUX_KERNEL_VERSION;
	if (event) {
		event->seen = private_count;
		event->origin = lib_mode();
		event->total = lib_scale(adjust(lib_base)) + main_step + threshold;
	}
	tally = bpf_map_lookup_elem(&tallies, &key);
	if (tally)
		__sync_fetch_and_add(tally, 1);
	else
		bpf_map_update_elem(&tallies, &key, &one, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
