/* A stack map sized by the application, as bcc's libbpf-based tools size theirs: bpf:verify
 * gives it max_entries and a value size (127 frames of 8 bytes) from the configuration. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
} stackmap SEC(".maps");

SEC("perf_event")
int sample_stack(void *ctx)
{
	return bpf_get_stackid(ctx, &stackmap, 0) < 0;
}
