/*
 * What the C reference programs of the bpfj benchmarks share: opening the opensnoop BPF object
 * with system libbpf and setting its .rodata filters by name (found in the object's BTF, so no
 * offsets are assumed), exactly as the Java side configures the same object.
 */
#ifndef BPFJ_BENCH_SNOOPOBJ_H
#define BPFJ_BENCH_SNOOPOBJ_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

/* Index 0 and 1 of the per-CPU lost_events array (enum opensnoop_lost). */
#define LOST_OUTPUT 0
#define LOST_INFLIGHT 1

static int quiet_libbpf(enum libbpf_print_level level, const char *format, va_list args)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, format, args);
	return 0;
}

/* Byte offset of global `name` in the object's .rodata, from the DATASEC in its BTF; -1 if absent. */
static long rodata_offset(struct bpf_object *obj, const char *name)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *var;
	const struct btf_type *sec;
	int id, i;

	if (!btf)
		return -1;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id < 0)
		return -1;
	sec = btf__type_by_id(btf, id);
	var = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, var++) {
		const struct btf_type *t = btf__type_by_id(btf, var->type);

		if (!strcmp(btf__name_by_offset(btf, t->name_off), name))
			return var->offset;
	}
	return -1;
}

static struct bpf_map *find_map(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	if (!map) {
		fprintf(stderr, "object has no map %s\n", name);
		exit(1);
	}
	return map;
}

static bool tracepoint_exists(const char *event)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/syscalls/%s", event);
	if (access(path, F_OK) == 0)
		return true;
	snprintf(path, sizeof(path), "/sys/kernel/debug/tracing/events/syscalls/%s", event);
	return access(path, F_OK) == 0;
}

/* Opens the object, sets targ_pid and use_perf_buffer, loads only the syscalls this kernel has, loads and attaches. */
static struct bpf_object *open_load_attach(const char *path, unsigned int pid, bool perf)
{
	static const char *syscalls[] = {"open", "openat", "openat2"};
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "opensnoop");
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *rodata;
	long pid_off, perf_off;
	size_t size;
	char *image;
	unsigned int i;

	libbpf_set_print(quiet_libbpf);
	obj = bpf_object__open_file(path, &opts);
	if (!obj) {
		fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
		exit(1);
	}
	rodata = NULL;
	bpf_object__for_each_map(rodata, obj) {
		const char *name = bpf_map__name(rodata);
		size_t len = strlen(name);

		if (len >= 7 && !strcmp(name + len - 7, ".rodata"))
			break;
	}
	pid_off = rodata_offset(obj, "targ_pid");
	perf_off = rodata_offset(obj, "use_perf_buffer");
	if (!rodata || pid_off < 0 || perf_off < 0) {
		fprintf(stderr, "%s: no .rodata with targ_pid and use_perf_buffer\n", path);
		exit(1);
	}
	/* before load the image is libbpf's writable copy; 1.1 declares it const */
	image = (char *)bpf_map__initial_value(rodata, &size);
	memcpy(image + pid_off, &pid, sizeof(pid));
	image[perf_off] = perf;
	for (i = 0; i < sizeof(syscalls) / sizeof(syscalls[0]); i++) {
		char enter[64], exit_[64];
		bool present;

		snprintf(enter, sizeof(enter), "sys_enter_%s", syscalls[i]);
		snprintf(exit_, sizeof(exit_), "sys_exit_%s", syscalls[i]);
		present = tracepoint_exists(enter) && tracepoint_exists(exit_);
		bpf_program__set_autoload(bpf_object__find_program_by_name(obj, enter), present);
		bpf_program__set_autoload(bpf_object__find_program_by_name(obj, exit_), present);
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "cannot load %s: %s\n", path, strerror(errno));
		exit(1);
	}
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__autoload(prog) && !bpf_program__attach(prog)) {
			fprintf(stderr, "cannot attach %s: %s\n", bpf_program__name(prog), strerror(errno));
			exit(1);
		}
	}
	return obj;
}

/* Sum over CPUs of lost_events[index]. */
static unsigned long long lost_sum(struct bpf_object *obj, __u32 index)
{
	int cpus = libbpf_num_possible_cpus(), i;
	unsigned long long sum = 0;
	__u64 *values = calloc(cpus, sizeof(__u64));

	if (bpf_map_lookup_elem(bpf_map__fd(find_map(obj, "lost_events")), &index, values) == 0)
		for (i = 0; i < cpus; i++)
			sum += values[i];
	free(values);
	return sum;
}

#endif
