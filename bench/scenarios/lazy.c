/* The seed's lazy initialization: K DataProcessors, each with its own
 * DataLoader over one MNIST file; a fraction of them process the data. With
 * eager loading every constructor reads the file; with lazy loading
 * (functools.cached_property) only those that process do, once each. One
 * iteration per processor; the curve shows the before/after-first-access
 * jump of a single object as the first step. Variants choose eager or lazy
 * and the dataset's layout in memory (rows or columns). */
#include <errno.h>
#include <string.h>

#include "../../layouts/mem.h"
#include "../dataset/mnist.h"
#include "../options.h"
#include "scenario.h"

static const char *const lazy_variants[] = {"eager-rows", "lazy-rows", "eager-columns",
					    "lazy-columns", NULL};

/* Processor i processes when the running share of processors crosses the
 * next whole percent step: spread evenly, deterministic. */
static bool processes(uint64_t i, uint64_t percent)
{
	return (i + 1) * percent / 100 > i * percent / 100;
}

/* DataProcessor.process_data: touch every pixel (a mean, kept). */
static uint64_t process(const struct dataset *d)
{
	uint64_t sum = 0;
	for (size_t r = 0; r < d->rows; r++)
		for (size_t p = 0; p < MNIST_PIXELS; p++)
			sum += dataset_pixel(d, r, p);
	return sum;
}

static int run_lazy(struct run_ctx *ctx)
{
	const struct options *o = ctx->options;
	bool eager = strncmp(ctx->variant, "eager", 5) == 0;
	enum dataset_layout layout = strstr(ctx->variant, "columns") ? DATASET_COLUMNS : DATASET_ROWS;
	struct data_loader *loaders = mem_alloc(ctx->n * sizeof *loaders);
	char err[512];
	uint64_t checksum = 0, created = 0;
	if (!loaders)
		return ctx->status = -ENOMEM;
	ctx_watch_input(ctx, &mnist_bytes_read);
	uint64_t start = now_ns();
	for (uint64_t i = 0; i < ctx->n && !ctx->status; i++) {
		if (loader_init(&loaders[i], o->data_path, layout)) {
			ctx->status = -ENOMEM;
			break;
		}
		created++;
		const struct dataset *d = NULL;
		if (eager || processes(i, o->fraction_percent)) {
			d = loader_dataset(&loaders[i], err, sizeof err);
			if (!d) {
				ctx_say(ctx, "%s", err);
				ctx->status = -EIO;
				break;
			}
		}
		if (d && processes(i, o->fraction_percent))
			checksum += process(loader_dataset(&loaders[i], err, sizeof err));
		ctx->done = i + 1;
		if (ctx->sampler)
			sampler_tick(ctx->sampler, i + 1);
	}
	ctx->elapsed_ns = now_ns() - start;
	ctx_final(ctx);
	for (uint64_t i = 0; i < created; i++)
		loader_free(&loaders[i]);
	mem_free(loaders, ctx->n * sizeof *loaders);
	(void)checksum;
	return ctx->status;
}

const struct scenario lazy_scenario = {
	.name = "lazy",
	.unit = "DataProcessor",
	.summary = "n DataProcessors over --data; --fraction percent of them process (the seed's cached_property)",
	.variants = lazy_variants,
	.needs_data = true,
	.run = run_lazy,
};
