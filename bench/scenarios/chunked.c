/* The seed's generators: process an MNIST file chunk by chunk, normalising
 * each chunk's pixels to floats, computing its statistics and writing it to
 * its own file (atomically). One iteration per chunk. Variants:
 *   whole    load everything first (memory grows with the file), then process
 *   chunked  one pass over the stream, one chunk in memory at a time
 *   reread   the seed's first load_data: re-read from the top for every chunk,
 *            skipping the rows already done (pandas' skiprows): O(rows²) bytes
 * Chunk files go to a scratch folder removed at the end of the run. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../layouts/mem.h"
#include "../dataset/mnist.h"
#include "../io/atomic_file.h"
#include "../options.h"
#include "scenario.h"

static const char *const chunked_variants[] = {"whole", "chunked", "reread", NULL};

/* Rows in the file (the driver checked it whole before the run), > 0; or -1 with the reason in err. A pass before the
 * measured one: its bytes are not counted as read. */
static long count_rows(const char *path, char *err, size_t err_size)
{
	static struct mnist_reader r; /* 70 KB: not on the stack */
	uint64_t read_before = mnist_bytes_read;
	long rows = -1;
	if (!mnist_open(&r, path, err, err_size)) {
		rows = mnist_count_rest(&r, err, err_size);
		mnist_close(&r);
	}
	mnist_bytes_read = read_before;
	if (rows == 0)
		snprintf(err, err_size, "%s: no rows (an MNIST CSV needs at least one)", path);
	return rows > 0 ? rows : -1;
}

/* Normalise, take statistics, write chunk k whole or not at all. */
static int process_chunk(const char *dir, uint64_t k, const struct mnist_row *rows, size_t count)
{
	size_t floats = count * MNIST_PIXELS;
	float *norm = mem_alloc(floats * sizeof *norm);
	if (!norm)
		return -ENOMEM;
	/* v / 255.0f for every byte value, computed once: the same floats as
	 * dividing each pixel, without a division per pixel */
	static float scale[256];
	if (scale[255] == 0.0f)
		for (int v = 0; v < 256; v++)
			scale[v] = (float)v / 255.0f;
	double sum = 0;
	unsigned labels[10] = {0};
	for (size_t r = 0; r < count; r++) {
		labels[rows[r].label]++;
		float row_sum = 0; /* per row in float, then into the double: vectorisable */
		for (size_t p = 0; p < MNIST_PIXELS; p++)
			row_sum += norm[r * MNIST_PIXELS + p] = scale[rows[r].pixels[p]];
		sum += row_sum;
	}
	char path[4096];
	struct atomic_file af;
	snprintf(path, sizeof path, "%s/chunk-%06llu.bin", dir, (unsigned long long)k);
	int rc = atomic_open(&af, path);
	if (!rc) {
		fprintf(af.f, "rows %zu mean %.6f labels", count, sum / (double)floats);
		for (int l = 0; l < 10; l++)
			fprintf(af.f, " %u", labels[l]);
		fputc('\n', af.f);
		fwrite(norm, sizeof *norm, floats, af.f);
		rc = atomic_commit_unsynced(&af); /* a scratch file: see atomic_file.h */
	}
	mem_free(norm, floats * sizeof *norm);
	return rc;
}

static int run_chunked(struct run_ctx *ctx)
{
	const struct options *o = ctx->options;
	size_t chunk = o->chunk_rows;
	/* the pid in the name: run-all removes what a killed run left (pid gone) */
	char err[512], dir[64];
	snprintf(dir, sizeof dir, "/tmp/antmem-chunks-%ld-XXXXXX", (long)getpid());
	long rows = count_rows(o->data_path, err, sizeof err);
	if (rows < 0) {
		ctx_say(ctx, "%s", err);
		ctx->n = 0; /* the summary says no chunk was read, not the default n */
		return ctx->status = -EIO;
	}
	if (!mkdtemp(dir)) {
		ctx_say(ctx, "%s: %s", dir, strerror(errno));
		return ctx->status = -EIO;
	}
	atomic_scratch_dir(dir); /* removed on SIGINT, SIGTERM, SIGHUP too */
	ctx->n = ((uint64_t)rows + chunk - 1) / chunk;
	enum { WHOLE, CHUNKED, REREAD } how = strcmp(ctx->variant, "whole") == 0     ? WHOLE
					   : strcmp(ctx->variant, "chunked") == 0 ? CHUNKED
										  : REREAD;
	struct dataset whole = {0};
	struct chunk_iter it = {0};
	struct mnist_row *buf = NULL;
	ctx_watch_input(ctx, &mnist_bytes_read);
	uint64_t start = now_ns();
	if (how == WHOLE) {
		if (dataset_load(&whole, DATASET_ROWS, o->data_path, err, sizeof err))
			goto out_input_error;
	} else if (how == CHUNKED) {
		if (chunk_open(&it, o->data_path, chunk, err, sizeof err))
			goto out_input_error;
	} else if (!(buf = mem_alloc(chunk * sizeof *buf))) {
		ctx->status = -ENOMEM;
		goto out;
	}
	for (uint64_t k = 0; k < ctx->n; k++) {
		const struct mnist_row *rows_k;
		long count;
		if (how == WHOLE) {
			rows_k = whole.row_array + k * chunk;
			count = (long)(whole.rows - k * chunk < chunk ? whole.rows - k * chunk : chunk);
		} else if (how == CHUNKED) {
			rows_k = it.rows;
			count = chunk_next(&it, err, sizeof err);
		} else {
			rows_k = buf;
			count = chunk_reread(o->data_path, k, chunk, buf, err, sizeof err);
		}
		if (count < 0)
			goto out_input_error;
		if ((ctx->status = process_chunk(dir, k, rows_k, (size_t)count)))
			goto out;
		ctx->done = k + 1;
		if (ctx->sampler)
			sampler_tick(ctx->sampler, k + 1);
	}
	goto out;
out_input_error:
	ctx_say(ctx, "%s", err);
	ctx->status = -EIO;
out:
	ctx->elapsed_ns = now_ns() - start;
	ctx_final(ctx);
	dataset_free(&whole);
	if (it.rows)
		chunk_close(&it);
	mem_free(buf, chunk * sizeof *buf);
	for (uint64_t k = 0; k < ctx->done; k++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/chunk-%06llu.bin", dir, (unsigned long long)k);
		unlink(path);
	}
	rmdir(dir);
	atomic_scratch_dir("");
	return ctx->status;
}

const struct scenario chunked_scenario = {
	.name = "chunked",
	.unit = "chunk",
	.summary = "process --data in chunks of --chunk-rows (the seed's generators)",
	.variants = chunked_variants,
	.needs_data = true,
	.n_from_data = true,
	.run = run_chunked,
};
