// Shapes real-world BPF programs use that the first fixtures did not: a 64-bit map attribute
// written the way newer libbpf headers write __ulong() (an anonymous enum), struct members named
// like the skeleton's own helper methods, a __kconfig extern, and newer libbpf section names.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

// libbpf 1.1's bpf_helpers.h has no __ulong; newer ones define it like this.
#define corpus_concat(a, b) a##b
#define corpus_enum_name(n) corpus_concat(corpus_unique_value, n)
#define corpus_ulong(name, val) enum { corpus_enum_name(__COUNTER__) = val } name

struct file_stat {
    __u64 read_bytes;
    __u64 write_bytes;
    char write_string[8];
    char read_string[8];
    __u32 get_bits;
};

struct {
    __uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
    __uint(max_entries, 64);
    __type(value, __u32);
    corpus_ulong(map_extra, 3);
} seen SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16);
    __type(key, __u32);
    __type(value, struct file_stat);
} stats SEC(".maps");

extern unsigned int LINUX_KERNEL_VERSION __kconfig;

__u64 write_bytes = 0;

SEC("tp.s/syscalls/sys_enter_openat")
int on_open(void *ctx)
{
    __u32 key = LINUX_KERNEL_VERSION;
    struct file_stat *stat = bpf_map_lookup_elem(&stats, &key);
    if (stat) {
        stat->write_bytes++;
        write_bytes += stat->read_bytes;
    }
    bpf_map_push_elem(&seen, &key, 0);
    return 0;
}

SEC("fsession/vfs_read")
int on_read(void *ctx)
{
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
