#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_HASH); __type(key, __u32); __type(value, __u64); } seen SEC(".maps");
SEC("tracepoint/syscalls/sys_enter_openat")
int handler(void *ctx)
{
    __u32 key = 0;
    bpf_map_lookup_elem(&seen, &key);
    return 0;
}
char LICENSE[] SEC("license") = "GPL";
