/* alloc_stats.h over mimalloc 2.0 (Debian's libmimalloc2.0, which replaces
 * malloc when linked). Its public API offers no live-byte count, only process
 * figures (mi_process_info: committed bytes), so "allocated" is not measured
 * here: compare allocators on usable_bytes (malloc_usable_size, the same
 * under all three) and RSS. */
#include <errno.h>
#include <mimalloc.h>
#include <stdlib.h>
#include <stdio.h>
#include <time.h>

#include "../layouts/mem.h"
#include "alloc_stats.h"

const char *alloc_name(void)
{
	return "mimalloc";
}

const char *alloc_version(void)
{
	static char version[16];
	int v = mi_version(); /* e.g. 209 for 2.0.9 */
	snprintf(version, sizeof version, "%d.%d.%d", v / 100, v / 10 % 10, v % 10);
	return version;
}

int alloc_init(void)
{
	/* Under AddressSanitizer or valgrind, malloc is theirs, not mimalloc's */
	void *volatile probe = malloc(64);
	bool ours = mi_is_in_heap_region(probe);
	free(probe);
	if (!ours)
		return -ENXIO;
	/* Usable sizes of small blocks from mimalloc's size classes
	 * (mi_good_size): malloc_usable_size finds the block's page first,
	 * which made sampled runs 5-15 % slower. Above 4 KiB the two differ,
	 * so the lookup stays there (tests/test_usable.c checks both). */
	mem_use_size_classes(mi_good_size, NULL);
	return 0;
}

uint64_t alloc_thread_live_bytes(void)
{
	return MEASURE_NONE;
}

const size_t *alloc_release_points(void)
{
	static const size_t none; /* mimalloc resets and unmaps through the PLT: the wrappers see it */
	return &none;
}

bool alloc_live_bytes_cheap(void)
{
	return true; /* MEASURE_NONE: nothing to read */
}

void alloc_stats_read(struct alloc_stats *out)
{
	size_t elapsed, user, sys, rss, peak_rss, commit, peak_commit, faults;
	mi_process_info(&elapsed, &user, &sys, &rss, &peak_rss, &commit, &peak_commit, &faults);
	out->active_bytes = MEASURE_NONE;
	out->resident_bytes = MEASURE_NONE;
	out->mapped_bytes = commit; /* memory mimalloc has committed from the OS */
	out->metadata_bytes = MEASURE_NONE;
}

/* Blocks that make mimalloc take a page in each segment holding free spans
 * (1 MiB: a large page each, carved from the free spans best fit first). */
#define PURGE_PROBES 64
#define PURGE_PROBE_SIZE (1u << 20)

void alloc_purge(void)
{
	/* mimalloc 2.0.9 decommits a freed span only once its delay
	 * (decommit_delay, 25 ms by default) has passed AND a page is next
	 * taken from the same segment; mi_collect(true) forces it only for
	 * segments of threads that ended. So RSS after mi_collect moved with
	 * the timer and with what came next (soa: 12.9 to 20.4 B/ant). Here:
	 * the delays go to 0 (what is freed from now on is decommitted at once),
	 * the wait outlasts the delay of what was freed before, and then pages
	 * taken and freed again in every segment with free spans make it
	 * decommit what it had scheduled there. */
	long delay = mi_option_get(mi_option_decommit_delay) +
		     mi_option_get(mi_option_decommit_extend_delay);
	/* (whole free segments wait in a cache for segment_decommit_delay, but
	 * mi_collect(true) purges that cache: no wait for it) */
	mi_option_set(mi_option_decommit_delay, 0);
	mi_option_set(mi_option_decommit_extend_delay, 0);
	mi_option_set(mi_option_segment_decommit_delay, 0);
	mi_collect(true);
	if (delay > 0) {
		struct timespec wait = {delay / 1000, (delay % 1000) * 1000000L + 1000000L};
		while (nanosleep(&wait, &wait) && errno == EINTR)
			;
	}
	void *probe[PURGE_PROBES];
	for (int i = 0; i < PURGE_PROBES; i++)
		probe[i] = mi_malloc(PURGE_PROBE_SIZE); /* not written: no page of it resident */
	for (int i = 0; i < PURGE_PROBES; i++)
		mi_free(probe[i]);
	mi_collect(true);
}

void alloc_flush_thread_cache(void)
{
	mi_collect(true);
}
