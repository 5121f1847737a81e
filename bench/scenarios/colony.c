/* The seed's first experiment: add n worker ants ("W0", "W1", ... role
 * "Worker") to one colony, one iteration per ant, as its Colony.add_ant loop
 * does for 500,000 ants in "Tinyopolis". */
#include <errno.h>
#include <string.h>

#include "scenario.h"
#include "worker_id.h"

struct adding {
	const struct colony_ops *ops;
	struct colony *c;
	char worker_id[WORKER_ID_SIZE];
};

static int add_worker(void *arg, uint64_t i)
{
	struct adding *a = arg;
	format_worker_id(a->worker_id, i);
	return a->ops->add_ant(a->c, a->worker_id, "Worker");
}

static int run_colony(struct run_ctx *ctx)
{
	const struct colony_ops *ops = ctx->layout;
	struct colony *c = ops->create(ctx->colony_name);
	if (!c)
		return ctx->status = -ENOMEM;
	struct adding adding = {ops, c, ""};
	ctx_build(ctx, add_worker, &adding);
	if (!ctx->status) {
		uint64_t start = now_ns();
		uint64_t workers = distribute_work(ops, c);
		ctx->traverse_ns = now_ns() - start;
		if (workers != ctx->done)
			ctx->status = -EIO;
	}
	if (ctx->sampler) { /* the summary takes its bytes from the sampled run only */
		ops->account(c, &ctx->account); /* reads only: allocates nothing, touches no page */
		ctx->accounted = true;
	}
	ctx_final(ctx);
	ops->destroy(c);
	return ctx->status;
}

const struct scenario colony_scenario = {
	.name = "colony",
	.unit = "ant",
	.summary = "add n worker ants to one colony (the seed's __slots__ experiment)",
	.run = run_colony,
};
