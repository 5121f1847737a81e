/* Fork-per-run execution (see child.h). */
#include "child.h"

#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../layouts/mem.h"
#include "alloc_stats.h"
#include "io/atomic_file.h"
#include "sampler.h"

/* The curve's stdio buffer: static and touched before the baseline, so that
 * writing rows during the loop moves neither RSS nor the allocator's figures. */
static char curve_buffer[64 * 1024];

static void on_interrupt(int sig)
{
	atomic_interrupted();
	_exit(128 + sig);
}

void install_interrupt_cleanup(void)
{
	struct sigaction sa = {.sa_handler = on_interrupt};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void curve_path_incomplete(char *path, size_t size)
{
	size_t len = strlen(path);
	if (len >= 4 && strcmp(path + len - 4, ".csv") == 0 && len + 11 < size)
		strcpy(path + len - 4, ".incomplete.csv");
}

/* RLIMIT_AS at the current address space plus extra bytes. */
static int limit_address_space(uint64_t extra)
{
	char buf[64] = "";
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long long pages = 0;
	if (!f || !fgets(buf, sizeof buf, f) || sscanf(buf, "%llu", &pages) != 1) {
		if (f)
			fclose(f);
		errno = EIO;
		return -1;
	}
	fclose(f);
	rlim_t limit = (rlim_t)(pages * (uint64_t)sysconf(_SC_PAGESIZE) + extra);
	struct rlimit rl = {limit, limit};
	return setrlimit(RLIMIT_AS, &rl);
}

/* Reads up to len bytes, retrying short reads; returns how many arrived. */
static size_t read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t r = read(fd, (char *)buf + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

static bool write_all(int fd, const void *buf, size_t len)
{
	for (const char *p = buf; len;) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		len -= (size_t)w;
	}
	return true;
}

/* The child's whole life; returns its exit status. */
static int child_main(const struct options *o, const struct variant *v, bool sampled,
		      const char *curve_path, int result_fd)
{
	struct run_result r = {0};
	struct atomic_file curve = {0};
	struct sampler sampler;
	struct run_ctx ctx = {.layout = v->layout, .variant = v->name, .options = o, .n = o->n,
			      .colony_name = o->colony_name, .quiet_errors = !sampled};

	int init = alloc_init();
	if (init) {
		fprintf(stderr, "antmem: %s: %s\n", alloc_name(),
			init == -ENXIO ? "malloc is not this allocator's (sanitizer or valgrind?): "
					 "its statistics would be meaningless"
				       : "allocator statistics unavailable");
		return EXIT_RUN_FAILED;
	}
	memset(curve_buffer, 1, sizeof curve_buffer);
	if (o->mem_limit && limit_address_space(o->mem_limit)) {
		fprintf(stderr, "antmem: --mem-limit: setrlimit: %s\n", strerror(errno));
		return EXIT_RUN_FAILED;
	}
	/* a few ns per allocation: not in timed runs */
	mem_track_usable = sampled && o->sampler_parts != SAMPLER_KERNEL;
	bool hwm_reset = rss_hwm_reset() == 0; /* peaks of this run only, where the kernel allows */
	if (sampled) {
		int rc = atomic_open(&curve, curve_path);
		if (rc) {
			fprintf(stderr, "antmem: %s: %s\n", curve_path, strerror(-rc));
			return EXIT_RUN_FAILED;
		}
		setvbuf(curve.f, curve_buffer, _IOFBF, sizeof curve_buffer);
		char why[200];
		/* the allocator's process-wide statistics cost microseconds: at 64
		 * evenly spaced iterations (the sampler puts them on curve rows) */
		if (sampler_begin(&sampler, curve.f, o->curve_stride, (o->n + 63) / 64, o->verify_rss,
				  why, sizeof why))
			goto out_write_error;
		r.allocator_stats_every = sampler.stats_every;
		(void)why; /* said once by the driver's probe (main.c), not per child */
		ctx.sampler = o->sampler_parts == SAMPLER_FULL ? &sampler : NULL;
		if (!ctx.sampler)
			rss_track_detach(&sampler.rss); /* nothing ticks it: no peaks either */
		r.baseline = sampler.baseline;
	} else if (sample_take(&r.baseline, 0)) {
		fprintf(stderr, "antmem: cannot read /proc/self/statm\n");
		return EXIT_RUN_FAILED;
	}

	o->scenario->run(&ctx);
	r.done = ctx.done;
	r.elapsed_ns = ctx.elapsed_ns;
	r.n = ctx.n;
	r.traverse_ns = ctx.traverse_ns;
	r.final = ctx.final;
	/* Everything is freed: how much the process gives back, before and after
	 * asking the allocator to return free pages now rather than after decay. */
	alloc_flush_thread_cache();
	ctx_sample(&ctx, &r.after_free);
	alloc_purge();
	ctx_sample(&ctx, &r.after_purge);
	r.hwm_bytes = hwm_reset ? ctx.final_hwm_bytes : MEASURE_NONE;
	r.final_purged_rss_bytes = ctx.final_purged_rss_bytes;
	r.account = ctx.account;
	r.accounted = ctx.accounted;
	r.status = ctx.status;
	r.said = ctx.said;
	r.peak = ctx.final;
	r.complete = ctx.status == 0 && ctx.done == ctx.n; /* a scenario may set n from its input */
	if (sampled) {
		if (sampler_end(&sampler))
			goto out_write_error;
		sample_max(&r.peak, &sampler.peak);
		r.curve_rows = sampler.rows;
		r.rss_method = sampler.rss.method;
		r.rss_anchors = sampler.rss.anchors;
		r.rss_fault_records = sampler.rss.faults;
		r.rss_zero_page_reads = sampler.rss.zero_page_reads;
		r.stats_read_bytes = sampler.stats_read_bytes;
		r.verified = sampler.verified;
		int rc = atomic_close_kept(&curve);
		if (rc) {
			fprintf(stderr, "antmem: %s: %s\n", curve_path, strerror(-rc));
			return EXIT_RUN_FAILED;
		}
		snprintf(r.curve_tmp, sizeof r.curve_tmp, "%s", curve.tmp_path);
	}
	return write_all(result_fd, &r, sizeof r) ? EXIT_OK : EXIT_RUN_FAILED;

out_write_error:
	fprintf(stderr, "antmem: %s: write failed: %s\n", curve_path, strerror(errno));
	atomic_abort(&curve);
	return EXIT_RUN_FAILED;
}

/* The child of run_in_child: the driver again, by exec, so that every
 * repetition starts as a new process would (its own address-space layout,
 * no heap or page shared with the parent). Runs --child-run. */
static void exec_repetition(const struct options *o, const struct variant *v, bool sampled,
			    const char *curve_path, int result_fd)
{
	char spec[4200];
	snprintf(spec, sizeof spec, "%td,%d,%d,%s", v - o->layouts, sampled, result_fd,
		 curve_path ? curve_path : "");
	/* The repetition dies with the driver, however the driver ends (kill -9
	 * too): it must not go on and rename its curve into a folder whose
	 * summary will never say so. SIGTERM runs its cleanup handler. */
	pid_t parent = getppid();
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
		_exit(EXIT_RUN_FAILED); /* the driver is already gone */
	char **args = calloc((size_t)o->argc + 3, sizeof *args);
	if (args) {
		for (int i = 0; i < o->argc; i++)
			args[i] = o->argv[i];
		args[o->argc] = "--child-run";
		args[o->argc + 1] = spec;
		execv("/proc/self/exe", args);
	}
	fprintf(stderr, "antmem: cannot start a repetition: exec /proc/self/exe: %s\n",
		strerror(errno));
	_exit(EXIT_RUN_FAILED);
}

int child_run(const struct options *o)
{
	size_t index;
	int sampled, fd, used = 0;
	if (sscanf(o->child_run, "%zu,%d,%d,%n", &index, &sampled, &fd, &used) != 3 || !used ||
	    index >= o->layout_count) {
		fprintf(stderr, "antmem: --child-run is the driver's own option\n");
		return EXIT_USAGE;
	}
	install_interrupt_cleanup();
	const char *path = o->child_run + used;
	return child_main(o, &o->layouts[index], sampled, *path ? path : NULL, fd);
}

int run_in_child(const struct options *o, const struct variant *v, bool sampled,
		 const char *curve_path, struct run_result *out, char *err, size_t err_size)
{
	int fds[2];
	if (pipe(fds)) {
		snprintf(err, err_size, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL); /* nothing buffered may be written twice */
	if (o->no_fork) {
		/* For profilers that follow one process: same code, no isolation. The
		 * result (a few hundred bytes) fits the pipe's buffer. */
		int status = child_main(o, v, sampled, curve_path, fds[1]);
		close(fds[1]);
		size_t got = read_all(fds[0], out, sizeof *out);
		close(fds[0]);
		if (status != EXIT_OK || got != sizeof *out) {
			snprintf(err, err_size, "%s run failed", v->name);
			return -1;
		}
		return 0;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, err_size, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		exec_repetition(o, v, sampled, curve_path, fds[1]);
	}
	close(fds[1]);
	size_t got = read_all(fds[0], out, sizeof *out);
	close(fds[0]);
	int wstatus;
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(wstatus)) {
		snprintf(err, err_size, "%s run killed by signal %d (%s)", v->name,
			 WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
		return -1;
	}
	if (got != sizeof *out || WEXITSTATUS(wstatus) != EXIT_OK) {
		snprintf(err, err_size, "%s run failed (exit status %d)", v->name,
			 WEXITSTATUS(wstatus));
		return -1;
	}
	return 0;
}
