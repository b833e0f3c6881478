/* A flow dissector for the attach tests: it leaves every packet to the kernel's own dissector. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("flow_dissector")
int dissect(struct __sk_buff *skb)
{
	return BPF_OK;
}
