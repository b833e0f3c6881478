#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("tracepoint/sys_enter_open")
int handler(void *ctx)
{
    return 0;
}
char LICENSE[] SEC("license") = "GPL";
