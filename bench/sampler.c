/* Curve recording over struct sample (see sampler.h). */
#include "sampler.h"

#include "alloc_stats.h"

static void write_row(struct sampler *s, const struct sample *row)
{
	if (!s->status && sample_write_row(s->out, row))
		s->status = -1;
	s->last_written = *row;
	s->rows++;
}

int sampler_begin(struct sampler *s, FILE *out, uint64_t stride, uint64_t stats_every,
		  bool verify, char *why, size_t why_size)
{
	*s = (struct sampler){.out = out, .stride = stride ? stride : 1,
			      .stats_every = stats_every ? stats_every : 1, .verify = verify};
	if (rss_track_begin(&s->rss, why, why_size) || sample_write_header(out) ||
	    sample_take(&s->baseline, 0))
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

static inline void max_into(uint64_t *peak, uint64_t v)
{
	if (v != MEASURE_NONE && (*peak == MEASURE_NONE || v > *peak))
		*peak = v;
}

void sampler_tick(struct sampler *s, uint64_t iteration)
{
	struct sample *c = &s->last;
	c->iteration = iteration;
	sample_counters(c);
	c->bytes_read = s->input_bytes ? *s->input_bytes : 0;
	c->rss_bytes = rss_track_now(&s->rss);
	if (!c->rss_bytes)
		s->status = -1;
	if (iteration % s->stats_every == 0) {
		sample_allocator_stats(c);
		sample_max(&s->peak, c);
	} else { /* only what moves between stats readings */
		max_into(&s->peak.rss_bytes, c->rss_bytes);
		max_into(&s->peak.requested_bytes, c->requested_bytes);
		max_into(&s->peak.usable_bytes, c->usable_bytes);
		max_into(&s->peak.allocated_bytes, c->allocated_bytes);
		max_into(&s->peak.bytes_read, c->bytes_read);
	}
	if (s->verify)
		verify(s, c);
	if (iteration % s->stride == 0 && sample_differs(c, &s->last_written))
		write_row(s, c);
}

int sampler_end(struct sampler *s)
{
	if (s->last.iteration != s->last_written.iteration)
		write_row(s, &s->last);
	rss_track_end(&s->rss);
	if (fflush(s->out))
		s->status = -1;
	return s->status;
}
