/* alloc_stats.h over jemalloc's mallctl. thread.allocatedp/deallocatedp are
 * pointers to this thread's running totals: two loads per read, and exact,
 * because blocks parked in the thread cache count as freed there (unlike
 * stats.allocated, which counts them as allocated). The stats.* figures are
 * read through MIBs looked up once, after an epoch bump that refreshes them. */
#include <errno.h>
#include <jemalloc/jemalloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "../layouts/mem.h"
#include "alloc_stats.h"

/* volatile: the compiler knows malloc and would keep a stale read across it */
static volatile uint64_t *thread_allocated, *thread_deallocated;
static size_t mib_epoch[1], mib_active[2], mib_resident[2], mib_mapped[2], mib_metadata[2];

const char *alloc_name(void)
{
	return "jemalloc";
}

const char *alloc_version(void)
{
	const char *version = "unknown";
	size_t len = sizeof version;
	mallctl("version", &version, &len, NULL, 0);
	return version;
}

static int mib(const char *name, size_t *out, size_t len)
{
	return mallctlnametomib(name, out, &len) ? -EINVAL : 0;
}

/* The usable size of a live block of size bytes: its size class, which is
 * what malloc_usable_size returns at every size (tests/test_usable.c
 * checks); mem.c keeps the small ones in a table (nallocx costs ~5 ns). */
static size_t size_class(size_t size)
{
	return nallocx(size, 0);
}

int alloc_init(void)
{
	size_t len = sizeof thread_allocated;
	if (mallctl("thread.allocatedp", &thread_allocated, &len, NULL, 0) ||
	    mallctl("thread.deallocatedp", &thread_deallocated, &len, NULL, 0))
		return -ENOTSUP; /* jemalloc built without stats */
	if (mib("epoch", mib_epoch, 1) || mib("stats.active", mib_active, 2) ||
	    mib("stats.resident", mib_resident, 2) || mib("stats.mapped", mib_mapped, 2) ||
	    mib("stats.metadata", mib_metadata, 2))
		return -ENOTSUP;
	/* Under AddressSanitizer or valgrind, malloc is theirs, not jemalloc's,
	 * and jemalloc's counters stand still: say so rather than report zeros. */
	uint64_t before = *thread_allocated;
	void *volatile probe = malloc(64);
	bool moved = *thread_allocated != before;
	free(probe);
	if (!moved)
		return -ENXIO;
	mem_use_size_classes(size_class, size_class);
	return 0;
}

uint64_t alloc_thread_live_bytes(void)
{
	return *thread_allocated - *thread_deallocated;
}

const size_t *alloc_release_points(void)
{
	static const size_t none; /* jemalloc purges and unmaps through the PLT: the wrappers see it */
	return &none;
}

bool alloc_live_bytes_cheap(void)
{
	return true; /* two loads */
}

static uint64_t read_stat(const size_t *m)
{
	size_t value, len = sizeof value;
	return mallctlbymib(m, 2, &value, &len, NULL, 0) ? MEASURE_NONE : value;
}

void alloc_stats_read(struct alloc_stats *out)
{
	uint64_t epoch = 1;
	size_t len = sizeof epoch;
	mallctlbymib(mib_epoch, 1, &epoch, &len, &epoch, len);
	out->active_bytes = read_stat(mib_active);
	out->resident_bytes = read_stat(mib_resident);
	out->mapped_bytes = read_stat(mib_mapped);
	out->metadata_bytes = read_stat(mib_metadata);
}

void alloc_purge(void)
{
	mallctl("arena.4096.purge", NULL, NULL, NULL, 0); /* 4096: MALLCTL_ARENAS_ALL */
}

void alloc_flush_thread_cache(void)
{
	mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
}
