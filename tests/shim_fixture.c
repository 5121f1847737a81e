/* A C program that uses every part of the Google Benchmark shim, run by
 * tests/test_shim.py, which checks the JSON it writes: the benchmarks run,
 * counters land under their names with their flags applied, skip-with-error
 * yields an error entry, and argument ranges expand as Google Benchmark's do. */
#include "shim.h"

static void counters(gb_state *st, void *arg)
{
	(void)arg;
	int64_t sum = 0;
	while (gb_keep_running(st)) {
		gb_pause_timing(st);
		gb_resume_timing(st);
		sum += gb_range_arg(st, 0);
		gb_do_not_optimize(&sum);
	}
	int64_t iters = gb_iterations_done(st);
	gb_counter(st, "plain", 42.0, GB_COUNTER_DEFAULT);
	gb_counter(st, "per_iteration", (double)iters * 3.0, GB_COUNTER_AVG_ITERATIONS);
	gb_counter(st, "rate", 1000.0, GB_COUNTER_IS_RATE);
	gb_counter(st, "invariant", 2.0, GB_COUNTER_IS_ITERATION_INVARIANT);
	gb_counter(st, "inverted", 4.0, GB_COUNTER_INVERT);
	gb_set_items_processed(st, iters * 10);
	gb_set_bytes_processed(st, iters * 100);
	gb_set_label(st, "from C");
}

static void fails(gb_state *st, void *arg)
{
	(void)arg;
	gb_skip_with_error(st, "deliberate failure from C");
	while (gb_keep_running(st))
		;
}

static void ranged(gb_state *st, void *arg)
{
	int *calls = arg;
	++*calls;
	while (gb_keep_running(st))
		gb_do_not_optimize(st);
}

int main(int argc, char **argv)
{
	static int calls;
	gb_iterations(gb_arg(gb_register("shim/counters", counters, NULL), 7), 50);
	gb_iterations(gb_arg(gb_register("shim/fails", fails, NULL), 1), 10);
	gb_iterations(gb_range(gb_range_multiplier(gb_register("shim/range", ranged, &calls), 8), 1,
			       512),
		      5);
	gb_iterations(gb_dense_range(gb_arg_name(gb_register("shim/dense", ranged, &calls), "n"), 0,
				     6, 3),
		      5);
	gb_use_real_time(gb_unit(gb_iterations(gb_register("shim/unit", ranged, &calls), 5), GB_US));
	return gb_main(argc, argv);
}
