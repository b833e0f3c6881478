#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("tracepoint/syscalls/sys_enter_openat")
int handler(void *ctx)
{
    char buf[16];
    bpf_probe_read_kernel(buf, sizeof(buf), ctx);
    return 0;
}
char LICENSE[] SEC("license") = "Proprietary";
