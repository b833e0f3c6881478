/* A program whose map the application sizes: max_entries 0 in C, maxEntries(n) before load.
 * The ring buffer's 1000 bytes are rounded up by libbpf to a power-of-two page multiple. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
} opens_by_tgid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1000);
} events SEC(".maps");

const volatile __u32 targ_tgid = 0;

SEC("tracepoint/syscalls/sys_enter_openat")
int count_openat(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (tgid != targ_tgid)
		return 0;
	__u64 one = 1;
	__u64 *count = bpf_map_lookup_elem(&opens_by_tgid, &tgid);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&opens_by_tgid, &tgid, &one, BPF_NOEXIST);
	__u32 *slot = bpf_ringbuf_reserve(&events, sizeof(__u32), 0);
	if (slot) {
		*slot = tgid;
		bpf_ringbuf_submit(slot, 0);
	}
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
