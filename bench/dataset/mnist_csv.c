/* The MNIST CSV reader and generator (see mnist.h). The reader holds one
 * line and one 64 KiB block of input, both inside its struct: a line longer
 * than any valid row is refused as soon as the line buffer fills, so a
 * malformed file cannot make it allocate. */
#include "mnist.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "../io/atomic_file.h"

uint64_t mnist_bytes_read;

static int fail(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return -1;
}

/* Refill r->in from the stream: bytes now available, 0 at the end or on error. */
static size_t refill(struct mnist_reader *r)
{
	r->in_pos = 0;
	r->in_len = fread(r->in, 1, sizeof r->in, r->f);
	return r->in_len;
}

/* The next line into r->buf without its "\n": 1, 0 at a clean end, -1.
 * Copied from the stream's bytes a run at a time (memchr finds the newline),
 * and every run is searched for a NUL before it is kept, so a NUL inside a
 * line is seen (fgets would hide it; found by tests/fuzz/fuzz_mnist.c) and
 * an overlong line stops at the buffer: the same answers, in the same order,
 * as reading byte by byte, several times faster. */
static int read_line(struct mnist_reader *r, char *err, size_t err_size)
{
	size_t len = 0;
	for (;;) {
		if (r->in_pos == r->in_len && !refill(r)) {
			if (ferror(r->f))
				return fail(err, err_size, "%s:%llu: read error: %s", r->path,
					    (unsigned long long)r->line + 1, strerror(errno));
			if (len == 0)
				return 0;
			/* "...,25" may be "...,255" cut short: no reader can tell */
			return fail(err, err_size, "%s:%llu: the file ends inside this line (no line "
					"end): cut short?", r->path, (unsigned long long)r->line + 1);
		}
		const char *run = r->in + r->in_pos;
		size_t avail = r->in_len - r->in_pos;
		const char *nl = memchr(run, '\n', avail);
		size_t run_len = nl ? (size_t)(nl - run) : avail;
		/* room for a '\r' past the longest row; the first byte past it is
		 * still checked for NUL first, as the byte-wise reader did */
		size_t fit = MNIST_MAX_LINE + 1 - len;
		size_t scan = run_len < fit + 1 ? run_len : fit + 1;
		const char *nul = memchr(run, '\0', scan);
		if (nul) {
			mnist_bytes_read += (uint64_t)(nul - run) + 1;
			return fail(err, err_size, "%s:%llu: NUL byte in line", r->path,
				    (unsigned long long)r->line + 1);
		}
		if (run_len > fit) {
			mnist_bytes_read += fit + 1;
			return fail(err, err_size, "%s:%llu: line longer than any valid row (%d bytes)",
				    r->path, (unsigned long long)r->line + 1, MNIST_MAX_LINE);
		}
		memcpy(r->buf + len, run, run_len);
		len += run_len;
		r->in_pos += run_len + (nl != NULL);
		mnist_bytes_read += run_len + (nl != NULL);
		if (nl)
			break;
	}
	r->line++;
	if (len && r->buf[len - 1] == '\r') /* CRLF, as files from Windows tools come */
		len--;
	r->buf[len] = '\0';
	return 1;
}

/* What the generator writes as its header. */
static const char *generated_header(void)
{
	static char header[16 + 12 * MNIST_PIXELS];
	if (!header[0]) {
		char *p = header + sprintf(header, "label");
		for (int i = 0; i < MNIST_PIXELS; i++)
			p += sprintf(p, ",pixel%d", i);
	}
	return header;
}

int mnist_open(struct mnist_reader *r, const char *path, char *err, size_t err_size)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		*r = (struct mnist_reader){.path = path};
		return fail(err, err_size, "%s: %s", path, strerror(errno));
	}
	return mnist_attach(r, f, path, err, err_size);
}

/* The first line, read by getc (a header is longer than any row): how many
 * fields, the first field's text, whether every field is a number of at
 * most three digits, and its length in bytes with its line end. */
struct first_line {
	int fields;
	char first[8];
	bool numeric, ended, crlf;
	uint64_t bytes;
};

