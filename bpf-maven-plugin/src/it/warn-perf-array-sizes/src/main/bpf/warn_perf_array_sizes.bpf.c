#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); __uint(key_size, 8); __uint(value_size, 4); } events SEC(".maps");
SEC("tracepoint/syscalls/sys_enter_openat")
int handler(void *ctx)
{
    bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, ctx, 8);
    return 0;
}
char LICENSE[] SEC("license") = "GPL";
