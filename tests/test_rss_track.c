/* The RSS tracker against statm, under every method the kernel allows here
 * and with the allocator this test is linked with: after every step that can
 * move RSS (pages written, never-written pages read, every kind of release,
 * pages filled in without a fault, faults taken inside the kernel, a release
 * inside the allocator), the count equals statm; the running peak equals the
 * kernel's VmHWM, also when RSS peaked between two readings. Then the faults
 * the check exists to catch are injected and must show. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "alloc_stats.h"
#include "check.h"
#include "mem.h"
#include "rss_track.h"
#include "sample.h"
#include "sampler.h"

static size_t page;
static int differing;   /* steps where the count was not statm's */
static bool injecting; /* a fault is injected: differences are counted, not failures */

static void same(struct rss_track *t, const char *method, const char *step)
{
	uint64_t counted = rss_track_now(t), truth = rss_bytes_now();
	if (counted != truth)
		differing++;
	if (!injecting)
		CHECK_EQ_U64(counted, truth, "%s: %s", method, step);
}

static char *fresh(size_t pages)
{
	char *p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	return p;
}

static void write_pages(char *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		p[i * page] = 1;
}

/* Every step; under injection the caller counts how many differed. */
static void steps(struct rss_track *t, const char *m)
{
	char *p = fresh(64);
	same(t, m, "after mmap, nothing touched");
	for (size_t i = 0; i < 8; i++) {
		write_pages(p, i, i + 1);
		same(t, m, "a page written");
	}
	volatile char sink = 0;
	for (size_t i = 16; i < 32; i++)
		sink += p[i * page]; /* never written: the zero page, not in RSS */
	same(t, m, "16 never-written pages read");
	write_pages(p, 16, 32);
	same(t, m, "the same pages written after the read");
	write_pages(p, 32, 64);
	CHECK(madvise(p + 32 * page, 16 * page, MADV_DONTNEED) == 0, "madvise");
	same(t, m, "madvise(DONTNEED)");
	CHECK(mmap(p + 48 * page, 8 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED, "mmap fixed");
	same(t, m, "mmap(MAP_FIXED) over written pages");
	CHECK(mremap(p, 64 * page, 40 * page, 0) != MAP_FAILED, "mremap");
	same(t, m, "mremap shrinking");
	munmap(p, 40 * page);
	same(t, m, "munmap");

	char *q = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	same(t, m, "mmap(MAP_POPULATE): pages without a fault");
	munmap(q, 16 * page);
	same(t, m, "munmap of those");

	int fd = memfd_create("rss-test", 0);
	CHECK(fd >= 0 && ftruncate(fd, (off_t)(16 * page)) == 0, "memfd");
	char *f = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	write_pages(f, 0, 16);
	same(t, m, "a memfd's pages written");
	CHECK(ftruncate(fd, 0) == 0, "ftruncate");
	same(t, m, "the memfd truncated under its mapping");
	munmap(f, 16 * page);
	close(fd);

	int fds[2];
	CHECK(pipe(fds) == 0, "pipe");
	char buf[4096];
	memset(buf, 7, sizeof buf);
	for (int i = 0; i < 8; i++)
		CHECK(write(fds[1], buf, sizeof buf) == (ssize_t)sizeof buf, "pipe write");
	char *r = fresh(8);
	CHECK(read(fds[0], r, 8 * page) == (ssize_t)(8 * page), "read into fresh pages");
	same(t, m, "read(2) into never-touched pages: faults taken in the kernel");
	munmap(r, 8 * page);
	close(fds[0]);
	close(fds[1]);

	/* a release inside the allocator: freed, then its pages returned */
	char *big = mem_alloc(8u << 20);
	memset(big, 3, 8u << 20);
	same(t, m, "8 MiB from the allocator, written");
	mem_free(big, 8u << 20);
	alloc_purge();
	same(t, m, "freed and purged inside the allocator");
	(void)sink;
}

/* RSS peaks between two readings: a second block written while the first
 * is still there, then the first given back by the allocator. The true peak
 * is at least both blocks (and a few pages of the allocator's own more);
 * without the peak taken before each release, the count would only know the
 * readings around it, one block lower. The kernel's VmHWM is no judge here:
 * it is sampled from per-CPU approximate counters when pages are released
 * and lags the true peak by up to tens of pages (measured: it fell from 5,384
 * to 5,320 kB across one madvise). */
static char *take(size_t size, bool from_allocator)
{
	if (from_allocator)
		return mem_alloc(size);
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void give_back(char *p, size_t size, bool from_allocator)
{
	if (from_allocator) {
		mem_free(p, size);
		alloc_purge();
	} else {
		munmap(p, size);
	}
}

/* The blocks come from the allocator (its release inside free or purge) or
 * from mmap itself (a release every allocator's tracker must see). Returns
 * whether the peak was right, or true when the allocator kept the first
 * block (mimalloc caches it): then nothing peaked between the readings. */
static bool peak_between_readings(struct rss_track *t, const char *m, bool from_allocator)
{
	const size_t block = 16u << 20;
	char *a = take(block, from_allocator);
	memset(a, 1, block);
	same(t, m, "16 MiB written");
	uint64_t one_block = rss_bytes_now();
	char *b = take(block, from_allocator);
	memset(b, 2, block);
	give_back(a, block, from_allocator);
	same(t, m, "a second 16 MiB written, the first given back, no reading between");
	bool released = rss_bytes_now() < one_block + block / 2;
	uint64_t hwm = rss_hwm_bytes();
	bool ok = !released || (t->peak >= one_block + block && t->peak <= one_block + block + 64 * page);
	if (!injecting) {
		CHECK(ok, "%s: the peak %llu is both blocks (%llu) and at most 64 pages more%s", m,
		      (unsigned long long)t->peak, (unsigned long long)(one_block + block),
		      from_allocator ? " (allocator)" : " (mmap)");
		CHECK(t->peak + 256 * page >= hwm && hwm + 256 * page >= t->peak,
		      "%s: the peak %llu and VmHWM %llu are within the kernel's counter slack", m,
		      (unsigned long long)t->peak, (unsigned long long)hwm);
	}
	give_back(b, block, from_allocator);
	return ok;
}

static void run(const char *method)
{
	struct rss_track t;
	char why[200];
	setenv("ANTMEM_RSS_METHOD", method, 1);
	CHECK(rss_hwm_reset() == 0, "clear_refs");
	int rc = rss_track_begin(&t, why, sizeof why);
	if (rc == -2) {
		printf("test_rss_track: %s not available here: %s\n", method, why);
		return;
	}
	CHECK_EQ_INT(rc, 0, "%s: tracker starts (%s)", method, why);
	CHECK(!strcmp(rss_method_name(t.method), method), "%s: got %s", method,
	      rss_method_name(t.method));
	steps(&t, method);
	peak_between_readings(&t, method, false);
	peak_between_readings(&t, method, true);
	if (t.method == RSS_METHOD_FAULT_TRACE)
		CHECK(t.zero_page_reads >= 16, "%s: the reads were seen as such: %llu", method,
		      (unsigned long long)t.zero_page_reads);
	rss_track_end(&t);
}

/* Each injected fault must make some step differ from statm. */
static void injected(const char *method, const char *fault)
{
	setenv("ANTMEM_RSS_INJECT", fault, 1);
	setenv("ANTMEM_RSS_METHOD", method, 1);
	int before = differing;
	struct rss_track t;
	char why[200];
	CHECK_EQ_INT(rss_track_begin(&t, why, sizeof why), 0, "%s starts", method);
	injecting = true;
	steps(&t, method);
	if (!peak_between_readings(&t, method, false))
		differing++;
	injecting = false;
	rss_track_end(&t);
	CHECK(differing > before, "%s: injected %s went unnoticed", method, fault);
	printf("test_rss_track: injected %s: %d check(s) caught it, as they must\n", fault,
	       differing - before);
	unsetenv("ANTMEM_RSS_INJECT");
	unsetenv("ANTMEM_RSS_METHOD");
}

/* The sampler disturbs nothing it measures: over a window in which only it
 * runs (a curve row at every iteration, the allocator's statistics read at
 * every row, the worst case), not one page may fault, in its own storage or
 * anywhere: every fault record there would be the sampler's own. */
static char curve_buffer[64 * 1024];
static struct sampler idle; /* as child.c's: storage fixed before the window */

static void sampler_alone(void)
{
	FILE *out = fopen("/dev/null", "w");
	CHECK(out != NULL, "/dev/null");
	memset(curve_buffer, 1, sizeof curve_buffer);
	setvbuf(out, curve_buffer, _IOFBF, sizeof curve_buffer);
	char why[200];
	setenv("ANTMEM_RSS_METHOD", "fault-trace", 1);
	int rc = sampler_begin(&idle, out, 1, 1, false, why, sizeof why);
	unsetenv("ANTMEM_RSS_METHOD");
	if (rc == -2) {
		printf("test_rss_track: fault-trace not available here: %s\n", why);
		fclose(out);
		return;
	}
	CHECK_EQ_INT(rc, 0, "sampler starts (%s)", why);
	uint64_t faults = idle.rss.faults, head = rss_track_head(&idle.rss);
	for (uint64_t i = 1; i <= 20000; i++)
		sampler_tick(&idle, i);
	(void)rss_track_update(&idle.rss);
	CHECK_EQ_U64(idle.rss.faults - faults, 0,
		     "fault records while only the sampler ran (20,000 rows, statistics at each)");
	CHECK_EQ_U64(rss_track_head(&idle.rss), head, "nothing written to the ring");
	CHECK_EQ_U64(idle.stats_read_bytes, 0, "pages the statistics reads made resident");
	CHECK_EQ_INT(sampler_end(&idle), 0, "sampler ends");
	fclose(out);
}

int main(void)
{
	page = (size_t)sysconf(_SC_PAGESIZE);
#if defined(__SANITIZE_ADDRESS__)
	/* its allocator maps and unmaps through raw system calls no wrapper sees */
	printf("test_rss_track: AddressSanitizer's malloc: skipped\n");
	return 77;
#endif
	if (alloc_init() == -ENXIO) {
		printf("test_rss_track: malloc is not %s's here (a sanitizer?): skipped\n", alloc_name());
		return 77;
	}
	printf("test_rss_track: %s\n", alloc_name());
	run("fault-trace");
	run("page-faults");
	run("statm");
	unsetenv("ANTMEM_RSS_METHOD");
	sampler_alone();
	/* what --verify-rss exists to catch, shown caught */
	char why[200];
	enum rss_method best;
	if (rss_track_probe(&best, why, sizeof why) == 0 && best == RSS_METHOD_FAULT_TRACE) {
		injected("fault-trace", "zero-page-counted");
		injected("fault-trace", "hidden-release");
		injected("fault-trace", "missed-peak");
	}
	return check_done("test_rss_track");
}
