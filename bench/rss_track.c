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

#include "../layouts/mem.h"
#include "alloc_stats.h"
#include "sample.h"

/* 1 + 2^k pages: the meta page and a data area that holds far more records
 * (48 B each) than faults happen between two readings. */
#define RING_DATA_PAGES 256
/* Above this, an address is the kernel's: a fault there moves no user page. */
#define USER_SPACE_END (1ull << 47)
/* x86's page-fault error code: the access was a write. */
#define PF_WRITE 2u

volatile uint64_t release_calls;
volatile uint64_t file_maps_changed;

/* The tracker of the sampled run, for the wrappers' peak (one per process). */
static struct rss_track *active;
/* Test-only faults, set from ANTMEM_RSS_INJECT at rss_track_begin, so that
 * tests can show the checks catching them: a release the wrappers do not
 * count, a zero-page read counted as a page, no peak taken before releases. */
static bool inject_hidden_release, inject_zero_page_counted, inject_missed_peak;

static void before_release(void)
{
	rss_track_release_point();
	if (!inject_hidden_release)
		release_calls = release_calls + 1;
}

/* The calls that can change RSS without a fault, defined in the executable
 * so that every PLT reference in the process (libc's own exported callers,
 * libjemalloc, libmimalloc) binds here first; each brings the count up to
 * date and counts, then makes the system call itself. */
int madvise(void *addr, size_t len, int advice)
{
	before_release();
	return (int)syscall(SYS_madvise, addr, len, advice);
}

int munmap(void *addr, size_t len)
{
	before_release();
	return (int)syscall(SYS_munmap, addr, len);
}

void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	void *new_addr = va_arg(ap, void *);
	va_end(ap);
	before_release();
	return (void *)syscall(SYS_mremap, old, old_len, new_len, flags, new_addr);
}

/* The build sets _FILE_OFFSET_BITS=64, under which <sys/mman.h> renames
 * mmap to mmap64 (and ftruncate, fallocate likewise): a plain definition
 * would be exported under the 64 name only, and the allocators, which call
 * mmap, would bind to libc's. Each is defined under both names. */
#define BOTH_NAMES(ret, name, params) \
	ret antmem_##name params __asm__(#name); \
	ret antmem_##name##64 params __asm__(#name "64") __attribute__((alias(#name)));

BOTH_NAMES(void *, mmap, (void *addr, size_t len, int prot, int flags, int fd, off_t off))
void *antmem_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	/* MAP_FIXED replaces whatever was mapped there; MAP_POPULATE (and
	 * MAP_LOCKED) fill pages in without a fault */
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE | MAP_POPULATE | MAP_LOCKED))
		before_release();
	if (fd >= 0)
		file_maps_changed = file_maps_changed + 1;
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

