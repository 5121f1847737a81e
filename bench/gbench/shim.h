/* Google Benchmark for C: the subset the suite's C benchmarks need, with no
 * C++ in sight. Every function maps onto one Google Benchmark call of the
 * same name (benchmark::State::KeepRunning, Benchmark::Range, ...), so its
 * documentation applies. Implemented in shim.cc. */
#ifndef ANTMEM_GBENCH_SHIM_H
#define ANTMEM_GBENCH_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gb_state gb_state; /* a benchmark::State */
typedef struct gb_bench gb_bench; /* a registered benchmark::internal::Benchmark */
typedef void (*gb_fn)(gb_state *state, void *arg);

/* benchmark::Counter::Flags, same values. */
enum gb_counter_flags {
	GB_COUNTER_DEFAULT = 0,
	GB_COUNTER_IS_RATE = 1 << 0,                /* divided by the elapsed seconds */
	GB_COUNTER_AVG_THREADS = 1 << 1,
	GB_COUNTER_IS_ITERATION_INVARIANT = 1 << 2, /* multiplied by the iterations */
	GB_COUNTER_AVG_ITERATIONS = 1 << 3,         /* divided by the iterations */
};
#define GB_COUNTER_INVERT 0x80000000u /* 1/value; outside the enum: 1 << 31 is no int */

enum gb_time_unit { GB_NS, GB_US, GB_MS, GB_S };

/* Registration: chainable, like the C++ builder. name is copied. */
gb_bench *gb_register(const char *name, gb_fn fn, void *arg);
gb_bench *gb_arg(gb_bench *b, int64_t x);
gb_bench *gb_range(gb_bench *b, int64_t lo, int64_t hi);
gb_bench *gb_range_multiplier(gb_bench *b, int multiplier);
gb_bench *gb_dense_range(gb_bench *b, int64_t lo, int64_t hi, int step);
gb_bench *gb_arg_name(gb_bench *b, const char *name);
gb_bench *gb_unit(gb_bench *b, enum gb_time_unit unit);
gb_bench *gb_iterations(gb_bench *b, int64_t n);
gb_bench *gb_repetitions(gb_bench *b, int n);
gb_bench *gb_use_real_time(gb_bench *b);

/* The measuring loop: while (gb_keep_running(st)) { ... } */
bool gb_keep_running(gb_state *st);
void gb_pause_timing(gb_state *st);
void gb_resume_timing(gb_state *st);
int64_t gb_range_arg(const gb_state *st, size_t i); /* state.range(i) */
int64_t gb_iterations_done(const gb_state *st);     /* state.iterations() */
void gb_set_items_processed(gb_state *st, int64_t items);
void gb_set_bytes_processed(gb_state *st, int64_t bytes);
void gb_set_label(gb_state *st, const char *label);
/* state.counters[name] = Counter(value, flags) */
void gb_counter(gb_state *st, const char *name, double value, unsigned flags);
/* Marks the run as failed; the caller must then leave its loop. */
void gb_skip_with_error(gb_state *st, const char *message);
void gb_do_not_optimize(const void *p);

/* Initialize, refuse unknown flags (exit 2), run, shutdown. All
 * --benchmark_* flags pass through; --benchmark_out=FILE is written under a
 * temporary name and renamed into place only after a complete run.
 * Returns 0, or 1 when a benchmark reported an error or the output failed. */
int gb_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif
