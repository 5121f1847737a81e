/* The process's RSS at every iteration without a system call on the
 * iterations where no page was touched or given back.
 *
 * How: the kernel writes one record per page fault of this process into a
 * ring buffer we map (perf_event_open, PERF_COUNT_SW_PAGE_FAULTS, period 1,
 * PERF_SAMPLE_ADDR). Comparing the ring's head with its last value tells
 * whether anything faulted; a fault on a page not seen since the last
 * reading of /proc/self/statm adds one page. Pages leave RSS only through
 * system calls the allocator makes (madvise, munmap, mremap, mmap over a
 * range): release_calls counts those made through the PLT (jemalloc,
 * mimalloc); glibc's malloc makes them through internal calls no wrapper
 * sees, so there every free or realloc counts (alloc_release_points). Any
 * change re-reads statm (an "anchor"). A page that faults twice in one interval counts once:
 * jemalloc reads some fresh pages before writing them, which maps the shared
 * zero page (not in RSS) and then faults again on the write. A fault in a
 * file-backed mapping (the first run of a piece of code) may map up to 16
 * pages at once (fault-around): it is answered by a statm read too.
 *
 * Where perf_event_open is refused, or ANTMEM_RSS_METHOD=statm is set, every
 * reading is a statm read (the slow, always-exact method). --verify-rss
 * compares the two at every iteration. */
#ifndef ANTMEM_RSS_TRACK_H
#define ANTMEM_RSS_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/perf_event.h>

/* File-backed mappings (code and data of the program and its libraries): a
 * fault there may map several pages at once (the kernel's fault-around), so
 * it is answered by a statm read instead of +1 page. */
#define RSS_TRACK_FILE_RANGES 512

/* Pages remembered since the last anchor, direct-mapped by page number: a
 * repeat that was evicted would count twice, which --verify-rss would show. */
#define RSS_TRACK_RECENT 4096

enum rss_method { RSS_METHOD_STATM, RSS_METHOD_FAULTS };

struct rss_track {
	/* what every iteration reads, first: one cache line with the sampler's
	 * countdown (the workload streams through memory and evicts the rest) */
	struct perf_event_mmap_page *meta; /* the kernel's head is here; NULL: statm */
	uint64_t tail;                     /* ring offset read up to */
	const size_t *release_points;      /* alloc_release_points() */
	uint64_t releases_seen;
	uint64_t rss; /* bytes, as of the last reading */
	enum rss_method method;
	int fd;
	void *ring;    /* the mapped meta page and data pages */
	uint64_t mask; /* data size - 1 */
	uint64_t page_size;
	uint64_t file_lo[RSS_TRACK_FILE_RANGES], file_hi[RSS_TRACK_FILE_RANGES];
	size_t file_ranges;
	uint64_t maps_seen; /* file_maps_changed when the ranges were read */
	/* what the run saw: for the summary (statm reads, fault records) */
	uint64_t anchors, faults;
	uint64_t recent[RSS_TRACK_RECENT];
};

/* Calls this process made that can take pages out of RSS (counted by the
 * wrappers in rss_track.c for the allocators' calls through the PLT). */
extern volatile uint64_t release_calls;
/* Counts the file mappings this process made (through the PLT). */
extern volatile uint64_t file_maps_changed;

/* Chooses the method (faults unless refused or ANTMEM_RSS_METHOD=statm) and
 * takes the first reading. 0, or -1 when statm cannot be read. The reason
 * for a fallback is written to why (empty when none). */
int rss_track_begin(struct rss_track *t, char *why, size_t why_size);
/* RSS now, in bytes, 0 on failure: two loads and two compares on the quiet
 * iterations (inline, as it runs after every iteration of the real
 * workload), the records or statm otherwise. */
uint64_t rss_track_update(struct rss_track *t);
/* True when nothing was touched or given back since the last reading (and
 * the method is the tracker's): RSS is what it was. */
static inline bool rss_track_quiet(const struct rss_track *t)
{
	return t->meta && __atomic_load_n(&t->meta->data_head, __ATOMIC_ACQUIRE) == t->tail &&
	       release_calls + *t->release_points == t->releases_seen;
}
static inline uint64_t rss_track_now(struct rss_track *t)
{
	return rss_track_quiet(t) ? t->rss : rss_track_update(t);
}
void rss_track_end(struct rss_track *t);
const char *rss_method_name(enum rss_method m);
/* Whether the page-fault ring can be had here (a driver's probe, before any
 * run): opens and closes it; the reason it cannot in why. */
bool rss_track_available(char *why, size_t why_size);
#endif
