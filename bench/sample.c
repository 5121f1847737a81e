/* Taking and writing one struct sample (see sample.h). Nothing here
 * allocates after the first call: the statm descriptor stays open and the
 * row is formatted into a stack buffer, so sampling does not move the very
 * figures it reads. */
#include "sample.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "../layouts/mem.h"
#include "alloc_stats.h"

static int statm_fd = -1;

/* /proc/self is resolved when the file is opened: a forked child would go on
 * reading its parent's statm through an inherited descriptor. */
static void forget_statm(void)
{
	if (statm_fd >= 0)
		close(statm_fd);
	statm_fd = -1;
}

uint64_t rss_bytes_now(void)
{
	static bool at_fork_set;
	char buf[128];
	if (!at_fork_set)
		at_fork_set = pthread_atfork(NULL, NULL, forget_statm) == 0;
	if (statm_fd < 0)
		statm_fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	ssize_t len = statm_fd < 0 ? -1 : pread(statm_fd, buf, sizeof buf - 1, 0);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	/* "size resident shared ...": the second field, in pages */
	const char *p = strchr(buf, ' ');
	uint64_t pages = 0;
	for (p = p ? p + 1 : buf + len; *p >= '0' && *p <= '9'; p++)
		pages = pages * 10 + (uint64_t)(*p - '0');
	return pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

void sample_counters(struct sample *s)
{
	s->requested_bytes = mem_requested_bytes;
	s->usable_bytes = mem_track_usable ? mem_usable_bytes : MEASURE_NONE;
	if (alloc_live_bytes_cheap())
		s->allocated_bytes = alloc_thread_live_bytes();
}

void sample_allocator_stats(struct sample *s)
{
	struct alloc_stats st;
	alloc_stats_read(&st);
	s->active_bytes = st.active_bytes;
	s->resident_bytes = st.resident_bytes;
	s->mapped_bytes = st.mapped_bytes;
	s->metadata_bytes = st.metadata_bytes;
	if (!alloc_live_bytes_cheap())
		s->allocated_bytes = alloc_thread_live_bytes();
}

int rss_hwm_reset(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = write(fd, "5", 1) == 1 ? 0 : -errno;
	close(fd);
	return rc;
}

uint64_t rss_hwm_bytes(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t len = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	if (len <= 0)
		return MEASURE_NONE;
	buf[len] = '\0';
	const char *p = strstr(buf, "VmHWM:");
	unsigned long long kib;
	return p && sscanf(p, "VmHWM: %llu kB", &kib) == 1 ? kib * 1024 : MEASURE_NONE;
}

int sample_take(struct sample *s, uint64_t iteration)
{
	s->iteration = iteration;
	s->bytes_read = 0;
	sample_allocator_stats(s);
	sample_counters(s);
	s->rss_bytes = rss_bytes_now();
	return s->rss_bytes ? 0 : -1;
}

bool sample_differs(const struct sample *a, const struct sample *b)
{
#define SAMPLE_DIFFERS(f) \
	if (a->f != b->f) \
		return true;
	SAMPLE_MEASURES(SAMPLE_DIFFERS)
#undef SAMPLE_DIFFERS
	return false;
}

void sample_max(struct sample *peak, const struct sample *s)
{
#define SAMPLE_MAX(f) \
	if (s->f != MEASURE_NONE && (peak->f == MEASURE_NONE || s->f > peak->f)) \
		peak->f = s->f;
	SAMPLE_FIELDS(SAMPLE_MAX)
#undef SAMPLE_MAX
}

int sample_write_header(FILE *out)
{
	const char *sep = "";
#define SAMPLE_NAME(f) \
	fprintf(out, "%s%s", sep, #f); \
	sep = ",";
	SAMPLE_FIELDS(SAMPLE_NAME)
#undef SAMPLE_NAME
	return fputc('\n', out) == EOF ? -1 : 0;
}

/* Digits of v at the end of buf; returns the start. */
static char *format_u64(char *end, uint64_t v)
{
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

int sample_write_row(FILE *out, const struct sample *s)
{
	/* at most 20 digits and a separator per field */
	char row[SAMPLE_NFIELDS * 21], *p = row;
	char digits[20];
#define SAMPLE_CELL(f) \
	if (s->f != MEASURE_NONE) { \
		char *start = format_u64(digits + sizeof digits, s->f); \
		size_t n = (size_t)(digits + sizeof digits - start); \
		memcpy(p, start, n); \
		p += n; \
	} \
	*p++ = ',';
	SAMPLE_FIELDS(SAMPLE_CELL)
#undef SAMPLE_CELL
	p[-1] = '\n';
	return fwrite(row, 1, (size_t)(p - row), out) == (size_t)(p - row) ? 0 : -1;
}