static int read_first_line(FILE *f, struct first_line *l)
{
	*l = (struct first_line){.fields = 1, .numeric = true};
	size_t first_len = 0, field_len = 0;
	int c;
	while ((c = getc(f)) != EOF) {
		l->bytes++;
		if (c == '\n') {
			l->ended = true;
			break;
		}
		if (c == '\r') {
			int next = getc(f);
			if (next == '\n' || next == EOF) {
				l->bytes += next == '\n';
				l->ended = l->crlf = next == '\n';
				break;
			}
			ungetc(next, f);
		}
		if (c == ',') {
			l->numeric = l->numeric && field_len > 0;
			l->fields += l->fields <= MNIST_FIELDS; /* counting on says nothing more */
			field_len = 0;
			continue;
		}
		if (l->fields == 1 && first_len < sizeof l->first - 1)
			l->first[first_len++] = (char)c;
		l->numeric = l->numeric && c >= '0' && c <= '9' && field_len < 3;
		field_len++;
	}
	l->numeric = l->numeric && field_len > 0;
	return c == EOF && ferror(f) ? -1 : 0;
}

int mnist_attach(struct mnist_reader *r, FILE *f, const char *path, char *err, size_t err_size)
{
	*r = (struct mnist_reader){.f = f, .path = path};
	/* A UTF-8 byte-order mark, as spreadsheet exports write, is skipped. */
	long start = 0;
	int c = getc(f);
	if (c == 0xEF) {
		if (getc(f) != 0xBB || getc(f) != 0xBF) {
			mnist_close(r);
			return fail(err, err_size, "%s:1: not text: starts with byte 0xEF but no UTF-8 "
					"byte-order mark", path);
		}
		start = 3;
		mnist_bytes_read += 3;
	} else if (c != EOF) {
		ungetc(c, f);
	}
	struct first_line l;
	if (read_first_line(f, &l)) {
		mnist_close(r);
		return fail(err, err_size, "%s:1: read error: %s", path, strerror(errno));
	}
	mnist_bytes_read += l.bytes;
	if (l.bytes == 0) {
		mnist_close(r);
		return fail(err, err_size, "%s: empty file (expected a header or a first row)", path);
	}
	/* A header: any 785 names, the first "label" (label,pixel0,... from
	 * Kaggle, label,1x1,...,28x28 from others). */
	if (strcmp(l.first, "label") == 0) {
		if (l.fields != MNIST_FIELDS) {
			mnist_close(r);
			return fail(err, err_size, "%s:1: header has %s%d fields, expected %d (label and %d pixels)",
				    path, l.fields > MNIST_FIELDS ? "over " : "",
				    l.fields > MNIST_FIELDS ? MNIST_FIELDS : l.fields, MNIST_FIELDS,
				    MNIST_PIXELS);
		}
		r->line = 1;
		return 0;
	}
	/* No header: the first line is already a row; read it again as one. */
	if (l.numeric && l.fields == MNIST_FIELDS) {
		if (fseek(f, start, SEEK_SET)) {
			mnist_close(r);
			return fail(err, err_size, "%s: no header, and its first row cannot be read again: %s",
				    path, strerror(errno));
		}
		mnist_bytes_read -= l.bytes;
		r->line = 0;
		return 0;
	}
	mnist_close(r);
	return fail(err, err_size, "%s:1: neither an MNIST header (%d fields, the first 'label') nor a "
			"row (%d numbers)", path, MNIST_FIELDS, MNIST_FIELDS);
}

/* The whole check of one line, field by field, with a message for the first
 * fault: the reference that the fast path below falls back to. */
static int parse_line(const struct mnist_reader *r, struct mnist_row *row, char *err, size_t err_size)
{
	const char *p = r->buf;
	for (int field = 0; field < MNIST_FIELDS; field++) {
		unsigned v = 0;
		int digits = 0;
		for (; *p >= '0' && *p <= '9'; p++, digits++)
			if ((v = v * 10 + (unsigned)(*p - '0')) > 255 || digits >= 3)
				break;
		unsigned max = field == 0 ? 9 : 255;
		if (digits && v > max)
			return fail(err, err_size, "%s:%llu: field %d: value out of range 0-%u",
				    r->path, (unsigned long long)r->line, field + 1, max);
		if (!digits || (*p && *p != ','))
			return fail(err, err_size, "%s:%llu: field %d: not a number 0-%u", r->path,
				    (unsigned long long)r->line, field + 1, max);
		if (field == 0)
			row->label = (uint8_t)v;
		else
			row->pixels[field - 1] = (uint8_t)v;
		if (field < MNIST_FIELDS - 1) {
			if (!*p)
				return fail(err, err_size, "%s:%llu: expected %d fields, got %d",
					    r->path, (unsigned long long)r->line, MNIST_FIELDS,
					    field + 1);
			p++;
		}
	}
	if (*p) {
		int fields = MNIST_FIELDS;
		for (; *p; p++)
			fields += *p == ',';
		return fail(err, err_size, "%s:%llu: expected %d fields, got %d", r->path,
			    (unsigned long long)r->line, MNIST_FIELDS, fields);
	}
	return 1;
}

