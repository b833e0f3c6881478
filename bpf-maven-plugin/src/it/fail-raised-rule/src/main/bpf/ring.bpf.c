#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 5000); } events SEC(".maps");
SEC("tracepoint/syscalls/sys_enter_openat")
int handler(void *ctx)
{
    bpf_ringbuf_output(&events, ctx, 8, 0);
    return 0;
}
char LICENSE[] SEC("license") = "GPL";
