#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct event { int pid; char comm[16]; };
struct { __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); __uint(key_size, 8); __uint(value_size, 4); } events SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); __type(value, struct event); } ring SEC(".maps");
SEC("tracepoint/syscalls/sys_enter_openat")
int handler(void *ctx)
{
    struct event e = { .pid = bpf_get_current_pid_tgid() >> 32 };

    bpf_get_current_comm(e.comm, sizeof(e.comm));
    bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e));
    bpf_ringbuf_output(&ring, &e, sizeof(e), 0);
    return 0;
}
char LICENSE[] SEC("license") = "GPL";