/* One to three digits then sep, the value at most max: the bytes after it, or
 * NULL for anything else (parse_line then says what). */
static inline const unsigned char *field_fast(const unsigned char *p, unsigned max, unsigned char sep,
					       uint8_t *out)
{
	unsigned v = (unsigned)p[0] - '0', d;
	if (v > 9)
		return NULL;
	if ((d = (unsigned)p[1] - '0') <= 9) {
		v = v * 10 + d;
		p++;
		if ((d = (unsigned)p[1] - '0') <= 9) {
			v = v * 10 + d;
			p++;
		}
	}
	if (p[1] != sep || v > max)
		return NULL;
	*out = (uint8_t)v;
	return p + 2;
}

long mnist_count_rest(struct mnist_reader *r, char *err, size_t err_size)
{
	long lines = 0;
	char last = '\n';
	while (r->in_pos < r->in_len || refill(r)) {
		const char *p = r->in + r->in_pos;
		size_t n = r->in_len - r->in_pos;
		for (const char *nl = p; (nl = memchr(nl, '\n', (size_t)(p + n - nl))); nl++)
			lines++;
		last = p[n - 1];
		r->in_pos = r->in_len;
	}
	if (ferror(r->f))
		return fail(err, err_size, "%s: read error: %s", r->path, strerror(errno));
	return lines + (last != '\n');
}

int mnist_next(struct mnist_reader *r, struct mnist_row *row, char *err, size_t err_size)
{
	int rc = read_line(r, err, err_size);
	if (rc <= 0)
		return rc;
	/* Well-formed rows take the fast path; any other line is parsed again by
	 * parse_line, so every fault gets the same message as before. */
	const unsigned char *p = (const unsigned char *)r->buf;
	if (!(p = field_fast(p, 9, ',', &row->label)))
		return parse_line(r, row, err, err_size);
	for (int i = 0; i < MNIST_PIXELS - 1; i++)
		if (!(p = field_fast(p, 255, ',', &row->pixels[i])))
			return parse_line(r, row, err, err_size);
	if (!field_fast(p, 255, '\0', &row->pixels[MNIST_PIXELS - 1]))
		return parse_line(r, row, err, err_size);
	return 1;
}

long mnist_check_file(const char *path, char *err, size_t err_size)
{
	struct stat st;
	if (stat(path, &st))
		return fail(err, err_size, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(err, err_size, "%s: not a regular file (a FIFO, device or folder)", path);
	static struct mnist_reader r; /* its buffers are 70 KB: not on the stack */
	static struct mnist_row row;
	if (mnist_open(&r, path, err, err_size))
		return -1;
	long rows = 0;
	int rc;
	while ((rc = mnist_next(&r, &row, err, err_size)) == 1)
		rows++;
	mnist_close(&r);
	if (rc < 0)
		return -1;
	if (!rows)
		return fail(err, err_size, "%s: no rows (a header only)", path);
	return rows;
}

void mnist_close(struct mnist_reader *r)
{
	if (r->f)
		fclose(r->f);
	r->f = NULL;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int mnist_generate(const char *path, uint64_t rows, uint64_t seed, char *err, size_t err_size)
{
	struct atomic_file af;
	int rc = atomic_open(&af, path);
	if (rc)
		return fail(err, err_size, "%s: %s", path, strerror(-rc));
	uint64_t s = seed ? seed : 0x9e3779b97f4a7c15ULL;
	fprintf(af.f, "%s\n", generated_header());
	for (uint64_t i = 0; i < rows; i++) {
		/* a blob of ink: like MNIST, about four in five pixels are 0 */
		int cx = 8 + (int)(xorshift(&s) % 12), cy = 8 + (int)(xorshift(&s) % 12);
		int radius = 4 + (int)(xorshift(&s) % 5);
		fprintf(af.f, "%d", (int)(xorshift(&s) % 10));
		for (int p = 0; p < MNIST_PIXELS; p++) {
			int dx = p % 28 - cx, dy = p / 28 - cy, d2 = dx * dx + dy * dy;
			int v = d2 <= radius * radius ? (int)(255 - d2 * 255 / (radius * radius + 1))
						      : 0;
			fprintf(af.f, ",%d", v);
		}
		fputc('\n', af.f);
	}
	if (ferror(af.f)) {
		atomic_abort(&af);
		return fail(err, err_size, "%s: write error", path);
	}
	rc = atomic_commit(&af);
	return rc ? fail(err, err_size, "%s: %s", path, strerror(-rc)) : 0;
}
