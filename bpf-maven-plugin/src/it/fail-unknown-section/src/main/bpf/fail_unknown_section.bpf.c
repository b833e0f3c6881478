#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("tracepont/syscalls/sys_enter_openat")
int handler(void *ctx)
{
    return 0;
}
char LICENSE[] SEC("license") = "GPL";
