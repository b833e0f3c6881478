#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct legacy_def { unsigned int type, key_size, value_size, max_entries, map_flags; };
struct legacy_def counts SEC("maps") = { BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0 };
SEC("tracepoint/syscalls/sys_enter_openat")
int handler(void *ctx)
{
    bpf_printk("openat");
    return 0;
}
char LICENSE[] SEC("license") = "GPL";
