#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("xdp")
int broken(void *ctx)
{
    return undeclared_thing;
}
char LICENSE[] SEC("license") = "GPL";
