#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("tcx/ingress")
int ingress(struct __sk_buff *skb)
{
    return 0;
}
char LICENSE[] SEC("license") = "GPL";
