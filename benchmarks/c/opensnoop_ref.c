/*
 * C reference for the bpfj benchmarks' whole-tool comparison: the same opensnoop BPF object,
 * loaded with system libbpf, printing the same default lines as the Java opensnoop
 * ("PID COMM FD ERR PATH", widths %-6d %-16s %3d %3d) with the same output policy (a 64 KiB
 * buffer flushed at least every 100 ms) and the same exit behaviour (SIGINT/SIGTERM: drain,
 * flush, print "opensnoop: lost N events in total" on stderr when events were lost).
 *
 *   opensnoop_ref OBJECT [-p PID] [--perf-buffer]
 *
 * The header is printed once the programs are attached, as the Java tool does.
 */
#include <signal.h>
#include <time.h>
#include "snoopobj.h"

#define COMM_LEN 16
#define PERF_PAGES 512

/* struct opensnoop_event from examples/opensnoop/src/main/bpf/opensnoop.h */
struct event {
	__u64 ts_ns;
	__u32 pid, tid, uid;
	__s32 ret, flags;
	__u32 mode;
	char comm[COMM_LEN];
	__u32 path_len;
	__s32 dfd;
	char path[];
};

static volatile sig_atomic_t stop;
static unsigned long long lost_perf;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_event(const void *data, size_t size)
{
	const struct event *e = data;
	int fd = e->ret >= 0 ? e->ret : -1, err = e->ret >= 0 ? 0 : -e->ret;
	size_t max = size > sizeof(*e) ? size - sizeof(*e) : 0;

	printf("%-6d %-16.*s %3d %3d %.*s\n", e->pid, COMM_LEN, e->comm, fd, err, (int)strnlen(e->path, max), e->path);
}

static int on_record(void *ctx, void *data, size_t size)
{
	(void)ctx;
	print_event(data, size);
	return 0;
}

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	(void)ctx;
	(void)cpu;
	print_event(data, size);
}

static void on_lost(void *ctx, int cpu, __u64 n)
{
	(void)ctx;
	(void)cpu;
	lost_perf += n;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	static char out[1 << 16];
	struct ring_buffer *rb = NULL;
	struct perf_buffer *pb = NULL;
	unsigned long long lost_output, lost_inflight, lost;
	unsigned int pid = 0;
	struct bpf_object *obj;
	bool perf = false;
	double last_flush;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: opensnoop_ref OBJECT [-p PID] [--perf-buffer]\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-p") && i + 1 < argc)
			pid = (unsigned int)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--perf-buffer"))
			perf = true;
		else {
			fprintf(stderr, "opensnoop_ref: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	setvbuf(stdout, out, _IOFBF, sizeof(out));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	obj = open_load_attach(argv[1], pid, perf);
	if (perf)
		pb = perf_buffer__new(bpf_map__fd(find_map(obj, "perf_events")), PERF_PAGES, on_sample, on_lost, NULL, NULL);
	else
		rb = ring_buffer__new(bpf_map__fd(find_map(obj, "events")), on_record, NULL, NULL);
	if (!pb && !rb) {
		fprintf(stderr, "opensnoop_ref: cannot create the buffer: %s\n", strerror(errno));
		return 1;
	}
	printf("%-6s %-16s %3s %3s %s\n", "PID", "COMM", "FD", "ERR", "PATH");
	fflush(stdout);
	last_flush = now_ms();
	while (!stop) {
		int n = perf ? perf_buffer__poll(pb, 100) : ring_buffer__poll(rb, 100);

		if (n < 0 && n != -EINTR) {
			fprintf(stderr, "opensnoop_ref: poll failed: %d\n", n);
			break;
		}
		if (now_ms() - last_flush >= 100) {
			fflush(stdout);
			last_flush = now_ms();
		}
	}
	if (perf)
		perf_buffer__consume(pb);
	else
		ring_buffer__consume(rb);
	fflush(stdout);
	lost_output = lost_sum(obj, LOST_OUTPUT);
	lost_inflight = lost_sum(obj, LOST_INFLIGHT);
	/* a full perf buffer is seen by both sides: count those events once */
	lost = (lost_output > lost_perf ? lost_output : lost_perf) + lost_inflight;
	if (lost)
		fprintf(stderr, "opensnoop: lost %llu events in total\n", lost);
	perf_buffer__free(pb);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return 0;
}
