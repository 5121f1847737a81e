/* Prints what each read of a sample costs on this machine, median of 11
 * batches: the figures behind the README's "What the harness costs". A
 * benchmark (meson test --benchmark), never a timed test. */
#include <stdio.h>
#include <stdlib.h>

#include "alloc_stats.h"
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
	sink += alloc_thread_live_bytes() + alloc_thread_activity();
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
static void take_next_sample_unchanged(void)
{
	struct sample s;
	sink += (uint64_t)sample_next(&s, &prev, 1);
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
	if (sample_take(&prev, 0))
		return 1;
	/* printf may allocate: measure before printing, after the fresh baseline */
	double unchanged = median_ns(take_next_sample_unchanged);
	printf("  %-56s %8.1f\n", "sample_next, allocator not called since", unchanged);
	return 0;
}
