/* Per-iteration sampling into a curve: a sample after every iteration, a
 * CSV row only when a figure changed (RSS and the allocator's figures are
 * step functions, so the change points are the exact curve), and with
 * stride K only at iterations divisible by K (plus the last), for curves
 * small enough to commit. Peaks are taken over every sample either way.
 *
 * Memory: the sampler holds four struct samples and writes through the
 * caller's FILE; it allocates nothing per iteration, so its footprint is
 * fixed (see README "What the harness costs"). */
#ifndef ANTMEM_SAMPLER_H
#define ANTMEM_SAMPLER_H

#include <stdint.h>
#include <stdio.h>

#include "sample.h"

struct sampler {
	FILE *out;
	uint64_t stride;
	struct sample baseline, last, last_written, peak;
	uint64_t rows;
	int status; /* first write error, sticky */
};

/* Takes the baseline (iteration 0) and writes the header and its row. */
int sampler_begin(struct sampler *s, FILE *out, uint64_t stride)
	__attribute__((warn_unused_result));
void sampler_tick(struct sampler *s, uint64_t iteration);
/* Writes the last sample if it was not written; returns the sticky status. */
int sampler_end(struct sampler *s) __attribute__((warn_unused_result));

#endif
