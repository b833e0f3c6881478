#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } spare SEC(".maps");
/* "syscall" is one letter from "syscalls", but here it stands for a vendor kernel's own category. */
SEC("tracepoint/syscall/vendor_event")
int handler(void *ctx)
{
    return 0;
}
char LICENSE[] SEC("license") = "GPL";
