/*
 * C map-operation benchmark of bpfj, the counterpart of benchmarks/java/.../MapBench.java: the
 * same operations through libbpf's bpf_map_* calls on the same kinds of maps, timed the same way
 * (warm-up samples, then the median of 5 samples), printed as "c <op> <ns per op>".
 * Iteration is timed twice: with bpf_map_lookup_batch (what the Java forEach uses on kernels
 * that have it) as "iterate", and with get_next_key + lookup as "iterate_next_key".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>

#define ENTRIES 10000
#define CAPACITY 10240
#define OPS 20000
#define ITERATIONS 3
#define SAMPLES 5
#define WARMUP_SAMPLES 3
#define BATCH 256

struct value16 {
	long long a, b;
};

static int map16, map8;
static volatile long long sink;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void print(const char *op, double *samples)
{
	qsort(samples, SAMPLES, sizeof(double), by_value);
	printf("c %s %.1f\n", op, samples[SAMPLES / 2]);
}

static long long lookup16(void)
{
	struct value16 v;
	long long found = 0;
	__u32 k;
	int i;

	for (i = 0; i < OPS; i++) {
		k = i % ENTRIES;
		if (bpf_map_lookup_elem(map16, &k, &v) == 0)
			found += v.b;
	}
	return found;
}

static long long lookup8(void)
{
	long long found = 0;
	__u64 v;
	__u32 k;
	int i;

	for (i = 0; i < OPS; i++) {
		k = i % ENTRIES;
		if (bpf_map_lookup_elem(map8, &k, &v) == 0)
			found += v;
	}
	return found;
}

static long long update16(void)
{
	struct value16 v = {0, 0};
	__u32 k;
	int i;

	for (i = 0; i < OPS; i++) {
		k = i % ENTRIES;
		v.a = i;
		bpf_map_update_elem(map16, &k, &v, BPF_ANY);
	}
	return OPS;
}

static long long update8(void)
{
	__u64 v;
	__u32 k;
	int i;

	for (i = 0; i < OPS; i++) {
		k = i % ENTRIES;
		v = i;
		bpf_map_update_elem(map8, &k, &v, BPF_ANY);
	}
	return OPS;
}

static long long iterate_batch(void)
{
	static __u32 keys[BATCH];
	static struct value16 values[BATCH];
	long long total = 0;
	int r;

	for (r = 0; r < ITERATIONS; r++) {
		__u32 in = 0, out = 0;
		void *in_batch = NULL;

		for (;;) {
			__u32 count = BATCH, i;
			int err = bpf_map_lookup_batch(map16, in_batch, &out, keys, values, &count, NULL);

			if (err && errno != ENOENT) {
				perror("bpf_map_lookup_batch");
				exit(1);
			}
			for (i = 0; i < count; i++)
				total += keys[i] + values[i].b;
			if (err)
				break;
			in = out;
			in_batch = &in;
		}
	}
	return total;
}

static long long iterate_next_key(void)
{
	struct value16 v;
	long long total = 0;
	__u32 key, next;
	int r;

	for (r = 0; r < ITERATIONS; r++) {
		void *prev = NULL;

		while (bpf_map_get_next_key(map16, prev, &next) == 0) {
			if (bpf_map_lookup_elem(map16, &next, &v) == 0)
				total += next + v.b;
			key = next;
			prev = &key;
		}
	}
	return total;
}

static void refill(int map, int value_size)
{
	struct value16 v = {1, 2};
	__u32 k;

	(void)value_size;
	for (k = 0; k < ENTRIES; k++)
		bpf_map_update_elem(map, &k, &v, BPF_ANY);
}

static void timed(const char *op, long long (*body)(void), int ops_per_sample)
{
	double samples[SAMPLES];
	int i;

	for (i = 0; i < WARMUP_SAMPLES; i++)
		sink += body();
	for (i = 0; i < SAMPLES; i++) {
		double start = now_ns();

		sink += body();
		samples[i] = (now_ns() - start) / ops_per_sample;
	}
	print(op, samples);
}

static void timed_deletes(const char *op, int map, int value_size)
{
	double samples[SAMPLES];
	int i;

	for (i = -WARMUP_SAMPLES; i < SAMPLES; i++) {
		double start;
		int deleted = 0;
		__u32 k;

		refill(map, value_size);
		start = now_ns();
		for (k = 0; k < ENTRIES; k++)
			deleted += bpf_map_delete_elem(map, &k) == 0;
		if (deleted != ENTRIES) {
			fprintf(stderr, "%s deleted %d of %d\n", op, deleted, ENTRIES);
			exit(1);
		}
		if (i >= 0)
			samples[i] = (now_ns() - start) / ENTRIES;
	}
	refill(map, value_size);
	print(op, samples);
}

int main(void)
{
	map16 = bpf_map_create(BPF_MAP_TYPE_HASH, "bpfj_bench16", 4, 16, CAPACITY, NULL);
	map8 = bpf_map_create(BPF_MAP_TYPE_HASH, "bpfj_bench8", 4, 8, CAPACITY, NULL);
	if (map16 < 0 || map8 < 0) {
		fprintf(stderr, "bpf_map_create: %s\n", strerror(-(map16 < 0 ? map16 : map8)));
		return 1;
	}
	refill(map16, 16);
	refill(map8, 8);
	timed("lookup", lookup16, OPS);
	timed("lookup_u64", lookup8, OPS);
	timed("update", update16, OPS);
	timed("update_u64", update8, OPS);
	timed_deletes("delete", map16, 16);
	timed_deletes("delete_u64", map8, 8);
	timed("iterate", iterate_batch, ITERATIONS);
	timed("iterate_next_key", iterate_next_key, ITERATIONS);
	return 0;
}
