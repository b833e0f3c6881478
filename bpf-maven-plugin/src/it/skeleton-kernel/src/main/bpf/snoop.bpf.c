/* An opensnoop-like program for the bpf:skeleton kernel test: read-only settings, live counters,
 * a ring buffer of events and a hash map with a struct value that the program copies. */
#include <stdbool.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct snoop_event {
	__u64 seq;
	__u32 pid;
	__s32 marker;
	char comm[16];
};

struct snoop_value {
	__u32 a;
	__s16 b;
	__u8 flags : 3;
	__u8 kind : 5;
	__u64 total;
	char tag[8];
};

/* Keeps struct snoop_event in the BTF: no map names it, and locals leave no BTF behind. */
struct snoop_event *unused_event __attribute__((unused));

const volatile __u32 targ_pid = 0;
const volatile bool enabled = false;
__u64 hits;
__u64 matched;
__s32 marker = -1;
/* Filled in by libbpf at load; the program copies it so the test can compare both sides. */
extern unsigned int LINUX_KERNEL_VERSION __kconfig;
__u32 seen_version;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct snoop_value);
} values SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int handle_openat(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct snoop_event *event;
	struct snoop_value *value;
	struct snoop_value copy;
	__u32 key = 1;
	__u32 copy_key = 2;

	__sync_fetch_and_add(&hits, 1);
	seen_version = LINUX_KERNEL_VERSION;
	if (!enabled || pid != targ_pid)
		return 0;
	__sync_fetch_and_add(&matched, 1);
	event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (event) {
		event->seq = matched;
		event->pid = pid;
		event->marker = marker;
		bpf_get_current_comm(event->comm, sizeof(event->comm));
		bpf_ringbuf_submit(event, 0);
	}
	value = bpf_map_lookup_elem(&values, &key);
	if (value) {
		copy = *value;
		copy.total += 1;
		copy.kind = 7;
		bpf_map_update_elem(&values, &copy_key, &copy, BPF_ANY);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
