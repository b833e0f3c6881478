#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "common.h"

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int handle_openat(void *ctx)
{
    __u32 marker = MARKER;
    bpf_ringbuf_output(&events, &marker, sizeof(marker), 0);
    return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
