/* alloc_stats.h over glibc malloc, through mallinfo2(). glibc keeps no
 * per-thread byte counter, so "allocated" is mallinfo2's in-use total (chunk
 * sizes, their 8-byte headers included: glibc's own view of what is handed
 * out), and every read walks its free lists: a few hundred ns to µs. */
#include <errno.h>
#include <gnu/libc-version.h>
#include <malloc.h>

#include "../layouts/mem.h"
#include "alloc_stats.h"


const char *alloc_name(void)
{
	return "glibc";
}

const char *alloc_version(void)
{
	return gnu_get_libc_version();
}

int alloc_init(void)
{
	return 0;
}

uint64_t alloc_thread_live_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd; /* in-use chunks in the heap + mmapped chunks */
}

const size_t *alloc_release_points(void)
{
	return &mem_release_points; /* glibc trims and unmaps through internal calls */
}

bool alloc_live_bytes_cheap(void)
{
	return false; /* mallinfo2 walks every bin */
}

void alloc_stats_read(struct alloc_stats *out)
{
	struct mallinfo2 mi = mallinfo2();
	out->active_bytes = MEASURE_NONE;
	out->resident_bytes = MEASURE_NONE;
	out->mapped_bytes = mi.arena + mi.hblkhd; /* heap obtained by brk + mmapped chunks */
	out->metadata_bytes = MEASURE_NONE;
}

void alloc_purge(void)
{
	malloc_trim(0); /* releases free memory at the top and inside the heap */
}

void alloc_flush_thread_cache(void)
{
	malloc_trim(0); /* also empties tcache-held chunks back into bins */
}
