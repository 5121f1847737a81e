/* antmem: the one driver. For each layout and repetition it runs the chosen
 * scenario twice, each in a fresh process: unsampled (the time) and sampled
 * after every iteration (the curve). Then it writes each layout's summary
 * and prints a table. Data flows one way: this program writes CSV and JSON,
 * scripts/ reads them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc_stats.h"
#include "build_info.h"
#include "version_vcs.h"
#include "child.h"
#include "dataset/mnist.h"
#include "io/atomic_file.h"
#include "options.h"
#include "plan.h"
#include "rss_track.h"
#include "summary.h"

static int make_dir(const char *path)
{
	if (mkdir(path, 0777) && errno != EEXIST)
		return -errno;
	struct stat st;
	if (stat(path, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return access(path, W_OK | X_OK) ? -errno : 0;
}

/* The output folder must exist; curves/ and summary/ are made inside it.
 * When one of those is the problem, bad_sub names it. */
static char bad_sub[16];

static int prepare_out_dir(const char *out)
{
	char path[4096];
	struct stat st;
	if (stat(out, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (access(out, W_OK | X_OK))
		return -errno;
	const char *subs[] = {"curves", "summary"};
	/* both checked before either is made: a failure leaves nothing behind */
	for (size_t i = 0; i < 2; i++) {
		if (snprintf(path, sizeof path, "%s/%s", out, subs[i]) >= (int)sizeof path)
			return -ENAMETOOLONG;
		if (!stat(path, &st) && !S_ISDIR(st.st_mode)) {
			snprintf(bad_sub, sizeof bad_sub, "%s", subs[i]);
			return -ENOTDIR;
		}
	}
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", out, subs[i]);
		int rc = make_dir(path);
		if (rc) {
			snprintf(bad_sub, sizeof bad_sub, "%s", subs[i]);
			return rc;
		}
	}
	return 0;
}

/* A folder scripts/run-all finished (its MANIFEST certifies every file in
 * it): a driver run into it would put files there the MANIFEST does not
 * list, or replace ones it does, under a run that did not make them. */
static bool finished_run_folder(const char *out)
{
	char path[4096];
	struct stat st;
	return snprintf(path, sizeof path, "%s/MANIFEST", out) < (int)sizeof path &&
	       lstat(path, &st) == 0;
}

/* One driver per output folder at a time: two runs writing the same summaries
 * would mix. The lock (flock on DIR/.antmem.lock, which holds the holder's
 * pid) goes with the process, also when it is killed. 0, or -1 with err. */
static int lock_out_dir(const char *out, char *err, size_t err_size)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/.antmem.lock", out) >= (int)sizeof path) {
		snprintf(err, err_size, "%s: path too long", out);
		return -1;
	}
	/* never through a link someone planted in the folder */
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
		snprintf(err, err_size, "%.400s: %s", path,
			 fd < 0 && errno == ELOOP ? "a symbolic link: refused"
			 : fd < 0		  ? strerror(errno)
						  : "not a plain file of its own (a second name?): refused");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		char pid[32] = "";
		ssize_t len = pread(fd, pid, sizeof pid - 1, 0);
		pid[len > 0 ? len : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		snprintf(err, err_size, "%s: in use by another antmem run (pid %s)", out,
			 pid[0] ? pid : "unknown");
		close(fd);
		return -1;
	}
	char pid[32];
	int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, pid, (size_t)len, 0) != len) {
		snprintf(err, err_size, "%.400s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return 0; /* fd stays open (and locked) until exit */
}

/* Temporaries of a driver or repetition killed with -9 (".NAME.tmpPID",
 * atomic_file.h) whose process is gone: removed once this run holds the
 * folder's lock, so none lingers beside the results. */
static void remove_stale_temporaries(const char *out, bool quiet)
{
	static const char *const subs[] = {"curves", "summary"};
	for (size_t i = 0; i < 2; i++) {
		char dir_path[4096], path[8192];
		snprintf(dir_path, sizeof dir_path, "%s/%s", out, subs[i]);
		DIR *dir = opendir(dir_path);
		struct dirent *e;
		while (dir && (e = readdir(dir))) {
			const char *tmp = strstr(e->d_name, ".tmp");
			char *end;
			long pid = tmp ? strtol(tmp + 4, &end, 10) : 0;
			if (e->d_name[0] != '.' || !tmp || pid <= 0 || *end)
				continue;
			if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
				continue; /* alive (or not ours to judge) */
			snprintf(path, sizeof path, "%s/%s", dir_path, e->d_name);
			if (!unlink(path) && !quiet)
				fprintf(stderr, "antmem: removed %s (its process %ld is gone)\n", path, pid);
		}
		if (dir)
			closedir(dir);
	}
}

/* Refuse an N whose colony cannot fit: expected bytes per ant, doubled for
 * the growth slack of arrays that double, against MemTotal. */
static int check_memory(const struct options *o, char *err, size_t err_size)
{
	unsigned long long total_kib = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "MemTotal: %llu kB", &total_kib) == 1)
			break;
	if (f)
		fclose(f);
	if (!total_kib)
		return 0; /* cannot tell: let the run find out */
	for (size_t i = 0; i < o->layout_count; i++) {
		if (!o->layouts[i].layout)
			continue; /* not a colony: the scenario checks its own input */
		/* the layout's own plan (plan.h), twice: a growing array is copied */
		double need = (double)plan_requested_bytes(o->layouts[i].layout, o->n) * 2;
		if (need > (double)total_kib * 1024) {
			snprintf(err, err_size,
				 "--n %llu: layout %s needs about %.1f GiB, more than this machine's "
				 "%.1f GiB",
				 (unsigned long long)o->n, o->layouts[i].name, need / (1 << 30),
				 (double)total_kib / (1 << 20));
			return -1;
		}
	}
	return 0;
}

/* Whether the page-fault tracker works here, said once (the children would
 * each find the same); the summaries record what each run used. */
static int rss_probe(const struct options *o)
{
	char why[200];
	enum rss_method m;
	if (rss_track_probe(&m, why, sizeof why)) {
		fprintf(stderr, "antmem: %s\n", why);
		return -1;
	}
	if (o->quiet || m == RSS_METHOD_FAULT_TRACE)
		return 0;
	if (m == RSS_METHOD_PAGE_FAULTS)
		fprintf(stderr,
			"antmem: RSS exact but slower: statm is read after every iteration with a page "
			"fault, as the fault records cannot tell a zero-page read from a new page: %s\n",
			why);
	else
		fprintf(stderr,
			"antmem: RSS read from /proc/self/statm every iteration (slower: the sampled "
			"run is not at real speed): %s\n",
			why);
	return 0;
}

/* What /usr/bin/time -v (and getrusage) would call the maximum resident set:
 * the largest whole-process peak of any run, baseline (code, libraries,
 * the driver's own data) included, as the children are the processes. The
 * summaries' peaks are per run and counted from the run's baseline. */
static void print_process_peak(const struct options *o)
{
	struct rusage ru;
	if (o->quiet || getrusage(RUSAGE_CHILDREN, &ru))
		return;
	fprintf(stderr,
		"antmem: largest whole-process peak of any run: %.1f MiB (what /usr/bin/time -v "
		"reports as its maximum resident set: baseline included, the largest run only)\n",
		(double)ru.ru_maxrss / 1024);
}

/* Where v stands in the registry (or in its scenario's own variants). */
static int registry_index(const struct options *o, const struct variant *v)
{
	int k = 0;
	if (o->scenario->variants) {
		for (const char *const *name = o->scenario->variants; *name; name++, k++)
			if (strcmp(*name, v->name) == 0)
				return k;
		return -1;
	}
	for (const struct colony_ops *const *ops = colony_layouts; *ops; ops++, k++)
		if (*ops == v->layout)
			return k;
	return -1;
}

