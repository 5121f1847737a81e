/* Curve recording over struct sample (see sampler.h). */
#include "sampler.h"

static void write_row(struct sampler *s, const struct sample *row)
{
	if (!s->status && sample_write_row(s->out, row))
		s->status = -1;
	s->last_written = *row;
	s->rows++;
}

int sampler_begin(struct sampler *s, FILE *out, uint64_t stride)
{
	*s = (struct sampler){.out = out, .stride = stride ? stride : 1};
	if (sample_write_header(out) || sample_take(&s->baseline, 0))
		return -1;
	s->last = s->peak = s->baseline;
	write_row(s, &s->baseline);
	return s->status;
}

void sampler_tick(struct sampler *s, uint64_t iteration)
{
	struct sample prev = s->last;
	if (sample_next(&s->last, &prev, iteration))
		s->status = -1;
	sample_max(&s->peak, &s->last);
	if (iteration % s->stride == 0 && sample_differs(&s->last, &s->last_written))
		write_row(s, &s->last);
}

int sampler_end(struct sampler *s)
{
	if (s->last.iteration != s->last_written.iteration)
		write_row(s, &s->last);
	if (fflush(s->out))
		s->status = -1;
	return s->status;
}