int brk(void *addr)
{
	before_release();
	long got = syscall(SYS_brk, addr);
	if ((void *)got < addr) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void *sbrk(intptr_t increment)
{
	before_release();
	void *old = (void *)syscall(SYS_brk, 0);
	if (!increment)
		return old;
	void *want = (char *)old + increment;
	if ((void *)syscall(SYS_brk, want) != want) {
		errno = ENOMEM;
		return (void *)-1;
	}
	return old;
}

/* Truncating or punching a file gives back the pages mapped from it (an
 * allocator's memfd); locking pages in faults them in without a record. */
BOTH_NAMES(int, ftruncate, (int fd, off_t length))
int antmem_ftruncate(int fd, off_t length)
{
	before_release();
	return (int)syscall(SYS_ftruncate, fd, length);
}

BOTH_NAMES(int, fallocate, (int fd, int mode, off_t offset, off_t len))
int antmem_fallocate(int fd, int mode, off_t offset, off_t len)
{
	before_release();
	return (int)syscall(SYS_fallocate, fd, mode, offset, len);
}

int mlock(const void *addr, size_t len)
{
	before_release();
	return (int)syscall(SYS_mlock, addr, len);
}

int mlockall(int flags)
{
	before_release();
	return (int)syscall(SYS_mlockall, flags);
}

const char *rss_method_name(enum rss_method m)
{
	return m == RSS_METHOD_FAULT_TRACE ? "fault-trace"
	       : m == RSS_METHOD_PAGE_FAULTS ? "page-faults"
					     : "statm";
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

/* RSS from statm; with a ring, everything up to its head is in that
 * reading. The read itself may fault (the kernel copying into a stack page
 * not touched before): its record then comes after statm was computed, so
 * the read is repeated until no record arrived during it. */
static void anchor(struct rss_track *t)
{
	for (;;) {
		uint64_t head = t->meta ? __atomic_load_n(&t->meta->data_head, __ATOMIC_ACQUIRE) : 0;
		t->rss = rss_bytes_now();
		t->anchors++;
		if (!t->meta)
			break;
		if (__atomic_load_n(&t->meta->data_head, __ATOMIC_ACQUIRE) == head) {
			t->tail = head;
			__atomic_store_n(&t->meta->data_tail, t->tail, __ATOMIC_RELEASE);
			break;
		}
	}
	t->releases_seen = releases_now(t);
	memset(t->recent, 0, sizeof t->recent);
}

/* Reads a small sysfs or tracefs file into buf; its length, or -1. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t len = read(fd, buf, size - 1);
	close(fd);
	if (len >= 0)
		buf[len] = '\0';
	return len;
}

/* The tracepoint exceptions:NAME: its id and where address and error_code
 * stand in its raw data, from tracefs (wherever it is mounted). */
static int tracepoint(const char *name, uint64_t *id, uint32_t *addr_off, uint32_t *err_off)
{
	static const char *const roots[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
	for (size_t i = 0; i < sizeof roots / sizeof *roots; i++) {
		char path[128], buf[2048];
		snprintf(path, sizeof path, "%s/events/exceptions/%s/id", roots[i], name);
		if (read_small(path, buf, sizeof buf) <= 0)
			continue;
		*id = strtoull(buf, NULL, 10);
		snprintf(path, sizeof path, "%s/events/exceptions/%s/format", roots[i], name);
		if (read_small(path, buf, sizeof buf) <= 0)
			return -1;
		const char *a = strstr(buf, " address;\toffset:"), *e = strstr(buf, " error_code;\toffset:");
		if (!a || !e)
			return -1;
		*addr_off = (uint32_t)strtoul(strchr(a, ':') + 1, NULL, 10);
		*err_off = (uint32_t)strtoul(strchr(e, ':') + 1, NULL, 10);
		return 0;
	}
	return -1;
}

/* One record per event into a ring nobody waits on (no wake-up work per
 * record): the attributes every method shares. */
static int event_open(const struct rss_track *t, uint32_t type, uint64_t config, uint64_t sample_type)
{
	struct perf_event_attr attr = {
		.type = type,
		.size = sizeof attr,
		.config = config,
		.sample_period = 1,
		.sample_type = sample_type,
		.disabled = 1,
		.exclude_hv = 1,
		.watermark = 1,
		.wakeup_watermark = (uint32_t)(RING_DATA_PAGES * t->page_size),
	};
	return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

static void say_refused(char *why, size_t why_size, const char *what, int e)
{
	char paranoid[32] = "";
	bool known = read_small("/proc/sys/kernel/perf_event_paranoid", paranoid, sizeof paranoid) > 0;
	snprintf(why, why_size, "%s refused: %s%s", what, strerror(e),
		 known && atoi(paranoid) > -1 && (e == EACCES || e == EPERM)
			 ? " (kernel.perf_event_paranoid > -1 and not root)"
			 : "");
}

/* The two tracepoints into one ring: page_fault_user's, which kernel-mode
 * faults (a read() into a fresh buffer) join through SET_OUTPUT. */
static int open_trace(struct rss_track *t, char *why, size_t why_size)
{
	uint64_t uid, kid;
	uint32_t ka, ke;
	if (tracepoint("page_fault_user", &uid, &t->addr_offset, &t->error_offset) ||
	    tracepoint("page_fault_kernel", &kid, &ka, &ke) || ka != t->addr_offset ||
	    ke != t->error_offset) {
		snprintf(why, why_size, "the tracepoints exceptions:page_fault_user/_kernel are not "
					"readable (tracefs not mounted, or not root)");
		return -1;
	}
	t->fd = event_open(t, PERF_TYPE_TRACEPOINT, uid, PERF_SAMPLE_RAW);
	if (t->fd < 0) {
		say_refused(why, why_size, "perf_event_open of exceptions:page_fault_user", errno);
		return -1;
	}
	t->fd_kernel = event_open(t, PERF_TYPE_TRACEPOINT, kid, PERF_SAMPLE_RAW);
	if (t->fd_kernel < 0) {
		say_refused(why, why_size, "perf_event_open of exceptions:page_fault_kernel", errno);
		return -1;
	}
	return 0;
}

static int open_page_faults(struct rss_track *t, char *why, size_t why_size)
{
	/* Faults taken in the kernel (a read() into a fresh buffer) must count
	 * too: where only user faults may be recorded (exclude_kernel), statm. */
	t->fd = event_open(t, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, 0);
	if (t->fd < 0) {
		say_refused(why, why_size, "perf_event_open", errno);
		return -1;
	}
	return 0;
}

static void close_events(struct rss_track *t)
{
	if (t->ring)
		munmap(t->ring, (size_t)(1 + RING_DATA_PAGES) * t->page_size);
	if (t->fd >= 0)
		close(t->fd);
	if (t->fd_kernel >= 0)
		close(t->fd_kernel);
	t->ring = NULL;
	t->meta = NULL;
	t->fd = t->fd_kernel = -1;
}

static int map_ring(struct rss_track *t, char *why, size_t why_size)
{
	size_t size = (size_t)(1 + RING_DATA_PAGES) * t->page_size;
	void *ring = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, 0);
	if (ring == MAP_FAILED) {
		snprintf(why, why_size, "perf ring buffer: mmap: %s", strerror(errno));
		return -1;
	}
	t->ring = ring;
	t->meta = ring;
	t->mask = (uint64_t)RING_DATA_PAGES * t->page_size - 1;
	t->tail = 0;
	if (t->fd_kernel >= 0 && syscall(SYS_ioctl, t->fd_kernel, PERF_EVENT_IOC_SET_OUTPUT, t->fd)) {
		snprintf(why, why_size, "perf set-output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Opens the events of one method, maps the ring: 0, or -1 with why. */
static int open_method(struct rss_track *t, enum rss_method m, char *why, size_t why_size)
{
	t->fd = t->fd_kernel = -1;
	int rc = m == RSS_METHOD_FAULT_TRACE ? open_trace(t, why, why_size)
					     : open_page_faults(t, why, why_size);
	if (!rc)
		rc = map_ring(t, why, why_size);
	if (rc)
		close_events(t);
	return rc;
}

/* The method asked for by ANTMEM_RSS_METHOD, or the best that opens: 0, or
 * -2 when the variable names none or one that cannot be had. */
static int choose_method(struct rss_track *t, char *why, size_t why_size)
{
	const char *forced = getenv("ANTMEM_RSS_METHOD");
	t->method = RSS_METHOD_STATM;
	if (forced && *forced) {
		enum rss_method m;
		if (strcmp(forced, "statm") == 0) {
			snprintf(why, why_size, "ANTMEM_RSS_METHOD=statm");
			return 0;
		} else if (strcmp(forced, "page-faults") == 0) {
			m = RSS_METHOD_PAGE_FAULTS;
		} else if (strcmp(forced, "fault-trace") == 0) {
			m = RSS_METHOD_FAULT_TRACE;
		} else {
			snprintf(why, why_size, "ANTMEM_RSS_METHOD=%.40s: not a method (statm, page-faults "
				 "or fault-trace)", forced);
			return -2;
		}
		char reason[200];
		if (open_method(t, m, reason, sizeof reason)) {
			snprintf(why, why_size, "ANTMEM_RSS_METHOD=%s: %s", forced, reason);
			return -2;
		}
		t->method = m;
		return 0;
	}
	char trace_why[200];
	if (!open_method(t, RSS_METHOD_FAULT_TRACE, trace_why, sizeof trace_why)) {
		t->method = RSS_METHOD_FAULT_TRACE;
	} else if (!open_method(t, RSS_METHOD_PAGE_FAULTS, why, why_size)) {
		t->method = RSS_METHOD_PAGE_FAULTS;
		snprintf(why, why_size, "%s", trace_why);
	}
	return 0;
}

/* Whether a write fault may map a transparent huge page (512 pages at once). */
static bool huge_pages_always(void)
{
	char buf[128];
	return read_small("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof buf) > 0 &&
	       strstr(buf, "[always]");
}

int rss_track_probe(enum rss_method *method, char *why, size_t why_size)
{
	struct rss_track t = {.fd = -1, .fd_kernel = -1, .page_size = (uint64_t)sysconf(_SC_PAGESIZE)};
	why[0] = '\0';
	int rc = choose_method(&t, why, why_size);
	*method = t.method;
	close_events(&t);
	return rc;
}

int rss_track_begin(struct rss_track *t, char *why, size_t why_size)
{
	memset(t, 0, sizeof *t);
	t->fd = t->fd_kernel = -1;
	t->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	t->release_points = alloc_release_points();
	why[0] = '\0';
	const char *inject = getenv("ANTMEM_RSS_INJECT");
	inject_hidden_release = inject && strcmp(inject, "hidden-release") == 0;
	inject_zero_page_counted = inject && strcmp(inject, "zero-page-counted") == 0;
	inject_missed_peak = inject && strcmp(inject, "missed-peak") == 0;
	int rc = choose_method(t, why, why_size);
	if (rc)
		return rc;
	if (t->method != RSS_METHOD_STATM &&
	    (syscall(SYS_ioctl, t->fd, PERF_EVENT_IOC_ENABLE, 0) ||
	     (t->fd_kernel >= 0 && syscall(SYS_ioctl, t->fd_kernel, PERF_EVENT_IOC_ENABLE, 0)))) {
		snprintf(why, why_size, "perf event enable: %s", strerror(errno));
		close_events(t);
		t->method = RSS_METHOD_STATM;
	}
	if (t->method != RSS_METHOD_STATM) {
		t->huge_writes = huge_pages_always();
		read_file_ranges(t);
		/* Our own first reads of the ring's pages fault them in (and add
		 * them to RSS): do that now, before the first reading. */
		volatile const unsigned char *p = t->ring;
		for (uint64_t off = 0; off <= t->mask + t->page_size; off += t->page_size)
			(void)p[off];
		/* and the first write to the meta page (data_tail) faults too: its
		 * record must come before the head is taken, not after */
		skip_to_head(t);
	}
	anchor(t);
	t->peak = t->rss;
	if (t->release_points == &mem_release_points)
		mem_release_hook = rss_track_release_point; /* glibc: its frees release unseen */
	active = t;
	return t->rss ? 0 : -1;
}

/* Copies len bytes at ring offset off, which may wrap around the data's end. */
static void ring_copy(const struct rss_track *t, uint64_t off, void *out, size_t len)
{
	const unsigned char *data = (const unsigned char *)t->ring + t->page_size;
	off &= t->mask;
	if (off + len <= t->mask + 1) {
		memcpy(out, data + off, len);
	} else {
		for (size_t i = 0; i < len; i++)
			((unsigned char *)out)[i] = data[(off + i) & t->mask];
	}
}

/* What one fault did to RSS under fault-trace: +1 page, 0, or -1 when it
 * cannot say (a file-backed page, a huge-page write): statm must. */
static int fault_pages(struct rss_track *t, uint64_t addr, uint64_t error_code)
{
	if (addr >= USER_SPACE_END)
		return 0; /* a kernel address: no page of ours */
	if (in_file_range(t, addr))
		return -1;
	if (!(error_code & PF_WRITE) && !inject_zero_page_counted) {
		/* a read: maps the zero page (or was a protection fault on a page
		 * already there); a later write faults again and counts */
		t->zero_page_reads++;
		return 0;
	}
	if (t->huge_writes)
		return -1;
	uint64_t page = addr / t->page_size;
	uint64_t *slot = &t->recent[page % RSS_TRACK_RECENT];
	if (*slot == page + 1)
		return 0; /* counted already since the anchor */
	*slot = page + 1;
	return 1;
}

/* Reads the records written since the last call, counting the pages they
 * added. Returns false when a record cannot be counted so (the page-faults
 * method, a file-backed page, lost records): read statm. */
static bool drain(struct rss_track *t, uint64_t head)
{
	bool countable = t->method == RSS_METHOD_FAULT_TRACE;
	while (t->tail < head) {
		struct perf_event_header h;
		ring_copy(t, t->tail, &h, sizeof h);
		if (h.type == PERF_RECORD_SAMPLE) {
			t->faults++;
			if (t->method == RSS_METHOD_FAULT_TRACE) {
				/* header, u32 raw size, raw data */
				uint64_t raw = t->tail + sizeof h + sizeof(uint32_t), addr, error_code;
				ring_copy(t, raw + t->addr_offset, &addr, sizeof addr);
				ring_copy(t, raw + t->error_offset, &error_code, sizeof error_code);
				int pages = fault_pages(t, addr, error_code);
				if (pages < 0)
					countable = false;
				else
					t->rss += (uint64_t)pages * t->page_size;
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
	if (t->method == RSS_METHOD_STATM) {
		t->rss = rss_bytes_now();
		t->anchors++;
	} else {
		uint64_t head = __atomic_load_n(&t->meta->data_head, __ATOMIC_ACQUIRE);
		if (file_maps_changed != t->maps_seen)
			read_file_ranges(t);
		if (releases_now(t) != t->releases_seen || !drain(t, head)) {
			/* statm counts every page the records up to its reading would */
			anchor(t);
		}
	}
	if (t->rss > t->peak)
		t->peak = t->rss;
	return t->rss;
}

void rss_track_release_point(void)
{
	static bool inside; /* statm's read cannot release, but be safe */
	if (!active || inside || inject_missed_peak)
		return;
	inside = true;
	if (!rss_track_quiet(active)) /* never quiet under statm */
		rss_track_update(active);
	inside = false;
}

void rss_track_detach(struct rss_track *t)
{
	if (active == t) {
		active = NULL;
		mem_release_hook = NULL;
	}
}

void rss_track_end(struct rss_track *t)
{
	rss_track_detach(t);
	close_events(t);
}
