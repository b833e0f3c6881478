/*
 * bpfj benchmark load generator: N threads call openat() and close() back to back on one path
 * for D seconds and count the pairs they completed.
 *
 *   loadgen -t THREADS -d SECONDS [-p PATH] [--pin] [--wait]
 *
 * --wait: block until a line (or EOF) arrives on stdin before starting, so that the harness can
 *         give this process's pid to a consumer and start the clock only once it is attached.
 * --pin:  pin thread i to CPU i (mod the CPUs this process may use). Off by default: the
 *         harness measures the scheduler's normal placement, with the consumer competing.
 *
 * Prints one line: "ops=<pairs> seconds=<elapsed> ops_per_s=<rate>".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct worker {
	pthread_t thread;
	int index;
	unsigned long long ops;
};

static const char *path = "/dev/null";
static int pin;
static atomic_int stop;
static pthread_barrier_t start_line;

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin_to_cpu(int index)
{
	cpu_set_t allowed, one;
	int cpu, seen = 0, wanted;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return;
	wanted = index % CPU_COUNT(&allowed);
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed))
			continue;
		if (seen++ == wanted) {
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			sched_setaffinity(0, sizeof(one), &one);
			return;
		}
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;
	unsigned long long ops = 0;

	if (pin)
		pin_to_cpu(w->index);
	pthread_barrier_wait(&start_line);
	/* relaxed load: the flag is polled, a few extra iterations after it flips do not matter */
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		int fd = openat(AT_FDCWD, path, O_RDONLY);

		if (fd >= 0)
			close(fd);
		ops++;
	}
	w->ops = ops;
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = 1, wait_for_go = 0, i;
	double seconds = 5, started, elapsed;
	unsigned long long total = 0;
	struct worker *workers;
	struct timespec pause;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc)
			threads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-d") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "-p") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--pin"))
			pin = 1;
		else if (!strcmp(argv[i], "--wait"))
			wait_for_go = 1;
		else {
			fprintf(stderr, "usage: loadgen -t THREADS -d SECONDS [-p PATH] [--pin] [--wait]\n");
			return 2;
		}
	}
	if (threads < 1 || seconds <= 0) {
		fprintf(stderr, "loadgen: need at least one thread and a positive duration\n");
		return 2;
	}
	if (wait_for_go) {
		char line[64];

		if (!fgets(line, sizeof(line), stdin) && ferror(stdin)) {
			perror("loadgen: stdin");
			return 1;
		}
	}
	workers = calloc(threads, sizeof(*workers));
	pthread_barrier_init(&start_line, NULL, threads + 1);
	for (i = 0; i < threads; i++) {
		workers[i].index = i;
		if (pthread_create(&workers[i].thread, NULL, work, &workers[i])) {
			fprintf(stderr, "loadgen: cannot start thread %d\n", i);
			return 1;
		}
	}
	pthread_barrier_wait(&start_line);
	started = now_seconds();
	pause.tv_sec = (time_t)seconds;
	pause.tv_nsec = (long)((seconds - (double)pause.tv_sec) * 1e9);
	while (nanosleep(&pause, &pause) && errno == EINTR)
		;
	atomic_store(&stop, 1);
	for (i = 0; i < threads; i++) {
		pthread_join(workers[i].thread, NULL);
		total += workers[i].ops;
	}
	elapsed = now_seconds() - started;
	printf("ops=%llu seconds=%.6f ops_per_s=%.1f\n", total, elapsed, total / elapsed);
	free(workers);
	return 0;
}
