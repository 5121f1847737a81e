/* A scenario is one deterministic workload the driver can run for any
 * layout: the same code runs once with a sampler (for the curve) and once
 * without (for the time), in separate fresh processes. */
#ifndef ANTMEM_SCENARIO_H
#define ANTMEM_SCENARIO_H

#include <stdint.h>

#include "../../layouts/colony.h"
#include "../sample.h"
#include "../sampler.h"

struct run_ctx {
	/* in */
	const struct colony_ops *layout;
	uint64_t n;
	const char *colony_name;
	struct sampler *sampler; /* NULL: a timed run, nothing read per iteration */
	/* out */
	uint64_t done;            /* iterations completed */
	int status;               /* 0, or the layout's status that stopped the loop */
	uint64_t elapsed_ns;      /* the measured loop alone */
	uint64_t traverse_ns;     /* one visit of every ant afterwards, 0 if not done */
	struct sample final;      /* after the loop, before cleanup */
	struct sample after_free; /* after destroying, thread cache flushed */
};

struct scenario {
	const char *name;
	const char *summary;
	/* 0 when the run completed; otherwise ctx->status says why. */
	int (*run)(struct run_ctx *ctx);
};

extern const struct scenario *const scenarios[]; /* NULL-terminated */
const struct scenario *scenario_find(const char *name);

uint64_t now_ns(void);

#endif
