/* The process's RSS at every iteration without a system call on the
 * iterations where no page was touched or given back.
 *
 * How: the kernel writes one record per page fault of this process into a
 * ring buffer we map (perf_event_open, period 1). Comparing the ring's head
 * with its last value tells whether anything faulted. Pages leave RSS only
 * through system calls (madvise, munmap, mremap, mmap over a range, brk,
 * truncating a mapped file): release_calls counts those made through the PLT
 * by anyone in the process (the wrappers in rss_track.c: the program, libc's
 * exported entry points, libjemalloc, libmimalloc); glibc's malloc makes them
 * through internal calls no wrapper sees, so there every free or realloc
 * counts (alloc_release_points). Any such change re-reads statm (an
 * "anchor").
 *
 * A fault does not always add a page: a read of a never-written anonymous
 * page maps the kernel's shared zero page (not in RSS); a later write faults
 * again and adds it. Which it was is in the fault's error code, which only
 * the tracepoints exceptions:page_fault_user/_kernel carry (their ids are
 * read from tracefs). Three methods, the best the kernel allows:
 *   fault-trace   the two tracepoints: a write fault on an anonymous page
 *                 not seen since the anchor adds one page, a read fault adds
 *                 none. No system call per fault. Needs tracefs mounted and
 *                 perf_event_paranoid <= -1 or CAP_PERFMON (root).
 *   page-faults   the software event PERF_COUNT_SW_PAGE_FAULTS, which has no
 *                 error code: a record only says "something faulted", and the
 *                 iteration re-reads statm. Exact, a statm read per faulting
 *                 iteration (about 1 us).
 *   statm         a statm read every iteration (perf_event_open refused).
 * (PERF_COUNT_SW_PAGE_FAULTS_MIN with PERF_SAMPLE_PHYS_ADDR would tell a
 * zero-page read apart too, but on the 6.18 kernel measured here it counted
 * 0 of 64 minor faults: faults handled under the per-VMA lock do not reach
 * it. tests/test_rss_track.c would show such a method failing.)
 *
 * A fault in a file-backed mapping (the first run of a piece of code) may map
 * up to 16 pages at once (fault-around), and a write fault where transparent
 * huge pages may be made can add 512: both are answered by a statm read.
 *
 * The running peak: every wrapper, and glibc's release points, first bring
 * the count up to date (rss_track_release_point), so the peak is taken just
 * before each release as well as after every iteration.
 *
 * ANTMEM_RSS_METHOD=statm|page-faults|fault-trace forces a method (the first
 * two always work; fault-trace fails if unavailable). --verify-rss compares
 * the count with statm at every iteration. */
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

/* Pages counted since the last anchor, direct-mapped by page number: only a
 * second write fault on a page counted already (never seen here: it would
 * need copy-on-write after fork, KSM or NUMA balancing) is looked up. */
#define RSS_TRACK_RECENT 4096

enum rss_method { RSS_METHOD_STATM, RSS_METHOD_PAGE_FAULTS, RSS_METHOD_FAULT_TRACE };

struct rss_track {
	/* what every iteration reads, first: one cache line with the sampler's
	 * countdown (the workload streams through memory and evicts the rest) */
	struct perf_event_mmap_page *meta; /* the kernel's head is here; NULL: statm */
	uint64_t tail;                     /* ring offset read up to */
	const size_t *release_points;      /* alloc_release_points() */
	uint64_t releases_seen;
	uint64_t rss; /* bytes, as of the last reading */
	enum rss_method method;
	int fd, fd_kernel; /* the ring's event; the kernel-mode faults' (fault-trace) */
	void *ring;        /* the mapped meta page and data pages */
	uint64_t mask;     /* data size - 1 */
	uint64_t page_size;
	uint32_t addr_offset, error_offset; /* in a tracepoint record's raw data */
	bool huge_writes; /* transparent huge pages may be made: writes re-read statm */
	uint64_t file_lo[RSS_TRACK_FILE_RANGES], file_hi[RSS_TRACK_FILE_RANGES];
	size_t file_ranges;
	uint64_t maps_seen; /* file_maps_changed when the ranges were read */
	/* what the run saw: for the summary */
	uint64_t anchors, faults; /* statm reads, fault records */
	uint64_t zero_page_reads; /* read faults that added no page */
	uint64_t peak;            /* the largest RSS counted, releases' eves included */
	uint64_t recent[RSS_TRACK_RECENT];
};

/* Calls this process made that can take pages out of RSS, or put them in
 * without a fault (MAP_POPULATE, mlock): counted by the wrappers. */
extern volatile uint64_t release_calls;
/* Counts the file mappings this process made (through the PLT). */
extern volatile uint64_t file_maps_changed;

/* Chooses the method (the best available, or ANTMEM_RSS_METHOD) and takes
 * the first reading. 0; -1 when statm cannot be read; -2 when
 * ANTMEM_RSS_METHOD names no method or one not available (why says so). The
 * reason for a fallback is written to why (empty when none). */
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
/* The ring's head: records written so far (0 for statm). */
static inline uint64_t rss_track_head(const struct rss_track *t)
{
	return t->meta ? __atomic_load_n(&t->meta->data_head, __ATOMIC_ACQUIRE) : 0;
}
/* Brings the running tracker's count and peak up to date: called just
 * before anything that may give pages back. Does nothing when none runs. */
void rss_track_release_point(void);
/* Takes no more peaks (the measured window is over; a tracker that is not
 * ticked takes none): the events go on until rss_track_end. */
void rss_track_detach(struct rss_track *t);
void rss_track_end(struct rss_track *t);
const char *rss_method_name(enum rss_method m);
/* The method rss_track_begin would choose here (a driver's probe, before any
 * run): opens and closes the events. -2 as rss_track_begin; the reason for
 * a fallback in why. */
int rss_track_probe(enum rss_method *method, char *why, size_t why_size);
#endif
