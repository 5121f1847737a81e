/* RSS from the kernel's page-fault stream (see rss_track.h). */
#include "rss_track.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alloc_stats.h"
#include "sample.h"

/* 1 + 2^k pages: the meta page and a data area that holds far more records
 * (16 B each) than faults happen between two readings. */
#define RING_DATA_PAGES 256

volatile uint64_t release_calls;
volatile uint64_t file_maps_changed;

/* The allocators' page-returning calls, defined in the executable so that
 * libjemalloc's and libmimalloc's PLT entries bind here first; each counts,
 * then makes the system call itself (glibc's wrappers would be the same). */
int madvise(void *addr, size_t len, int advice)
{
	release_calls = release_calls + 1;
	return (int)syscall(SYS_madvise, addr, len, advice);
}

int munmap(void *addr, size_t len)
{
	release_calls = release_calls + 1;
	return (int)syscall(SYS_munmap, addr, len);
}

void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	void *new_addr = va_arg(ap, void *);
	va_end(ap);
	release_calls = release_calls + 1;
	return (void *)syscall(SYS_mremap, old, old_len, new_len, flags, new_addr);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (flags & MAP_FIXED) /* replaces whatever was mapped there */
		release_calls = release_calls + 1;
	if (fd >= 0)
		file_maps_changed = file_maps_changed + 1;
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

const char *rss_method_name(enum rss_method m)
{
	return m == RSS_METHOD_FAULTS ? "page-faults" : "statm";
}

static uint64_t releases_now(const struct rss_track *t)
{
	return release_calls + *t->release_points;
}

/* Everything up to the ring's head is already in the last statm reading. */
static void skip_to_head(struct rss_track *t)
{
	t->tail = __atomic_load_n(&t->meta->data_head, __ATOMIC_ACQUIRE);
	__atomic_store_n(&t->meta->data_tail, t->tail, __ATOMIC_RELEASE);
}

/* The file-backed ranges of /proc/self/maps (those with an inode). Read
 * with read(2) into the stack: no allocation, no new page. */
static void read_file_ranges(struct rss_track *t)
{
	t->maps_seen = file_maps_changed;
	t->file_ranges = 0;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char buf[4096];
	size_t have = 0;
	for (;;) {
		ssize_t got = read(fd, buf + have, sizeof buf - 1 - have);
		if (got <= 0)
			break;
		have += (size_t)got;
		buf[have] = '\0';
		char *line = buf, *nl;
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			unsigned long lo, hi, inode;
			if (sscanf(line, "%lx-%lx %*s %*s %*s %lu", &lo, &hi, &inode) == 3 && inode &&
			    t->file_ranges < RSS_TRACK_FILE_RANGES) {
				t->file_lo[t->file_ranges] = lo;
				t->file_hi[t->file_ranges++] = hi;
			}
			line = nl + 1;
		}
		have = (size_t)(buf + have - line);
		memmove(buf, line, have);
	}
	close(fd);
}

/* Binary search: /proc/self/maps lists mappings in address order. */
static bool in_file_range(const struct rss_track *t, uint64_t addr)
{
	size_t lo = 0, hi = t->file_ranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addr < t->file_lo[mid])
			hi = mid;
		else if (addr >= t->file_hi[mid])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static void anchor(struct rss_track *t)
{
	t->rss = rss_bytes_now();
	t->anchors++;
	t->releases_seen = releases_now(t);
	memset(t->recent, 0, sizeof t->recent);
}

static int open_ring(struct rss_track *t, char *why, size_t why_size)
{
	const char *forced = getenv("ANTMEM_RSS_METHOD");
	if (forced && strcmp(forced, "statm") == 0) {
		snprintf(why, why_size, "ANTMEM_RSS_METHOD=statm");
		return -1;
	}
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof attr,
		.config = PERF_COUNT_SW_PAGE_FAULTS,
		.sample_period = 1,
		.sample_type = PERF_SAMPLE_ADDR,
		.disabled = 1,
		.exclude_hv = 1,
		/* nobody waits on the ring: no wake-up work per record */
		.watermark = 1,
		.wakeup_watermark = (uint32_t)(RING_DATA_PAGES * t->page_size),
	};
	/* Faults taken in the kernel (a read() into a fresh buffer) count too,
	 * where allowed; otherwise user faults only, which --verify-rss checks. */
	int fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		attr.exclude_kernel = 1;
		fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	}
	if (fd < 0) {
		int e = errno;
		FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
		int paranoid = 0;
		bool known = f && fscanf(f, "%d", &paranoid) == 1;
		if (f)
			fclose(f);
		snprintf(why, why_size, "perf_event_open refused: %s%s", strerror(e),
			 !known ? "" : paranoid > 2 ? " (kernel.perf_event_paranoid > 2)" : "");
		return -1;
	}
	size_t size = (size_t)(1 + RING_DATA_PAGES) * t->page_size;
	void *ring = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED) {
		snprintf(why, why_size, "perf ring buffer: mmap: %s", strerror(errno));
		close(fd);
		return -1;
	}
	t->fd = fd;
	t->ring = ring;
	t->meta = ring;
	t->mask = (uint64_t)RING_DATA_PAGES * t->page_size - 1;
	t->tail = 0;
	return 0;
}

