/* Google Benchmark over every layout in the registry, through the C shim.
 * One naming pattern, <operation>/<layout>/<ants>:
 *   build/L/N            create a colony and add N ants (destroy untimed)
 *   distribute_work/L/N  visit every ant and read its role (the seed's method)
 *   get/L/N              read worker_id of one random ant
 *   set/L/N              set role of one random ant
 *   destroy/L/N/iterations:K  destroy a colony of N ants (build untimed); the
 *                        iteration count is fixed (K = 10^6/N, 3..1000) because
 *                        each destroy needs an untimed build up to 50 times as
 *                        long, which Google Benchmark's own choice would repeat
 *                        for minutes
 * Counters on every entry: allocator_bytes_per_ant (jemalloc usable bytes the
 * colony holds, exact), requested_bytes_per_ant (what the layout asked for),
 * allocations_per_ant (malloc/realloc calls), heap_churn_bytes_per_ant (all
 * bytes allocated while building, grown-and-freed arrays included),
 * rss_bytes_per_ant (RSS growth of the first build after purging freed pages;
 * later builds reuse pages, so only the first counts) and ants_per_second.
 * No MemoryManager: Google Benchmark 1.7.1 keeps its results in a vector that
 * each repetition's push_back moves, so every repetition but the last reports
 * memory fields from freed storage (1e13 B, or 0). User counters are stored
 * per repetition and are right in all of them. */
#include <stdio.h>
#include <string.h>

#include <jemalloc/jemalloc.h>

#include "../alloc_stats.h"
#include "../sample.h"
#include "../scenarios/worker_id.h"
#include "colony.h"
#include "mem.h"
#include "shim.h"

#define N_MIN 1000
#define N_MAX 1000000
#define N_SEED 500000 /* the seed's colony, besides the powers of ten */

enum op { OP_BUILD, OP_DISTRIBUTE_WORK, OP_GET, OP_SET, OP_DESTROY, OP_COUNT };
static const char *const op_names[OP_COUNT] = {"build", "distribute_work", "get", "set",
					       "destroy"};

struct bench_case {
	const struct colony_ops *layout;
	enum op op;
};

/* Returns the colony, or NULL after gb_skip_with_error. */
static struct colony *build(gb_state *st, const struct colony_ops *ops, uint64_t n)
{
	struct colony *c = ops->create("Tinyopolis");
	if (!c) {
		gb_skip_with_error(st, "create: out of memory");
		return NULL;
	}
	char id[WORKER_ID_SIZE];
	for (uint64_t i = 0; i < n; i++) {
		format_worker_id(id, i);
		int rc = ops->add_ant(c, id, "Worker");
		if (rc) {
			gb_skip_with_error(st, colony_strerror(rc));
			ops->destroy(c);
			return NULL;
		}
	}
	return c;
}

/* Every byte this thread has allocated so far (jemalloc's thread.allocated):
 * read at the build's two ends only. */
static uint64_t thread_allocated_bytes(void)
{
	uint64_t v = 0;
	size_t len = sizeof v;
	return mallctl("thread.allocated", &v, &len, NULL, 0) ? 0 : v;
}