static void list(void)
{
	int width = 10;
	for (const struct colony_ops *const *ops = colony_layouts; *ops; ops++)
		if ((int)strlen((*ops)->name) > width)
			width = (int)strlen((*ops)->name);
	printf("layouts:\n");
	for (const struct colony_ops *const *ops = colony_layouts; *ops; ops++)
		printf("  %-*s %s\n", width, (*ops)->name, (*ops)->summary);
	printf("scenarios (and their layouts, when not the ones above):\n");
	for (const struct scenario *const *s = scenarios; *s; s++) {
		printf("  %-*s %s\n", width, (*s)->name, (*s)->summary);
		for (const char *const *v = (*s)->variants; v && *v; v++)
			printf("    %s\n", *v);
	}
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* (after - before) / ants, or "-" when the allocator cannot say. */
static void print_per_ant(uint64_t before, uint64_t after, double ants)
{
	if (before == MEASURE_NONE || after == MEASURE_NONE)
		printf(" %10s", "-");
	else
		printf(" %10.2f", ((double)after - (double)before) / ants);
}

/* Bytes per ant from the first repetition (they are deterministic, but RSS);
 * times as medians over the repetitions of the unsampled runs. */
static void print_table_row(const struct variant *layout, const struct rep_results *reps,
			    size_t count)
{
	uint64_t times[1000], traverse[1000], ratios[1000];
	for (size_t i = 0; i < count; i++) {
		const struct run_result *t = &reps[i].timed;
		times[i] = t->done ? t->elapsed_ns * 1000 / t->done : 0;
		traverse[i] = t->done ? t->traverse_ns * 1000 / t->done : 0;
		ratios[i] = t->elapsed_ns ? reps[i].sampled.elapsed_ns * 1000 / t->elapsed_ns : 0;
	}
	qsort(times, count, sizeof *times, compare_u64);
	qsort(traverse, count, sizeof *traverse, compare_u64);
	qsort(ratios, count, sizeof *ratios, compare_u64);
	const struct sample *b = &reps[0].sampled.baseline, *f = &reps[0].sampled.final;
	double ants = (double)(reps[0].sampled.done ? reps[0].sampled.done : 1);
	printf("%-8s", layout->name);
	print_per_ant(b->rss_bytes, f->rss_bytes, ants);
	print_per_ant(b->requested_bytes, f->requested_bytes, ants);
	print_per_ant(b->usable_bytes, f->usable_bytes, ants);
	print_per_ant(b->allocated_bytes, f->allocated_bytes, ants);
	printf(" %10.1f %10.1f %9.1fx\n", (double)times[count / 2] / 1000.0,
	       (double)traverse[count / 2] / 1000.0, (double)ratios[count / 2] / 1000.0);
}

int main(int argc, char **argv)
{
	struct options o;
	char err[512];
	if (options_parse(&o, argc, argv, err, sizeof err)) {
		fprintf(stderr, "antmem: %s\n", err);
		return EXIT_USAGE;
	}
	if (o.child_run)
		return child_run(&o);
	if (o.help) {
		options_usage(stdout);
		return EXIT_OK;
	}
	if (o.list) {
		list();
		return EXIT_OK;
	}
	if (o.version) {
		printf("antmem %s (%s; %s; %s)\n", ANTMEM_GIT_COMMIT, alloc_name(), ANTMEM_COMPILER,
		       ANTMEM_BUILD_FLAGS);
		return EXIT_OK;
	}
	if (check_memory(&o, err, sizeof err)) {
		fprintf(stderr, "antmem: %s\n", err);
		return EXIT_USAGE;
	}
	if (rss_probe(&o)) /* before anything is made */
		return EXIT_USAGE;
	/* The whole data file, before any run: a run may read only a part */
	if (o.scenario->needs_data && mnist_check_file(o.data_path, err, sizeof err) < 0) {
		fprintf(stderr, "antmem: %s\n", err);
		return EXIT_USAGE;
	}
	if (o.check_only)
		return EXIT_OK;
	if (finished_run_folder(o.out_dir)) {
		fprintf(stderr, "antmem: %s: a finished run's folder (it has a MANIFEST, as "
				"scripts/run-all writes): the driver writes into a folder of its own\n",
			o.out_dir);
		return EXIT_USAGE;
	}
	int rc = prepare_out_dir(o.out_dir);
	if (rc) {
		fprintf(stderr, "antmem: %s%s%s: cannot write results there: %s\n", o.out_dir,
			bad_sub[0] ? "/" : "", bad_sub, strerror(-rc));
		return EXIT_USAGE;
	}
	if (lock_out_dir(o.out_dir, err, sizeof err)) {
		fprintf(stderr, "antmem: %s\n", err);
		return EXIT_USAGE;
	}
	remove_stale_temporaries(o.out_dir, o.quiet);
	install_interrupt_cleanup();

	static struct rep_results reps[1000];
	int status = EXIT_OK;
	if (!o.quiet) {
		char n[64];
		if (o.scenario->n_from_data)
			snprintf(n, sizeof n, "n=chunks of %llu rows in --data", (unsigned long long)o.chunk_rows);
		else
			snprintf(n, sizeof n, "n=%llu", (unsigned long long)o.n);
		fprintf(stderr, "antmem: %s, %s, %llu rep(s), allocator %s %s\n", o.scenario->name, n,
			(unsigned long long)o.reps, alloc_name(), alloc_version());
	}
	printf("%-8s %10s %10s %10s %10s %10s %10s %10s\n", "layout", "RSS", "requested",
	       "usable", "allocated", "build", "traverse", "sampled/");
	/* An "ant" is one iteration: a processor (lazy), a chunk (chunked). */
	const char *unit = o.scenario->variants ? "iter" : "ant";
	char b_per[16], ns_per[16];
	snprintf(b_per, sizeof b_per, "B/%s", unit);
	snprintf(ns_per, sizeof ns_per, "ns/%s", unit);
	printf("%-8s %10s %10s %10s %10s %10s %10s %10s\n", alloc_name(), b_per, b_per, b_per,
	       b_per, ns_per, ns_per, "unsampled");
	for (size_t l = 0; l < o.layout_count; l++) {
		const struct variant *layout = &o.layouts[l];
		char base[256], path[4096];
		snprintf(base, sizeof base, "%s-%s-%s", o.scenario->name, layout->name,
			 alloc_name());
		size_t done_reps = 0;
		for (size_t r = 0; r < o.reps; r++) {
			struct rep_results *rr = &reps[r];
			snprintf(rr->curve_file, sizeof rr->curve_file, "curves/%s-r%zu.csv", base,
				 r + 1);
			snprintf(path, sizeof path, "%s/%s", o.out_dir, rr->curve_file);
			if (run_in_child(&o, layout, false, NULL, &rr->timed, err, sizeof err) ||
			    run_in_child(&o, layout, true, path, &rr->sampled, err, sizeof err)) {
				fprintf(stderr, "antmem: %s\n", err);
				status = EXIT_RUN_FAILED;
				break;
			}
			if (!rr->sampled.complete) /* kept, under a name no chart or report takes */
				curve_path_incomplete(rr->curve_file, sizeof rr->curve_file);
			snprintf(path, sizeof path, "%s/%s", o.out_dir, rr->curve_file);
			if ((rc = atomic_hold(rr->sampled.curve_tmp, path))) {
				fprintf(stderr, "antmem: %s: %s\n", path, strerror(-rc));
				return EXIT_RUN_FAILED;
			}
			done_reps++;
			if (!o.quiet)
				fprintf(stderr,
					"antmem: %s r%zu/%llu: %llu iterations, %.3f s unsampled, %.3f s "
					"sampled, %llu curve rows\n",
					layout->name, r + 1, (unsigned long long)o.reps,
					(unsigned long long)rr->sampled.done,
					(double)rr->timed.elapsed_ns / 1e9,
					(double)rr->sampled.elapsed_ns / 1e9,
					(unsigned long long)rr->sampled.curve_rows);
			if (!rr->timed.complete || !rr->sampled.complete) {
				status = EXIT_RUN_FAILED;
				if (rr->sampled.said || rr->timed.said)
					break; /* the run said why, in one line */
				fprintf(stderr, "antmem: %s: %s after %llu %s (layout %s)\n",
					o.scenario->name, colony_strerror(rr->sampled.status),
					(unsigned long long)rr->sampled.done,
					o.scenario->variants ? "iterations" : "ants", layout->name);
				status = EXIT_RUN_FAILED;
			}
		}
		if (!done_reps)
			continue;
		/* A run that stopped early goes beside a complete one of the same
		 * layout, never over it; the sidecar, then the summary, renamed last
		 * with the curves it names, in one burst (atomic_commit_held). */
		const char *kept = status == EXIT_OK ? "" : ".incomplete";
		snprintf(path, sizeof path, "%s/summary/%s%s.json", o.out_dir, base, kept);
		rc = provenance_write(path, &o, argc, argv, reps, done_reps, registry_index(&o, layout));
		if (!rc) {
			snprintf(path, sizeof path, "%s/summary/%s%s.csv", o.out_dir, base, kept);
			rc = summary_write(path, &o, layout, reps, done_reps);
		}
		const char *failed = path;
		if (rc || (rc = atomic_commit_held(&failed))) {
			atomic_drop_held();
			fprintf(stderr, "antmem: %s: %s\n", failed, strerror(-rc));
			return EXIT_RUN_FAILED;
		}
		print_table_row(layout, reps, done_reps);
		fflush(stdout);
		if (status != EXIT_OK)
			break;
	}
	if (status == EXIT_OK)
		print_process_peak(&o);
	return status;
}
