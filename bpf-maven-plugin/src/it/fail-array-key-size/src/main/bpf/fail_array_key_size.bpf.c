#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u64); __type(value, __u64); } counts SEC(".maps");
SEC("tracepoint/syscalls/sys_enter_openat")
int handler(void *ctx)
{
    __u64 key = 0;
    bpf_map_lookup_elem(&counts, &key);
    return 0;
}
char LICENSE[] SEC("license") = "GPL";
