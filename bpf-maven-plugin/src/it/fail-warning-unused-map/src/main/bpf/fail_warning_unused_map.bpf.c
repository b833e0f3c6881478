#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } unused SEC(".maps");
SEC("tracepoint/syscalls/sys_enter_openat")
int handler(void *ctx)
{
    bpf_printk("openat");
    return 0;
}
char LICENSE[] SEC("license") = "GPL";
