/* Counts perf event samples that interrupt the test process: a cpu-clock sampler attached on every CPU. */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 targ_tgid = 0;
__u64 samples = 0;
__u64 all_samples = 0;

SEC("perf_event")
int count_samples(void *ctx)
{
	__sync_fetch_and_add(&all_samples, 1);
	if (targ_tgid != 0 && (bpf_get_current_pid_tgid() >> 32) == targ_tgid)
		__sync_fetch_and_add(&samples, 1);
	return 0;
}
