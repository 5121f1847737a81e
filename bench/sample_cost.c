/* Prints what each read of a sample costs on this machine, median of 11
 * batches: the figures behind the README's "What the harness costs". A
 * benchmark (meson test --benchmark), never a timed test. */
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alloc_stats.h"
#include "rss_track.h"
#include "sample.h"
#include "scenarios/scenario.h"

#define BATCH 20000
#define BATCHES 11

static volatile uint64_t sink;

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median_ns(void (*fn)(void))
{
	double ns[BATCHES];
	for (int b = 0; b < BATCHES; b++) {
		uint64_t start = now_ns();
		for (int i = 0; i < BATCH; i++)
			fn();
		ns[b] = (double)(now_ns() - start) / BATCH;
	}
	qsort(ns, BATCHES, sizeof *ns, compare_double);
	return ns[BATCHES / 2];
}

static void read_rss(void)
{
	sink += rss_bytes_now();
}

static void read_thread_counters(void)
{
	sink += alloc_thread_live_bytes();
}

static void read_allocator_stats(void)
{
	struct alloc_stats st;
	alloc_stats_read(&st);
	sink += st.active_bytes;
}

static void take_full_sample(void)
{
	struct sample s;
	sink += (uint64_t)sample_take(&s, 1);
}

static struct sample prev;
static struct rss_track tracker;
static void read_tracked_rss(void)
{
	sink += rss_track_now(&tracker);
}

/* The alternatives to a record per fault that were measured: a counting
 * page-fault event read with read(2) (software events cannot be read with
 * rdpmc), and getrusage's minor-fault count. Either is a system call per
 * iteration, which is what the ring avoids. */
static int fault_counter = -1;
static void read_fault_counter(void)
{
	uint64_t count = 0;
	if (read(fault_counter, &count, sizeof count) == sizeof count)
		sink += count;
}

static void read_rusage_faults(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	sink += (uint64_t)ru.ru_minflt;
}

static void read_counters(void)
{
	sample_counters(&prev);
	sink += prev.requested_bytes;
}

int main(void)
{
	if (alloc_init() || sample_take(&prev, 0)) {
		fprintf(stderr, "sample_cost: allocator statistics or /proc unavailable\n");
		return 1;
	}
	printf("cost of one read, median of %d batches of %d (ns):\n", BATCHES, BATCH);
	printf("  %-56s %8.1f\n", "RSS: pread /proc/self/statm", median_ns(read_rss));
	printf("  %-56s %8.1f\n", "jemalloc thread.allocatedp/deallocatedp",
	       median_ns(read_thread_counters));
	printf("  %-56s %8.1f\n", "jemalloc epoch + stats.{active,resident,mapped,metadata}",
	       median_ns(read_allocator_stats));
	printf("  %-56s %8.1f\n", "sample_take (all of the above)", median_ns(take_full_sample));
	char why[200];
	if (rss_track_begin(&tracker, why, sizeof why))
		return 1;
	/* printf may fault or allocate: measure before printing */
	double quiet = median_ns(read_tracked_rss), counters = median_ns(read_counters);
	printf("  %-56s %8.1f%s%s\n", "RSS from the page-fault tracker, no page touched", quiet,
	       why[0] ? "   (statm fallback: " : "", why[0] ? why : "");
	printf("  %-56s %8.1f\n", "the layouts' byte counters + thread counters", counters);
	rss_track_end(&tracker);
	struct perf_event_attr attr = {.type = PERF_TYPE_SOFTWARE, .size = sizeof attr,
				       .config = PERF_COUNT_SW_PAGE_FAULTS, .exclude_kernel = 1};
	fault_counter = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fault_counter >= 0) {
		double counted = median_ns(read_fault_counter);
		printf("  %-56s %8.1f\n", "alternative: read(2) of a counting page-fault event", counted);
		close(fault_counter);
	}
	printf("  %-56s %8.1f\n", "alternative: getrusage(RUSAGE_SELF).ru_minflt",
	       median_ns(read_rusage_faults));
	return 0;
}
