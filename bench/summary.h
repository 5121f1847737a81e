/* The summary of a layout's runs: one CSV row per repetition, pairing the
 * timed (unsampled) run with the sampled run of the same workload, and a
 * JSON sidecar saying how it was made. Both written atomically. */
#ifndef ANTMEM_SUMMARY_H
#define ANTMEM_SUMMARY_H

#include "child.h"
#include "options.h"

struct rep_results {
	struct run_result timed, sampled;
	char curve_file[600]; /* relative to the output folder */
};

int summary_write(const char *path, const struct options *o, const struct variant *v,
		  const struct rep_results *reps, size_t rep_count)
	__attribute__((warn_unused_result));
/* layout_index: the layout's place in the registry (or the variant's in
 * its scenario), which orders tables and fixes chart colours. */
int provenance_write(const char *path, const struct options *o, int argc, char **argv,
		     const struct rep_results *reps, size_t rep_count, int layout_index)
	__attribute__((warn_unused_result));

#endif
