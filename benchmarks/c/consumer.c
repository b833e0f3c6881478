/*
 * C reference event consumer of the bpfj benchmarks: loads the opensnoop object with system
 * libbpf, counts the events the load generator causes, through ring_buffer__poll or
 * perf_buffer__poll. Mirrors benchmarks/java/.../EventConsumer.java line for line in what it does
 * per event (read the pid, count).
 *
 *   consumer ring|perf OBJECT PID      prints "ready" once attached; stops at a line or EOF on
 *                                      stdin, drains, prints "events=.. lost_output=.. lost_perf=.. lost_inflight=.."
 *   consumer perf OBJECT PID N         the same, with the perf events created with wakeup_events = N
 *                                      (perf_buffer__new_raw): the policy of Java's wakeupEvents(N)
 *   consumer offsets OBJECT            prints "targ_pid=<off> use_perf_buffer=<off>" (for the Java side)
 */
#include <linux/perf_event.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include "snoopobj.h"

#define PERF_PAGES 64
/* struct opensnoop_event: pid follows the 8-byte timestamp */
#define EVENT_PID_OFFSET 8

static atomic_int stop;
static unsigned long long events, lost_perf, matching;
static unsigned int target;

static void *watch_stdin(void *unused)
{
	char buf[64];

	(void)unused;
	while (read(0, buf, sizeof(buf)) > 0 && !memchr(buf, '\n', sizeof(buf)))
		;
	atomic_store(&stop, 1);
	return NULL;
}

static void count(const void *data)
{
	unsigned int pid;

	memcpy(&pid, (const char *)data + EVENT_PID_OFFSET, sizeof(pid));
	events++;
	matching += pid == target;
}

static int on_record(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)size;
	count(data);
	return 0;
}

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	(void)ctx;
	(void)cpu;
	(void)size;
	count(data);
}

static void on_lost(void *ctx, int cpu, __u64 n)
{
	(void)ctx;
	(void)cpu;
	lost_perf += n;
}

/* What perf_buffer__new_raw hands over: the perf record itself (sample or lost). */
static enum bpf_perf_event_ret on_raw(void *ctx, int cpu, struct perf_event_header *header)
{
	(void)ctx;
	(void)cpu;
	if (header->type == PERF_RECORD_SAMPLE) {
		/* header, then the u32 size of the raw data, then the data */
		count((const char *)header + sizeof(*header) + sizeof(__u32));
	} else if (header->type == PERF_RECORD_LOST) {
		__u64 n;

		/* header, u64 id, u64 lost */
		memcpy(&n, (const char *)header + sizeof(*header) + sizeof(__u64), sizeof(n));
		lost_perf += n;
	}
	return LIBBPF_PERF_EVENT_CONT;
}

/* The perf events libbpf's perf_buffer__new creates, but woken once per `wakeup` samples. */
static struct perf_buffer *perf_buffer_with_wakeup(int map_fd, unsigned int wakeup)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.sample_period = 1,
		.wakeup_events = wakeup,
	};

	return perf_buffer__new_raw(map_fd, PERF_PAGES, &attr, on_raw, NULL, NULL);
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct perf_buffer *pb = NULL;
	struct bpf_object *obj;
	pthread_t watcher;
	bool perf;

	if (argc == 3 && !strcmp(argv[1], "offsets")) {
		LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "opensnoop");
		struct bpf_object *o;

		libbpf_set_print(quiet_libbpf);
		o = bpf_object__open_file(argv[2], &opts);
		if (!o) {
			fprintf(stderr, "cannot open %s\n", argv[2]);
			return 1;
		}
		printf("targ_pid=%ld use_perf_buffer=%ld\n", rodata_offset(o, "targ_pid"), rodata_offset(o, "use_perf_buffer"));
		bpf_object__close(o);
		return 0;
	}
	if ((argc != 4 && !(argc == 5 && !strcmp(argv[1], "perf"))) || (strcmp(argv[1], "ring") && strcmp(argv[1], "perf"))) {
		fprintf(stderr, "usage: consumer ring|perf OBJECT PID | consumer perf OBJECT PID WAKEUP | consumer offsets OBJECT\n");
		return 2;
	}
	perf = !strcmp(argv[1], "perf");
	target = (unsigned int)strtoul(argv[3], NULL, 10);
	obj = open_load_attach(argv[2], target, perf);
	if (perf && argc == 5)
		pb = perf_buffer_with_wakeup(bpf_map__fd(find_map(obj, "perf_events")), (unsigned int)strtoul(argv[4], NULL, 10));
	else if (perf)
		pb = perf_buffer__new(bpf_map__fd(find_map(obj, "perf_events")), PERF_PAGES, on_sample, on_lost, NULL, NULL);
	else
		rb = ring_buffer__new(bpf_map__fd(find_map(obj, "events")), on_record, NULL, NULL);
	if (!pb && !rb) {
		fprintf(stderr, "cannot create the %s buffer: %s\n", argv[1], strerror(errno));
		return 1;
	}
	pthread_create(&watcher, NULL, watch_stdin, NULL);
	printf("ready\n");
	fflush(stdout);
	while (!atomic_load(&stop)) {
		int n = perf ? perf_buffer__poll(pb, 100) : ring_buffer__poll(rb, 100);

		if (n < 0 && n != -EINTR) {
			fprintf(stderr, "poll failed: %d\n", n);
			return 1;
		}
	}
	if (perf)
		perf_buffer__consume(pb);
	else
		ring_buffer__consume(rb);
	printf("events=%llu lost_output=%llu lost_perf=%llu lost_inflight=%llu matching=%llu\n", events,
	       lost_sum(obj, LOST_OUTPUT), lost_perf, lost_sum(obj, LOST_INFLIGHT), matching);
	fflush(stdout);
	perf_buffer__free(pb);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return 0;
}
