/* The scenario registry: one line per scenario file. */
#include <errno.h>
#include <string.h>
#include <time.h>

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
}

void ctx_final(struct run_ctx *ctx)
{
	ctx_sample(ctx, &ctx->final);
	ctx->final_hwm_bytes = rss_hwm_bytes();
}

uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}
