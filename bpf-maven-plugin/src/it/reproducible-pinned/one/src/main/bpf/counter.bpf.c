/* No system header on purpose: the object depends only on this file and the pinned clang, so its
 * checksum is the same on every machine. */
#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

typedef unsigned int u32;
typedef unsigned long long u64;

struct {
    __uint(type, 2); /* BPF_MAP_TYPE_ARRAY */
    __uint(max_entries, 1);
    __type(key, u32);
    __type(value, u64);
} counts SEC(".maps");

static void *(*lookup)(void *map, const void *key) = (void *)1; /* bpf_map_lookup_elem */

SEC("tracepoint/syscalls/sys_enter_openat")
int count_openat(void *ctx)
{
    u32 zero = 0;
    u64 *value = lookup(&counts, &zero);
    if (value)
        __sync_fetch_and_add(value, 1);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
