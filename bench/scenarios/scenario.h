/* A scenario is one deterministic workload the driver can run for any
 * layout: the same code runs once with a sampler (for the curve) and once
 * without (for the time), in separate fresh processes. */
#ifndef ANTMEM_SCENARIO_H
#define ANTMEM_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

struct options;

#include "../../layouts/account.h"
#include "../../layouts/colony.h"
#include "../sample.h"
#include "../sampler.h"

/* What one run measures: a colony layout (the colony scenario), or one of a
 * scenario's own variants (then layout is NULL). name is the CSV's layout. */
struct variant {
	const char *name;
	const struct colony_ops *layout;
};

struct run_ctx {
	/* in */
	const struct colony_ops *layout; /* NULL for scenarios with their own variants */
	const char *variant;
	const struct options *options;   /* the scenario's own settings */
	uint64_t n;
	const char *colony_name;
	struct sampler *sampler; /* NULL: a timed run, nothing read per iteration */
	/* out */
	uint64_t done;            /* iterations completed */
	int status;               /* 0, or the layout's status that stopped the loop */
	uint64_t elapsed_ns;      /* the measured loop alone */
	uint64_t traverse_ns;     /* one visit of every ant afterwards, 0 if not done */
	struct sample final;      /* after the loop, before cleanup (which run() does) */
	uint64_t final_hwm_bytes; /* the kernel's RSS high-water mark then */
	/* RSS then, after the allocator returned its free pages (alloc_purge):
	 * what the live data holds, whatever decay had returned by the end */
	uint64_t final_purged_rss_bytes;
	const uint64_t *input_bytes; /* the scenario's bytes-read counter (ctx_watch_input) */
	bool quiet_errors; /* in: the timed run, whose twin (the sampled run) says why */
	bool said;         /* out: the reason the run stopped was said (ctx_say) */
	/* The colony's requested bytes by kind, taken just before final; only
	 * scenarios that hold a colony fill it (accounted says so). */
	struct byte_account account;
	bool accounted;
};

struct scenario {
	const char *name;
	const char *summary;
	/* What one iteration is: the unit of n and of the summary's *_per_ant
	 * columns, which are named for the colony (ant, DataProcessor, chunk). */
	const char *unit;
	/* NULL-terminated names of what --layout chooses between; NULL: the
	 * colony layouts of layouts/ */
	const char *const *variants;
	bool needs_data; /* reads --data FILE; n comes from the file or --n as documented */
	bool n_from_data; /* n is counted in --data (chunks), --n is not used */
	/* 0 when the run completed; otherwise ctx->status says why. */
	int (*run)(struct run_ctx *ctx);
};

extern const struct scenario *const scenarios[]; /* NULL-terminated */
const struct scenario *scenario_find(const char *name);

uint64_t now_ns(void);
/* A full sample into *s; failing to read one becomes the run's status
 * unless it already has one. */
void ctx_sample(struct run_ctx *ctx, struct sample *s);
/* Says why the run stopped, in one line on stderr ("antmem: " before it),
 * once per repetition: the sampled run says it, the timed one keeps quiet. */
void ctx_say(struct run_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes *counter the bytes_read figure of every sample of this run. */
void ctx_watch_input(struct run_ctx *ctx, const uint64_t *counter);
/* ctx->final and the kernel's high-water mark, at the end of the loop, while
 * everything is still allocated (the kernel updates the mark lazily). */
void ctx_final(struct run_ctx *ctx);

/* The measured loop of every scenario that builds something: add(arg, i)
 * for i = 0 .. n-1, one iteration each, timed into ctx->elapsed_ns, the
 * sampler ticked after each; the first error stops it (ctx->status).
 * Always inlined, so add (a static function at every call) is inlined too
 * and the loop costs what a hand-written one would. */
static inline __attribute__((always_inline)) void ctx_build(struct run_ctx *ctx,
							    int (*add)(void *arg, uint64_t i),
							    void *arg)
{
	uint64_t start = now_ns();
	for (uint64_t i = 0; i < ctx->n; i++) {
		ctx->status = add(arg, i);
		if (ctx->status)
			break;
		ctx->done = i + 1;
		if (ctx->sampler)
			sampler_tick(ctx->sampler, i + 1);
	}
	ctx->elapsed_ns = now_ns() - start;
}

#endif