bool rss_track_available(char *why, size_t why_size)
{
	struct rss_track t = {.fd = -1, .page_size = (uint64_t)sysconf(_SC_PAGESIZE)};
	why[0] = '\0';
	bool ok = open_ring(&t, why, why_size) == 0;
	rss_track_end(&t);
	return ok;
}

int rss_track_begin(struct rss_track *t, char *why, size_t why_size)
{
	memset(t, 0, sizeof *t);
	t->fd = -1;
	t->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	t->release_points = alloc_release_points();
	why[0] = '\0';
	t->method = open_ring(t, why, why_size) ? RSS_METHOD_STATM : RSS_METHOD_FAULTS;
	if (t->method == RSS_METHOD_FAULTS &&
	    syscall(SYS_ioctl, t->fd, PERF_EVENT_IOC_ENABLE, 0)) {
		snprintf(why, why_size, "perf event enable: %s", strerror(errno));
		rss_track_end(t);
		t->method = RSS_METHOD_STATM;
	}
	if (t->method == RSS_METHOD_FAULTS) {
		read_file_ranges(t);
		/* Our own first reads of the ring's pages fault them in (and add
		 * them to RSS): do that now, before the first reading. */
		volatile const unsigned char *p = t->ring;
		for (uint64_t off = 0; off <= t->mask + t->page_size; off += t->page_size)
			(void)p[off];
	}
	anchor(t);
	if (t->method == RSS_METHOD_FAULTS)
		skip_to_head(t);
	return t->rss ? 0 : -1;
}

/* Reads the records written since the last call: one page more for each
 * anonymous page not seen since the anchor. Returns false when a record
 * cannot be counted so (a file-backed page, lost records): read statm. */
static bool drain(struct rss_track *t, uint64_t head)
{
	bool countable = true;
	const unsigned char *data = (const unsigned char *)t->ring + t->page_size;
	while (t->tail < head) {
		struct {
			struct perf_event_header h;
			uint64_t addr;
		} rec;
		uint64_t off = t->tail & t->mask;
		if (off + sizeof rec <= t->mask + 1) {
			memcpy(&rec, data + off, sizeof rec);
		} else { /* the record wraps around the end of the data area */
			for (size_t i = 0; i < sizeof rec; i++)
				((unsigned char *)&rec)[i] = data[(off + i) & t->mask];
		}
		struct perf_event_header h = rec.h;
		if (h.type == PERF_RECORD_SAMPLE) {
			uint64_t addr = rec.addr;
			uint64_t page = addr / t->page_size;
			if (in_file_range(t, addr))
				countable = false;
			uint64_t *slot = &t->recent[page % RSS_TRACK_RECENT];
			t->faults++;
			if (*slot != page + 1) { /* else a repeat: the page counted already */
				*slot = page + 1;
				t->rss += t->page_size;
			}
		} else if (h.type == PERF_RECORD_LOST) {
			countable = false; /* records dropped: only statm can say */
		}
		t->tail += h.size ? h.size : sizeof h;
	}
	__atomic_store_n(&t->meta->data_tail, t->tail, __ATOMIC_RELEASE);
	return countable;
}

uint64_t rss_track_update(struct rss_track *t)
{
	if (t->method == RSS_METHOD_STATM)
		return t->rss = rss_bytes_now();
	uint64_t head = __atomic_load_n(&t->meta->data_head, __ATOMIC_ACQUIRE);
	if (file_maps_changed != t->maps_seen)
		read_file_ranges(t);
	if (releases_now(t) != t->releases_seen || !drain(t, head)) {
		/* statm counts every page the records up to now would; nothing
		 * faults between it and the head read (one thread, stack only) */
		anchor(t);
		skip_to_head(t);
	}
	return t->rss;
}

void rss_track_end(struct rss_track *t)
{
	if (t->ring)
		munmap(t->ring, (size_t)(1 + RING_DATA_PAGES) * t->page_size);
	if (t->fd >= 0)
		close(t->fd);
	t->ring = NULL;
	t->meta = NULL;
	t->fd = -1;
}
