/* Per-iteration sampling into a curve: a sample after every iteration, a
 * CSV row only when a figure changed (RSS and the allocator's figures are
 * step functions, so the change points are the exact curve), and with
 * stride K only at iterations divisible by K (plus the last), for curves
 * small enough to commit. Peaks are taken over every sample either way.
 *
 * What each iteration costs (so the sampled run is the real workload):
 * RSS from the page-fault tracker (rss_track.h: a ring-buffer check when
 * nothing was touched), the layouts' byte counters and jemalloc's thread
 * counter (loads). The allocator's process-wide statistics cost
 * microseconds (jemalloc's epoch refresh, glibc's heap walk), so they are
 * read only every stats_every iterations (on curve rows, listed in the
 * summary's JSON as allocator_stats_every); rows between carry the last
 * reading, and the summary's final figures are read afresh after the loop.
 *
 * Memory: the sampler holds a few struct samples and the tracker's page
 * table and writes through the caller's FILE; it allocates nothing per
 * iteration, so its footprint is fixed (see README "What the harness costs"). */
#ifndef ANTMEM_SAMPLER_H
#define ANTMEM_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rss_track.h"
#include "sample.h"

struct rss_verify {
	uint64_t iterations; /* compared against a statm read */
	uint64_t differing;  /* where the tracker's RSS was not statm's */
	uint64_t max_diff_bytes;
	uint64_t first_differing; /* the first such iteration, 0 if none */
};

struct sampler {
	/* the quiet iteration's fields first, beside the tracker's (see there) */
	uint64_t until_row; /* a countdown, so that the quiet iteration divides nothing */
	bool verify;        /* also read statm every iteration and compare */
	struct rss_track rss;
	FILE *out;
	uint64_t stride, stats_every, rows_until_stats;
	const uint64_t *input_bytes; /* a scenario's bytes-read counter, or NULL */
	struct rss_verify verified;
	struct sample baseline, last, last_written, peak;
	uint64_t rows;
	/* pages the allocator's statistics reads made resident (jemalloc's
	 * epoch grows its own tables now and then): in RSS, and said */
	uint64_t stats_read_bytes;
	bool pending; /* last_written is not written yet (see flush_row) */
	int status; /* first write error, sticky */
} __attribute__((aligned(64)));

/* Starts the RSS tracker (its -2 passed on) and takes the baseline (iteration 0), writes the
 * header and its row. A fallback to statm is said in why (else empty). */
int sampler_begin(struct sampler *s, FILE *out, uint64_t stride, uint64_t stats_every,
		  bool verify, char *why, size_t why_size) __attribute__((warn_unused_result));
/* The rest of a tick: RSS when something was touched or given back, and
 * the figures of a curve row (every stride iterations); every iteration
 * under --verify-rss. */
void sampler_event(struct sampler *s, uint64_t iteration, bool quiet);

/* After every iteration of the real workload. On the quiet iteration (no
 * page touched or given back, not a curve row) it is two loads, two
 * compares and a countdown, inline: nothing else can have moved RSS, and
 * the other figures are read only for curve rows. */
static inline void sampler_tick(struct sampler *s, uint64_t iteration)
{
	bool quiet = rss_track_quiet(&s->rss);
	if (--s->until_row && quiet && !s->verify)
		return;
	sampler_event(s, iteration, quiet);
}

/* At the end of the loop, with everything still allocated: the run's final
 * figures (ctx_final takes them) as the curve's last row, in place of the
 * loop's own row at that iteration if it wrote one. */
void sampler_last_row(struct sampler *s, const struct sample *final);

/* Stops the tracker and flushes the curve; returns the sticky status. */
int sampler_end(struct sampler *s) __attribute__((warn_unused_result));

#endif
