/*
 * Skeleton fixture: C names that are fine in C but clash in Java — keywords, java.lang and
 * imported class names, and the names the skeleton uses for its own fields, methods and locals.
 * SkeletonNamesTest also renames some BTF strings (zzzz... placeholders) to names that are not
 * identifiers at all.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct String {
	int class;
	int hashCode;
	int wrap;
	int zzz_placeholder_1;
	int zzz_placeholder_2;
	unsigned long long segment;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, int);
	__type(value, struct String);
} object SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, long long);
} bpf SEC(".maps"), typed SEC(".maps"), map SEC(".maps"), maps SEC(".maps"), key SEC(".maps"),
  value SEC(".maps"), name SEC(".maps"), zzz_placeholder_3 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} handler SEC(".maps"), ring_buffer SEC(".maps");

int new = 1;
long long this = 2;
int globalData = 3;
const volatile int segment = 4;
int zzz_placeholder_4 = 5;

SEC("tp/syscalls/sys_enter_getpid")
int load(void *ctx)
{
	int k = 0;
	struct String *s = bpf_map_lookup_elem(&object, &k);
	long long *v = bpf_map_lookup_elem(&bpf, &k);
	if (s && v)
		s->class = s->hashCode + s->wrap + s->zzz_placeholder_1 + s->zzz_placeholder_2 + (int)*v;
	bpf_map_lookup_elem(&typed, &k);
	bpf_map_lookup_elem(&map, &k);
	bpf_map_lookup_elem(&maps, &k);
	bpf_map_lookup_elem(&key, &k);
	bpf_map_lookup_elem(&value, &k);
	bpf_map_lookup_elem(&name, &k);
	bpf_map_lookup_elem(&zzz_placeholder_3, &k);
	bpf_ringbuf_output(&handler, &k, sizeof(k), 0);
	bpf_ringbuf_output(&ring_buffer, &k, sizeof(k), 0);
	new += this + globalData + segment + zzz_placeholder_4;
	return 0;
}

SEC("tp/syscalls/sys_enter_getppid")
int object_(void *ctx)
{
	return 0;
}
