/* The scenario registry: one line per scenario file. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../alloc_stats.h"
#include "scenario.h"

extern const struct scenario colony_scenario, lazy_scenario, chunked_scenario;

const struct scenario *const scenarios[] = {
	&colony_scenario,
	&lazy_scenario,
	&chunked_scenario,
	NULL,
};

const struct scenario *scenario_find(const char *name)
{
	for (const struct scenario *const *s = scenarios; *s; s++)
		if (strcmp((*s)->name, name) == 0)
			return *s;
	return NULL;
}

void ctx_sample(struct run_ctx *ctx, struct sample *s)
{
	if (sample_take(s, ctx->done) && !ctx->status)
		ctx->status = -EIO;
	s->bytes_read = ctx->input_bytes ? *ctx->input_bytes : 0;
}

void ctx_say(struct run_ctx *ctx, const char *fmt, ...)
{
	ctx->said = true;
	if (ctx->quiet_errors)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("antmem: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void ctx_watch_input(struct run_ctx *ctx, const uint64_t *counter)
{
	ctx->input_bytes = counter;
	if (ctx->sampler)
		ctx->sampler->input_bytes = counter;
}

void ctx_final(struct run_ctx *ctx)
{
	ctx_sample(ctx, &ctx->final);
	if (ctx->sampler)
		sampler_last_row(ctx->sampler, &ctx->final);
	ctx->final_hwm_bytes = rss_hwm_bytes();
	alloc_purge();
	ctx->final_purged_rss_bytes = rss_bytes_now();
}

uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}
