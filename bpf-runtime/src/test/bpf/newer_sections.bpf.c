/* Sections libbpf 1.3 introduced: libbpf 1.1 opens this object but cannot give these programs a
 * type. The counter next to them uses a section every libbpf 1.x knows. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 calls;

SEC("tcx/ingress")
int tcx_ingress(struct __sk_buff *skb)
{
	return 0;
}

SEC("?uprobe.multi/proc/self/exe:main")
int multi_probe(void *ctx)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	__sync_fetch_and_add(&calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
