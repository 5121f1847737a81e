/* The measurement vocabulary, named once. One struct sample is filled per
 * iteration; the CSV header, the row writer and the change test are all
 * generated from SAMPLE_FIELDS, so a new column is one line here.
 *
 *   iteration        ants added so far (0 = baseline, before the colony exists)
 *   rss_bytes        resident set from /proc/self/statm (whole process)
 *   requested_bytes  live bytes the layouts asked malloc for (layouts/mem.c)
 *   usable_bytes     what the allocator set aside for them (malloc_usable_size)
 *   allocated_bytes  the allocator's own count of live bytes (jemalloc: this
 *                    thread's, after size-class rounding; glibc: mallinfo2
 *                    in-use chunks, headers included; mimalloc: not offered)
 *   active_bytes     allocator pages backing live allocations
 *   resident_bytes   allocator pages resident, incl. its metadata
 *   mapped_bytes     address space the allocator holds
 *   metadata_bytes   the allocator's own bookkeeping
 *   bytes_read       bytes of input read so far, from the counter the
 *                    scenario hands the sampler (0 when it reads no input)
 * MEASURE_NONE (an empty CSV cell) marks what the allocator cannot say. */
#ifndef ANTMEM_SAMPLE_H
#define ANTMEM_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SAMPLE_FIELDS(X) X(iteration) SAMPLE_MEASURES(X)
/* Everything but the iteration: what sample_differs compares. */
#define SAMPLE_MEASURES(X) \
	X(rss_bytes)       \
	X(requested_bytes) \
	X(usable_bytes)    \
	X(allocated_bytes) \
	X(active_bytes)    \
	X(resident_bytes)  \
	X(mapped_bytes)    \
	X(metadata_bytes)  \
	X(bytes_read)

#define SAMPLE_COUNT(f) +1
enum { SAMPLE_NFIELDS = 0 SAMPLE_FIELDS(SAMPLE_COUNT) };
#undef SAMPLE_COUNT

struct sample {
#define SAMPLE_MEMBER(f) uint64_t f;
	SAMPLE_FIELDS(SAMPLE_MEMBER)
#undef SAMPLE_MEMBER
};

/* Fills s with every figure: RSS from statm, the allocator's statistics
 * afresh (bytes_read is left 0 for the caller). 0, or -1 if statm failed. */
int sample_take(struct sample *s, uint64_t iteration) __attribute__((warn_unused_result));
/* The layouts' byte counters (requested, usable) and, where it is cheap,
 * the allocator's live bytes: what the sampler reads every iteration. */
void sample_counters(struct sample *s);
/* The allocator's process-wide statistics (microseconds: an epoch refresh
 * under jemalloc), and its live bytes where those are not cheap. */
void sample_allocator_stats(struct sample *s);
/* True when any measured figure differs (the iteration is not compared). */
bool sample_differs(const struct sample *a, const struct sample *b);
/* Field-wise maximum into peak. */
void sample_max(struct sample *peak, const struct sample *s);

int sample_write_header(FILE *out);
int sample_write_row(FILE *out, const struct sample *s);

/* The process's resident set, in bytes; 0 when /proc cannot be read. */
uint64_t rss_bytes_now(void);
/* Reset the kernel's RSS high-water mark (/proc/self/clear_refs, 5): 0 or -errno. */
int rss_hwm_reset(void);
/* The kernel's RSS high-water mark (VmHWM) in bytes, MEASURE_NONE if unreadable. */
uint64_t rss_hwm_bytes(void);

#endif
