/* One run of one scenario for one layout, in a fresh process, so that heaps
 * never mix: the parent forks, the child execs the driver again (a new
 * process in every way: address-space layout, heap, no page shared with the
 * parent), measures and reports back through a pipe, then exits and takes
 * its whole heap with it. */
#ifndef ANTMEM_CHILD_H
#define ANTMEM_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "sample.h"
#include "sampler.h"

struct run_result {
	int status;    /* the layout's status that stopped the loop, 0 if none */
	bool complete; /* all n iterations done and every figure read */
	bool said;     /* the scenario said why it stopped (the driver need not) */
	uint64_t n, done, elapsed_ns, traverse_ns, curve_rows;
	struct sample baseline, final, peak;
	struct sample after_free;  /* the scenario freed everything, thread cache flushed */
	struct sample after_purge; /* then the allocator returned free pages (alloc_purge) */
	uint64_t hwm_bytes; /* kernel RSS high-water mark at the loop's end, reset before the baseline */
	uint64_t final_purged_rss_bytes; /* RSS at the loop's end once free pages were returned */
	/* How the sampled run's RSS was read (rss_track.h) and what it saw */
	enum rss_method rss_method;
	uint64_t rss_anchors, rss_fault_records, rss_zero_page_reads;
	uint64_t stats_read_bytes; /* pages the allocator's statistics reads made resident */
	struct rss_verify verified; /* with --verify-rss */
	uint64_t allocator_stats_every;
	struct byte_account account; /* the colony's bytes by kind, if accounted */
	bool accounted;
	/* the curve, written whole under this temporary name: the driver renames
	 * it together with the summary that names it (atomic_commit_held) */
	char curve_tmp[4096];
};

/* Runs scenario o->scenario for layout in a child. sampled: sample every
 * iteration and write the curve beside curve_path, whole, under the
 * temporary name out->curve_tmp (for the caller to rename; kept when the
 * run stops early, and the summary then says complete=0). Returns 0 when the
 * child reported a result (complete or not), -1 with a reason in err when it
 * crashed or could not write. */
int run_in_child(const struct options *o, const struct variant *v, bool sampled,
		 const char *curve_path, struct run_result *out, char *err, size_t err_size);

/* The repetition a --child-run process was started for: its exit status. */
int child_run(const struct options *o);

/* "x-r1.csv" -> "x-r1.incomplete.csv": where the curve of a run that
 * stopped early is kept (the summary names it and says complete=0). */
void curve_path_incomplete(char *path, size_t size);

/* Unlink any half-written file and exit: SIGINT/SIGTERM, parent and child. */
void install_interrupt_cleanup(void);

#endif
