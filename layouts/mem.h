/* Every allocation a layout makes goes through here, so the suite knows the
 * bytes the layouts *asked for* (requested_bytes) independently of what the
 * allocator rounds them up to. Single-threaded by design: the driver runs one
 * colony per process. */
#ifndef ANTMEM_MEM_H
#define ANTMEM_MEM_H

#include <stdbool.h>
#include <stddef.h>

/* Live bytes requested by layouts: incremented on alloc, decremented on free. */
extern size_t mem_requested_bytes;
/* Live bytes the allocator actually set aside for those requests, after its
 * size-class rounding (malloc_usable_size): the same figure under every
 * allocator. Tracked only while mem_track_usable is set, because the lookup
 * costs a few ns per call and timed runs should not pay it. */
extern size_t mem_usable_bytes;
extern bool mem_track_usable;
/* How usable sizes are found: malloc_usable_size(p) unless the allocator
 * offers the same answer cheaper from the size alone (jemalloc's nallocx is
 * arithmetic on its size classes; its malloc_usable_size walks a radix tree,
 * which made sampled runs 6-12 % slower than the real workload). */
extern size_t (*mem_usable_size)(void *p, size_t size);
/* Makes mem_usable_size answer from the allocator's size classes: sizes
 * below 4 KiB from a table of small_class filled here once, larger ones from
 * large_class where the allocator's classes are exact there too, or else
 * from malloc_usable_size. */
void mem_use_size_classes(size_t (*small_class)(size_t size), size_t (*large_class)(size_t size));
/* Calls that allocated or resized: one per malloc/realloc that succeeded. */
extern size_t mem_alloc_calls;
/* Calls after which the allocator may have given pages back: every free and
 * every realloc (the RSS tracker re-reads statm after them under glibc). */
extern size_t mem_release_points;
/* Called just before each of those calls where set (the RSS tracker, under
 * glibc: its running peak must be taken before a page goes back). */
extern void (*mem_release_hook)(void);

void *mem_alloc(size_t size);
void *mem_realloc(void *ptr, size_t old_size, size_t new_size);
void mem_free(void *ptr, size_t size); /* NULL-safe; size as requested */
/* A NUL-terminated copy; its size for mem_free is strlen(s) + 1. */
char *mem_strdup(const char *s);

/* Grow *array (elements of elem_size) so it holds at least need elements,
 * doubling from 16 like a Python list grows, only slower to over-allocate
 * small ones. Returns 0 or -ENOMEM (array untouched). */
int mem_grow(void **array, size_t *capacity, size_t need, size_t elem_size)
	__attribute__((warn_unused_result));

#endif