/* Builds a colony and sets the per-ant memory counters from that build. */
static struct colony *measured_build(gb_state *st, const struct colony_ops *ops, uint64_t n)
{
	mallctl("arena.4096.purge", NULL, NULL, NULL, 0); /* freed pages out of RSS */
	uint64_t rss0 = rss_bytes_now(), alloc0 = alloc_thread_live_bytes();
	uint64_t churn0 = thread_allocated_bytes();
	size_t requested0 = mem_requested_bytes, calls0 = mem_alloc_calls;
	struct colony *c = build(st, ops, n);
	if (c) {
		gb_counter(st, "allocator_bytes_per_ant",
			   (double)(alloc_thread_live_bytes() - alloc0) / (double)n, 0);
		gb_counter(st, "requested_bytes_per_ant",
			   (double)(mem_requested_bytes - requested0) / (double)n, 0);
		gb_counter(st, "allocations_per_ant", (double)(mem_alloc_calls - calls0) / (double)n,
			   0);
		gb_counter(st, "heap_churn_bytes_per_ant",
			   (double)(thread_allocated_bytes() - churn0) / (double)n, 0);
		gb_counter(st, "rss_bytes_per_ant", ((double)rss_bytes_now() - (double)rss0) / (double)n,
			   0);
	}
	return c;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void run_case(gb_state *st, void *arg)
{
	const struct bench_case *bc = arg;
	const struct colony_ops *ops = bc->layout;
	uint64_t n = (uint64_t)gb_range_arg(st, 0), rng = 0x9e3779b97f4a7c15ULL;
	int64_t items_per_iteration = 1;
	struct colony *c = NULL;

	if (bc->op != OP_BUILD && bc->op != OP_DESTROY) {
		c = measured_build(st, ops, n);
		if (!c)
			return;
	}
	switch (bc->op) {
	case OP_BUILD:
		items_per_iteration = (int64_t)n;
		for (bool first = true; gb_keep_running(st); first = false) {
			c = first ? measured_build(st, ops, n) : build(st, ops, n);
			if (!c)
				return;
			gb_pause_timing(st);
			ops->destroy(c);
			gb_resume_timing(st);
		}
		c = NULL;
		break;
	case OP_DESTROY:
		items_per_iteration = (int64_t)n;
		for (bool first = true; gb_keep_running(st); first = false) {
			gb_pause_timing(st);
			c = first ? measured_build(st, ops, n) : build(st, ops, n);
			gb_resume_timing(st);
			if (!c)
				return;
			ops->destroy(c);
		}
		c = NULL;
		break;
	case OP_DISTRIBUTE_WORK: {
		items_per_iteration = (int64_t)n;
		uint64_t workers = 0;
		while (gb_keep_running(st)) {
			workers = distribute_work(ops, c);
			gb_do_not_optimize(&workers);
		}
		if (workers != n)
			gb_skip_with_error(st, "distribute_work: a worker went missing");
		break;
	}
	case OP_GET: {
		struct strv v;
		while (gb_keep_running(st)) {
			if (ops->get(c, xorshift(&rng) % n, ATTR_WORKER_ID, &v)) {
				gb_skip_with_error(st, "get failed");
				break;
			}
			gb_do_not_optimize(v.ptr);
		}
		break;
	}
	case OP_SET: {
		int flip = 0;
		while (gb_keep_running(st)) {
			int rc = ops->set(c, xorshift(&rng) % n, ATTR_ROLE,
					  (flip ^= 1) ? "Soldier" : "Worker");
			if (rc) {
				gb_skip_with_error(st, colony_strerror(rc));
				break;
			}
		}
		break;
	}
	case OP_COUNT:
		break;
	}
	ops->destroy(c);
	int64_t items = gb_iterations_done(st) * items_per_iteration;
	gb_set_items_processed(st, items);
	gb_counter(st, "ants_per_second", (double)items, GB_COUNTER_IS_RATE);
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* iterations: 0 lets Google Benchmark choose. */
static gb_bench *register_case(const char *name, struct bench_case *bc, int64_t n,
			       int64_t iterations)
{
	gb_bench *b = gb_arg(gb_register(name, run_case, bc), n);
	if (iterations)
		gb_iterations(b, iterations);
	return gb_unit(b, bc->op == OP_GET || bc->op == OP_SET ? GB_NS : GB_MS);
}

int main(int argc, char **argv)
{
	static struct bench_case cases[OP_COUNT * 16];
	size_t k = 0;
	if (alloc_init()) {
		fprintf(stderr, "bench_layouts: jemalloc statistics unavailable\n");
		return 1;
	}
	for (int op = 0; op < OP_COUNT; op++)
		for (const struct colony_ops *const *p = colony_layouts; *p && k < 16 * OP_COUNT;
		     p++) {
			char name[96];
			cases[k] = (struct bench_case){*p, (enum op)op};
			snprintf(name, sizeof name, "%s/%s", op_names[op], (*p)->name);
			if (op == OP_DESTROY) {
				for (int64_t n = N_MIN; n <= N_MAX; n *= 10)
					register_case(name, &cases[k], n, clamp(1000000 / n, 3, 1000));
				register_case(name, &cases[k], N_SEED, clamp(1000000 / N_SEED, 3, 1000));
			} else {
				gb_bench *b = register_case(name, &cases[k], N_SEED, 0);
				gb_range(gb_range_multiplier(b, 10), N_MIN, N_MAX);
			}
			k++;
		}
	return gb_main(argc, argv);
}
