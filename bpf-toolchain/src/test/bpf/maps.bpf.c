/* Fixture for BTF-defined maps: every attribute libbpf understands, maps of maps with a
 * statically initialised slot, and a program array. Tests assert the MapSpecs against this. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
    int pid;
    char comm[16];
    unsigned long long ts;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, int);
    __type(value, struct event);
    __uint(map_flags, BPF_F_NO_PREALLOC);
} events_by_pid SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __uint(key_size, sizeof(unsigned int));
    __uint(value_size, 24);
    __uint(pinning, LIBBPF_PIN_BY_NAME);
} sized_array SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 256 * 1024);
} ring SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __uint(key_size, sizeof(int));
    __uint(value_size, sizeof(int));
} perf SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, unsigned int);
    __type(value, unsigned long long);
    __uint(numa_node, 0);
} percpu SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
    __uint(max_entries, 100);
    __type(value, unsigned int);
    __uint(map_extra, 3);
} bloom SEC(".maps");

struct inner_map {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 8);
    __type(key, unsigned int);
    __type(value, long);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    __uint(max_entries, 4);
    __type(key, unsigned int);
    __array(values, struct inner_map);
} outer SEC(".maps") = {
    .values = { [1] = &inner_a, [3] = &inner_b },
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
    __uint(max_entries, 2);
    __type(key, int);
    __array(values, struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 16);
        __type(key, int);
        __type(value, int);
    });
} outer_hash SEC(".maps");

int tail_target(void *ctx);

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 2);
    __type(key, unsigned int);
    __array(values, int (void *));
} jumps SEC(".maps") = {
    .values = { [0] = (void *)&tail_target },
};

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/syscalls/sys_enter_openat")
int tail_target(void *ctx)
{
    return 0;
}

SEC("tracepoint/syscalls/sys_enter_close")
int use_maps(void *ctx)
{
    int pid = bpf_get_current_pid_tgid() >> 32;
    unsigned int zero = 0;
    struct event *e = bpf_map_lookup_elem(&events_by_pid, &pid);
    if (e) {
        bpf_ringbuf_output(&ring, e, sizeof(*e), 0);
        bpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, e, sizeof(*e));
    }
    void *inner = bpf_map_lookup_elem(&outer, &zero);
    if (inner)
        bpf_map_lookup_elem(inner, &zero);
    bpf_map_lookup_elem(&percpu, &zero);
    bpf_map_lookup_elem(&sized_array, &zero);
    bpf_map_lookup_elem(&outer_hash, &pid);
    bpf_map_peek_elem(&bloom, &zero);
    bpf_tail_call(ctx, &jumps, 0);
    return 0;
}
