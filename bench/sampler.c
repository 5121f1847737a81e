/* Curve recording over struct sample (see sampler.h). */
#include "sampler.h"

/* Rows go out one behind: the last one may still be replaced by the run's
 * final figures at the same iteration (sampler_last_row). */
static void flush_row(struct sampler *s)
{
	if (!s->pending)
		return;
	if (!s->status && sample_write_row(s->out, &s->last_written))
		s->status = -1;
	s->rows++;
	s->pending = false;
}

static void write_row(struct sampler *s, const struct sample *row)
{
	flush_row(s);
	s->last_written = *row;
	s->pending = true;
}

int sampler_begin(struct sampler *s, FILE *out, uint64_t stride, uint64_t stats_every,
		  bool verify, char *why, size_t why_size)
{
	stride = stride ? stride : 1;
	/* stats on curve rows: rounded up to a multiple of the stride */
	stats_every = stats_every <= stride ? stride : (stats_every + stride - 1) / stride * stride;
	*s = (struct sampler){.out = out, .stride = stride, .stats_every = stats_every,
			      .until_row = stride, .rows_until_stats = stats_every / stride,
			      .verify = verify};
	/* The allocator's statistics are read twice before the tracker starts:
	 * the first reads make the allocator's own tables (jemalloc's ctl) and
	 * run its code for the first time, pages that are not the workload's. */
	sample_allocator_stats(&s->baseline);
	sample_allocator_stats(&s->baseline);
	int rc = rss_track_begin(&s->rss, why, why_size);
	if (rc)
		return rc; /* -2: ANTMEM_RSS_METHOD names what cannot be had */
	if (sample_write_header(out) || sample_take(&s->baseline, 0))
		return -1;
	s->last = s->peak = s->baseline;
	write_row(s, &s->baseline);
	return s->status;
}

static void verify(struct sampler *s, const struct sample *c)
{
	uint64_t truth = rss_bytes_now();
	uint64_t diff = truth > c->rss_bytes ? truth - c->rss_bytes : c->rss_bytes - truth;
	s->verified.iterations++;
	if (!diff)
		return;
	if (!s->verified.differing++)
		s->verified.first_differing = c->iteration;
	if (diff > s->verified.max_diff_bytes)
		s->verified.max_diff_bytes = diff;
}

/* RSS from the tracker into c (the tracker keeps the peak). */
static void take_rss(struct sampler *s, struct sample *c)
{
	c->rss_bytes = rss_track_update(&s->rss);
	if (!c->rss_bytes)
		s->status = -1;
}

/* The allocator's process-wide figures. Reading them may make pages of the
 * allocator's own resident: counted at once, so the row says so and the
 * next iteration's RSS is the same as statm's. */
static void read_allocator_stats(struct sampler *s, struct sample *c)
{
	uint64_t head = rss_track_head(&s->rss), rss = c->rss_bytes;
	sample_allocator_stats(c);
	if (rss_track_head(&s->rss) == head)
		return;
	take_rss(s, c);
	if (c->rss_bytes > rss)
		s->stats_read_bytes += c->rss_bytes - rss;
}

/* Every figure of a curve row but RSS, which the tracker keeps. */
static void read_row(struct sampler *s, struct sample *c, bool with_stats)
{
	sample_counters(c);
	c->bytes_read = s->input_bytes ? *s->input_bytes : 0;
	if (with_stats)
		read_allocator_stats(s, c);
	sample_max(&s->peak, c);
}

void sampler_event(struct sampler *s, uint64_t iteration, bool quiet)
{
	struct sample *c = &s->last;
	c->iteration = iteration;
	if (!quiet)
		take_rss(s, c);
	if (s->verify)
		verify(s, c);
	if (s->until_row)
		return; /* not a curve row: only RSS or --verify-rss brought us here */
	s->until_row = s->stride;
	bool stats = --s->rows_until_stats == 0;
	if (stats)
		s->rows_until_stats = s->stats_every / s->stride;
	read_row(s, c, stats);
	if (sample_differs(c, &s->last_written))
		write_row(s, c);
}

void sampler_last_row(struct sampler *s, const struct sample *final)
{
	/* the run's final figures themselves: a reading of its own a moment
	 * earlier could differ from them by a page (the reads touch memory) */
	s->last = *final;
	rss_track_update(&s->rss);
	rss_track_detach(&s->rss); /* the window ends: no peaks taken while freeing */
	if (s->rss.peak > s->peak.rss_bytes)
		s->peak.rss_bytes = s->rss.peak;
	sample_max(&s->peak, final);
	if (s->pending && s->last_written.iteration == final->iteration)
		s->last_written = *final; /* the loop's row at that iteration, replaced */
	else if (final->iteration != s->last_written.iteration)
		write_row(s, final);
	flush_row(s);
}

int sampler_end(struct sampler *s)
{
	flush_row(s);
	rss_track_end(&s->rss);
	if (fflush(s->out))
		s->status = -1;
	return s->status;
}
