/* One small interface over allocator statistics. Each driver binary links
 * exactly one implementation (alloc_jemalloc.c, ...), so nothing else in the
 * suite names an allocator. Figures are bytes; MEASURE_NONE means "this
 * allocator cannot say", which writers print as an empty cell, never 0. */
#ifndef ANTMEM_ALLOC_STATS_H
#define ANTMEM_ALLOC_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEASURE_NONE UINT64_MAX

struct alloc_stats {
	uint64_t active_bytes;   /* pages backing live allocations (jemalloc stats.active) */
	uint64_t resident_bytes; /* allocator pages resident in RAM, incl. metadata */
	uint64_t mapped_bytes;   /* address space the allocator holds */
	uint64_t metadata_bytes; /* the allocator's own bookkeeping */
};

const char *alloc_name(void);    /* "jemalloc": CSV key and file-name part */
const char *alloc_version(void); /* the library's own version string */
/* Look up what later calls need, before any measurement. 0, -ENOTSUP (no
 * statistics) or -ENXIO (malloc is not this allocator's: a sanitizer or
 * valgrind replaced it). */
int alloc_init(void) __attribute__((warn_unused_result));
/* Bytes this thread holds (usable size, after size-class rounding): exact
 * and cheap enough to read every iteration; MEASURE_NONE if unsupported. */
uint64_t alloc_thread_live_bytes(void);
/* True where alloc_thread_live_bytes costs a few ns (a counter), false
 * where it walks the heap (glibc's mallinfo2): the sampler then reads it
 * only with the process-wide figures, at their stride. */
bool alloc_live_bytes_cheap(void);
/* A counter that moves whenever the allocator may have given pages back
 * through calls the RSS tracker's wrappers do not see (rss_track.h): glibc's
 * frees (mem.c's release points); a counter that stays 0 where every
 * release is seen. Read by the tracker every iteration: a load, no call. */
const size_t *alloc_release_points(void);
/* Process-wide figures, refreshed first: costs microseconds. */
void alloc_stats_read(struct alloc_stats *out);
/* Hand cached free blocks back so the next figures are exact (tcache). */
void alloc_flush_thread_cache(void);
/* Return free pages to the kernel now instead of after the allocator's
 * decay: what RSS looks like once "memory returned" really is returned. */
void alloc_purge(void);

#endif
