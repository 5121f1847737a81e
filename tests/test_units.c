/* Unit tests of the small modules: requested-bytes accounting and growth
 * (layouts/mem.c), the shared-string pool (layouts/intern.c), sample
 * records and their CSV writer (bench/sample.c), and atomic files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "alloc_stats.h"
#include "check.h"
#include "intern.h"
#include "io/atomic_file.h"
#include "mem.h"
#include "rss_track.h"
#include "sample.h"
#include "scenarios/worker_id.h"

static void test_mem(void)
{
	size_t before = mem_requested_bytes, usable_before = mem_usable_bytes;
	mem_track_usable = true;
	int *a = NULL;
	size_t cap = 0;
	CHECK_EQ_INT(mem_grow((void **)&a, &cap, 1, sizeof *a), 0, "first grow");
	CHECK_EQ_U64(cap, 16, "growth starts at 16 elements");
	CHECK_EQ_INT(mem_grow((void **)&a, &cap, 16, sizeof *a), 0, "no-op grow");
	CHECK_EQ_U64(cap, 16, "no growth while it fits");
	CHECK_EQ_INT(mem_grow((void **)&a, &cap, 17, sizeof *a), 0, "second grow");
	CHECK_EQ_U64(cap, 32, "doubling");
	CHECK_EQ_INT(mem_grow((void **)&a, &cap, 1000, sizeof *a), 0, "big grow");
	CHECK_EQ_U64(cap, 1024, "doubles to the next power of two");
	CHECK_EQ_U64(mem_requested_bytes - before, 1024 * sizeof *a, "requested follows realloc");
	size_t stuck = cap;
	CHECK_EQ_INT(mem_grow((void **)&a, &cap, SIZE_MAX / 2, sizeof *a), -ENOMEM, "overflow");
	CHECK_EQ_U64(cap, stuck, "a failed grow leaves the array as it was");
	mem_free(a, cap * sizeof *a);
	char *s = mem_strdup("Tinyopolis");
	CHECK_EQ_U64(mem_requested_bytes - before, 11, "strdup requests len + 1");
	CHECK_EQ_U64(mem_usable_bytes - usable_before, 16, "jemalloc rounds 11 up to its 16 class");
	mem_free(s, 11);
	CHECK_EQ_U64(mem_requested_bytes, before, "every byte returned");
	CHECK_EQ_U64(mem_usable_bytes, usable_before, "every usable byte returned");
	mem_track_usable = false;
}

static void test_intern(void)
{
	struct intern_pool pool = {0};
	int worker = intern_code(&pool, "Worker");
	CHECK_EQ_INT(worker, 0, "first code");
	CHECK_EQ_INT(intern_code(&pool, "Soldier"), 1, "second code");
	CHECK_EQ_INT(intern_code(&pool, "Worker"), worker, "same string, same code");
	const char *p = intern_str(&pool, worker);
	for (int i = 0; i < 100; i++) {
		char name[16];
		snprintf(name, sizeof name, "r%d", i);
		CHECK(intern_code(&pool, name) >= 0, "add %s", name);
	}
	CHECK(intern_str(&pool, worker) == p, "strings never move when the pool grows");
	CHECK(strv_eq(intern_view(&pool, 1), "Soldier"), "view");
	intern_clear(&pool);
	CHECK_EQ_U64(pool.count, 0, "cleared");
}

static void test_sample(void)
{
	struct sample a, b;
	CHECK_EQ_INT(sample_take(&a, 0), 0, "sample_take");
	CHECK(a.rss_bytes > 0 && a.rss_bytes % (uint64_t)sysconf(_SC_PAGESIZE) == 0,
	      "RSS is whole pages: %llu", (unsigned long long)a.rss_bytes);
	CHECK(a.active_bytes != MEASURE_NONE && a.active_bytes > 0, "jemalloc active read");
	b = a;
	b.iteration = 5;
	CHECK(!sample_differs(&a, &b), "the iteration alone is not a change");
	b.allocated_bytes++;
	CHECK(sample_differs(&a, &b), "a change in a figure is");

	struct sample peak = a;
	b.rss_bytes = a.rss_bytes + 4096;
	sample_max(&peak, &b);
	CHECK_EQ_U64(peak.rss_bytes, a.rss_bytes + 4096, "peak takes the maximum");

	char buf[512] = "";
	FILE *f = fmemopen(buf, sizeof buf, "w");
	struct sample row = {.iteration = 3, .rss_bytes = 4096, .requested_bytes = 10,
			     .usable_bytes = 16, .allocated_bytes = 16, .active_bytes = MEASURE_NONE,
			     .resident_bytes = 0, .mapped_bytes = 1, .metadata_bytes = MEASURE_NONE};
	CHECK_EQ_INT(sample_write_header(f), 0, "header");
	CHECK_EQ_INT(sample_write_row(f, &row), 0, "row");
	fclose(f);
	CHECK(strcmp(buf, "iteration,rss_bytes,requested_bytes,usable_bytes,allocated_bytes,"
			  "active_bytes,resident_bytes,mapped_bytes,metadata_bytes,bytes_read\n"
			  "3,4096,10,16,16,,0,1,,0\n") == 0,
	      "not measured is an empty cell, 0 is 0: got\n%s", buf);
}

static void test_atomic_file(void)
{
	char dir[] = "/tmp/antmem-test-XXXXXX", path[256], tmp_seen[256];
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(path, sizeof path, "%s/out.csv", dir);
	FILE *f = fopen(path, "w");
	fputs("old\n", f);
	fclose(f);

	struct atomic_file af;
	CHECK_EQ_INT(atomic_open(&af, path), 0, "open");
	fputs("new\n", af.f);
	snprintf(tmp_seen, sizeof tmp_seen, "%s", atomic_pending_path());
	CHECK(strstr(tmp_seen, "/.out.csv.tmp") != NULL, "temporary beside the file: %s", tmp_seen);
	atomic_abort(&af);
	CHECK(access(tmp_seen, F_OK) != 0, "abort removes the temporary");
	char line[16] = "";
	f = fopen(path, "r");
	CHECK(f && fgets(line, sizeof line, f) && strcmp(line, "old\n") == 0,
	      "abort keeps the earlier file");
	if (f)
		fclose(f);

	CHECK_EQ_INT(atomic_open(&af, path), 0, "open again");
	fputs("new\n", af.f);
	CHECK_EQ_INT(atomic_commit(&af), 0, "commit");
	f = fopen(path, "r");
	CHECK(f && fgets(line, sizeof line, f) && strcmp(line, "new\n") == 0, "commit replaces");
	if (f)
		fclose(f);
	CHECK(atomic_pending_path()[0] == '\0', "nothing pending after commit");

	/* A write that failed on a full disk, then space again, the buffer
	 * flushed clean: the file is still not whole, and nothing replaces the
	 * earlier one (commit used to see only the final flush). */
	CHECK_EQ_INT(atomic_open(&af, path), 0, "open on a disk about to fill");
	int saved = dup(fileno(af.f)), full = open("/dev/full", O_WRONLY);
	CHECK(saved >= 0 && full >= 0 && dup2(full, fileno(af.f)) >= 0, "/dev/full under the file");
	static char block[1 << 17];
	CHECK(fwrite(block, 1, sizeof block, af.f) < sizeof block, "the write fails (ENOSPC)");
	CHECK(dup2(saved, fileno(af.f)) >= 0, "space again");
	close(full);
	close(saved);
	CHECK(fflush(af.f) == 0, "a later flush succeeds");
	CHECK(atomic_commit(&af) != 0, "commit after a failed write is refused");
	f = fopen(path, "r");
	CHECK(f && fgets(line, sizeof line, f) && strcmp(line, "new\n") == 0,
	      "the earlier file stays after a failed write");
	if (f)
		fclose(f);
	unlink(path);
	rmdir(dir);

	CHECK_EQ_INT(atomic_open(&af, "/nonexistent-dir/x.csv"), -ENOENT, "missing folder");
}

static void test_worker_id(void)
{
	const uint64_t cases[] = {0, 7, 10, 99, 499999, 1000000, UINT64_MAX};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char got[WORKER_ID_SIZE], want[WORKER_ID_SIZE];
		format_worker_id(got, cases[i]);
		snprintf(want, sizeof want, "W%llu", (unsigned long long)cases[i]);
		CHECK(strcmp(got, want) == 0, "f\"W{i}\": got %s, want %s", got, want);
	}
}

int main(void)
{
	int init = alloc_init();
	test_intern();
	test_atomic_file();
	test_worker_id();
	if (init == -ENXIO) {
		/* sanitizer or valgrind: sizes and statistics are not jemalloc's */
		puts("test_units: jemalloc-dependent checks skipped: malloc is not jemalloc's");
		return check_done("test_units");
	}
	CHECK_EQ_INT(init, 0, "jemalloc statistics available");
	test_mem();
	test_sample();
	return check_done("test_units");
}
