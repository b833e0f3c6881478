#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("tracepoint/syscalls/sys_enter_openat")
int handler(void *ctx)
{
    bpf_printk("openat");
    return 0;
}
char LICENSE[] SEC("license") = "GPL";
