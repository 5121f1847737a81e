/* The driver's command line, parsed without side effects so that tests and
 * the fuzzer can call it on any argv. */
#ifndef ANTMEM_OPTIONS_H
#define ANTMEM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../layouts/colony.h"
#include "scenarios/scenario.h"

/* Exit statuses, documented in --help and the README. */
enum {
	EXIT_OK = 0,
	EXIT_RUN_FAILED = 1, /* a run could not complete: I/O, out of memory, crash */
	EXIT_USAGE = 2,      /* bad arguments: nothing was run or written */
};

#define OPTIONS_MAX_LAYOUTS 16

struct options {
	const struct scenario *scenario;
	struct variant layouts[OPTIONS_MAX_LAYOUTS]; /* --layout, resolved for the scenario */
	size_t layout_count;
	uint64_t n;
	uint64_t reps;
	uint64_t curve_stride;
	uint64_t mem_limit; /* bytes of address space a run may add; 0: no limit */
	const char *data_path;     /* --data: the MNIST CSV of the lazy and chunked scenarios */
	uint64_t fraction_percent; /* --fraction: lazy's share of processors that process */
	uint64_t chunk_rows;       /* --chunk-rows: chunked's rows per chunk */
	const char *out_dir;
	const char *colony_name;
	bool help, list, quiet, version;
	bool check_only; /* --check: refuse what a run would refuse, then exit */
	bool no_fork; /* run in this process: for valgrind and heaptrack */
	bool verify_rss; /* --verify-rss: statm beside the tracker every iteration */
	/* --sampler: which parts of sampling the sampled run pays, to measure
	 * what its overhead is made of (scripts/overhead.py); full by default */
	enum sampler_parts { SAMPLER_FULL, SAMPLER_KERNEL, SAMPLER_KERNEL_USABLE } sampler_parts;
	/* Internal: this process is one repetition that the driver started with
	 * exec (--child-run); see child.h. NULL otherwise. */
	const char *child_run;
	int argc;           /* the command line as given, for that exec */
	char *const *argv;
};

/* 0, or -1 with a one-line reason in err (no trailing newline). */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t err_size);
/* A positive integer no larger than max: 0, or -1 with a reason in err. */
int parse_positive(const char *option, const char *text, uint64_t max, uint64_t *out, char *err,
		   size_t err_size);
void options_usage(FILE *out);

#endif
