#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("fentry")
int handler(void *ctx)
{
    return 0;
}
char LICENSE[] SEC("license") = "GPL";
