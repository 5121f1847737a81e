/* The MNIST reader, generator, dataset layouts, lazy loader and chunk
 * iterators: every malformed input named in the issue gets a "file:line"
 * error; the loader reads once; chunk boundaries are exact and the last
 * partial chunk is included; re-reading yields the same rows as one pass. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "dataset/mnist.h"
#include "mem.h"

static char dir[] = "/tmp/antmem-mnist-XXXXXX";

static const char *path_of(const char *name)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static const char *header(void)
{
	static char h[16 + 12 * MNIST_PIXELS];
	char *p = h + sprintf(h, "label");
	for (int i = 0; i < MNIST_PIXELS; i++)
		p += sprintf(p, ",pixel%d", i);
	return h;
}

/* A row "label,v,v,...": fields pixels, each v. */
static void put_row(FILE *f, const char *label, int fields, const char *v, const char *end)
{
	fputs(label, f);
	for (int i = 0; i < fields; i++)
		fprintf(f, ",%s", v);
	fputs(end, f);
}

/* Writes header + one good row + the bad line (given by a callback). */
static const char *write_file(const char *name, void (*bad)(FILE *))
{
	const char *path = path_of(name);
	FILE *f = fopen(path, "w");
	fprintf(f, "%s\n", header());
	put_row(f, "3", MNIST_PIXELS, "0", "\n");
	if (bad)
		bad(f);
	fclose(f);
	return path;
}

static void few_fields(FILE *f) { put_row(f, "1", 11, "7", "\n"); }
static void many_fields(FILE *f) { put_row(f, "1", MNIST_PIXELS + 1, "7", "\n"); }
static void not_number(FILE *f) { put_row(f, "1", MNIST_PIXELS - 1, "7", ",x7\n"); }
static void out_of_range(FILE *f) { put_row(f, "1", MNIST_PIXELS, "256", "\n"); }
static void bad_label(FILE *f) { put_row(f, "12", MNIST_PIXELS, "0", "\n"); }
static void cut_mid_row(FILE *f) { put_row(f, "1", 300, "0", ""); }
/* a whole-looking row, but "...,25" may be "...,255" cut short: no line end */
static void cut_last_field(FILE *f) { put_row(f, "1", MNIST_PIXELS, "25", ""); }
static void too_long(FILE *f) { put_row(f, "1", 5000, "255", "\n"); }
static void negative(FILE *f) { put_row(f, "1", MNIST_PIXELS, "-1", "\n"); }

static void expect_error(const char *path, const char *want)
{
	struct mnist_reader r;
	struct mnist_row row;
	char err[512] = "";
	int rc = mnist_open(&r, path, err, sizeof err);
	if (rc == 0)
		while ((rc = mnist_next(&r, &row, err, sizeof err)) == 1)
			;
	mnist_close(&r);
	CHECK_EQ_INT(rc, -1, "%s must be refused", path);
	CHECK(strstr(err, want) != NULL, "error '%s' should contain '%s'", err, want);
	CHECK(strchr(err, '\n') == NULL, "one line: %s", err);
}

static void test_malformed(void)
{
	char want[512];
	expect_error(path_of("missing.csv"), "missing.csv: No such file or directory");
	FILE *f = fopen(path_of("empty.csv"), "w");
	fclose(f);
	expect_error(path_of("empty.csv"), "empty.csv: empty file");
	f = fopen(path_of("header.csv"), "w");
	fputs("label,a,b\n", f);
	fclose(f);
	expect_error(path_of("header.csv"), "header.csv:1: header has 3 fields, expected 785");
	f = fopen(path_of("other.csv"), "w");
	fputs("id,a,b\n", f);
	fclose(f);
	expect_error(path_of("other.csv"), "other.csv:1: neither an MNIST header (785 fields, the first "
					   "'label') nor a row (785 numbers)");
	f = fopen(path_of("badbom.csv"), "w");
	fputs("\xef\xbblabel\n", f);
	fclose(f);
	expect_error(path_of("badbom.csv"), "badbom.csv:1: not text: starts with byte 0xEF");
	struct { const char *name; void (*bad)(FILE *); const char *reason; } cases[] = {
		{"few.csv", few_fields, ":3: expected 785 fields, got 12"},
		{"many.csv", many_fields, ":3: expected 785 fields, got 786"},
		{"nan.csv", not_number, ":3: field 785: not a number 0-255"},
		{"range.csv", out_of_range, ":3: field 2: value out of range 0-255"},
		{"label.csv", bad_label, ":3: field 1: value out of range 0-9"},
		{"negative.csv", negative, ":3: field 2: not a number 0-255"},
		{"cut.csv", cut_mid_row, ":3: the file ends inside this line (no line end): cut short?"},
		{"cutfield.csv", cut_last_field, ":3: the file ends inside this line (no line end)"},
		{"long.csv", too_long, ":3: line longer than any valid row (3139 bytes)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		snprintf(want, sizeof want, "%s%s", cases[i].name, cases[i].reason);
		expect_error(write_file(cases[i].name, cases[i].bad), want);
	}
}

/* Rows as they come in the wild, each file holding the same two rows. */
static int read_all_rows(const char *path, struct mnist_row *rows, int max, char *err, size_t err_size)
{
	struct mnist_reader r;
	if (mnist_open(&r, path, err, err_size))
		return -1;
	int n = 0, rc;
	while (n < max && (rc = mnist_next(&r, &rows[n], err, err_size)) == 1)
		n++;
	mnist_close(&r);
	return rc < 0 ? -1 : n;
}

static void write_variant(const char *name, const char *bom, const char *head, const char *eol,
			  bool final_eol, const char *zero)
{
	FILE *f = fopen(path_of(name), "w");
	fputs(bom, f);
	if (head)
		fprintf(f, "%s%s", head, eol);
	put_row(f, "7", MNIST_PIXELS, zero, eol);
	put_row(f, "2", MNIST_PIXELS, "255", final_eol ? eol : "");
	fclose(f);
}

static void test_files_in_the_wild(void)
{
	static char kaggle[16 + 12 * MNIST_PIXELS], grid[16 + 8 * MNIST_PIXELS];
	strcpy(kaggle, header());
	char *p = grid + sprintf(grid, "label");
	for (int y = 1; y <= 28; y++)
		for (int x = 1; x <= 28; x++)
			p += sprintf(p, ",%dx%d", y, x);
	struct {
		const char *name, *bom, *head, *eol;
		bool final_eol;
		const char *zero;
	} files[] = {
		{"kaggle.csv", "", kaggle, "\n", true, "0"},
		{"grid.csv", "", grid, "\n", true, "0"},
		{"noheader.csv", "", NULL, "\n", true, "0"},
		{"crlf.csv", "", grid, "\r\n", true, "0"},
		{"crlf-noheader.csv", "", NULL, "\r\n", true, "0"},
		{"bom.csv", "\xef\xbb\xbf", kaggle, "\r\n", true, "0"},
		{"bom-noheader.csv", "\xef\xbb\xbf", NULL, "\n", true, "0"},
		{"zeros.csv", "", grid, "\n", true, "000"},
	};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		write_variant(files[i].name, files[i].bom, files[i].head, files[i].eol, files[i].final_eol,
			      files[i].zero);
		struct mnist_row rows[3];
		char err[512] = "";
		int n = read_all_rows(path_of(files[i].name), rows, 3, err, sizeof err);
		CHECK_EQ_INT(n, 2, "%s: two rows (%s)", files[i].name, err);
		if (n != 2)
			continue;
		CHECK(rows[0].label == 7 && rows[0].pixels[0] == 0 && rows[0].pixels[783] == 0,
		      "%s: first row", files[i].name);
		CHECK(rows[1].label == 2 && rows[1].pixels[0] == 255 && rows[1].pixels[783] == 255,
		      "%s: second row", files[i].name);
		struct dataset d;
		CHECK_EQ_INT(dataset_load(&d, DATASET_ROWS, path_of(files[i].name), err, sizeof err), 0,
			     "%s: whole load: %s", files[i].name, err);
		CHECK_EQ_U64(d.rows, 2, "%s: loaded rows", files[i].name);
		dataset_free(&d);
	}
	/* a header and nothing else is no dataset */
	FILE *f = fopen(path_of("headeronly.csv"), "w");
	fprintf(f, "%s\n", kaggle);
	fclose(f);
	struct dataset d;
	char err[512] = "";
	CHECK_EQ_INT(dataset_load(&d, DATASET_ROWS, path_of("headeronly.csv"), err, sizeof err), -1,
		     "header only is refused");
	CHECK(strstr(err, "headeronly.csv: no rows") != NULL, "says so: %s", err);
}

static void test_generate_and_read(void)
{
	char err[512];
	const char *path = path_of("gen.csv");
	CHECK_EQ_INT(mnist_generate(path, 1001, 7, err, sizeof err), 0, "%s", err);
	struct mnist_reader r;
	struct mnist_row row;
	CHECK_EQ_INT(mnist_open(&r, path, err, sizeof err), 0, "%s", err);
	int rows = 0, rc, zeros = 0;
	while ((rc = mnist_next(&r, &row, err, sizeof err)) == 1) {
		rows++;
		for (int p = 0; p < MNIST_PIXELS; p++)
			zeros += row.pixels[p] == 0;
	}
	mnist_close(&r);
	CHECK_EQ_INT(rc, 0, "%s", err);
	CHECK_EQ_INT(rows, 1001, "every generated row reads back");
	CHECK(zeros > rows * MNIST_PIXELS * 6 / 10, "mostly ink-free, like MNIST: %d zeros", zeros);
	CHECK_EQ_INT(mnist_generate(path_of("gen2.csv"), 1001, 7, err, sizeof err), 0, "%s", err);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "cmp -s %s %s", path, path_of("gen2.csv"));
	CHECK_EQ_INT(system(cmd), 0, "same seed, same bytes");
	/* a folder that cannot exist: below a regular file, not a guess at a path */
	CHECK_EQ_INT(mnist_generate(path_of("cut.csv/x.csv"), 1, 1, err, sizeof err), -1, "bad folder");
}

static void test_layouts_agree(void)
{
	char err[512];
	const char *path = path_of("gen.csv");
	struct dataset rows, cols;
	CHECK_EQ_INT(dataset_load(&rows, DATASET_ROWS, path, err, sizeof err), 0, "%s", err);
	CHECK_EQ_INT(dataset_load(&cols, DATASET_COLUMNS, path, err, sizeof err), 0, "%s", err);
	CHECK_EQ_U64(rows.rows, 1001, "rows");
	CHECK_EQ_U64(cols.rows, 1001, "columns");
	int differ = 0;
	for (size_t r = 0; r < rows.rows; r++) {
		differ += dataset_label(&rows, r) != dataset_label(&cols, r);
		for (size_t p = 0; p < MNIST_PIXELS; p++)
			differ += dataset_pixel(&rows, r, p) != dataset_pixel(&cols, r, p);
	}
	CHECK_EQ_INT(differ, 0, "rows and columns hold the same data");
	dataset_free(&rows);
	dataset_free(&cols);
	struct dataset bad;
	CHECK_EQ_INT(dataset_load(&bad, DATASET_ROWS, path_of("cut.csv"), err, sizeof err), -1,
		     "a bad file is refused");
}

static void test_lazy_loader(void)
{
	char err[512];
	size_t before = mem_requested_bytes;
	uint64_t read_before = mnist_bytes_read;
	struct data_loader l;
	CHECK_EQ_INT(loader_init(&l, path_of("gen.csv"), DATASET_ROWS), 0, "init");
	CHECK(l.cached == NULL && l.loads == 0, "nothing loaded at construction");
	CHECK_EQ_U64(mnist_bytes_read, read_before, "not a byte read at construction");
	CHECK(mem_requested_bytes - before < 100, "holds only its path: %zu bytes",
	      mem_requested_bytes - before);
	const struct dataset *a = loader_dataset(&l, err, sizeof err);
	CHECK(a != NULL && a->rows == 1001, "first access loads");
	uint64_t read_once = mnist_bytes_read - read_before;
	const struct dataset *b = loader_dataset(&l, err, sizeof err);
	CHECK(a == b, "later accesses return the same dataset");
	CHECK_EQ_U64(l.loads, 1, "read once");
	CHECK_EQ_U64(mnist_bytes_read - read_before, read_once, "no second read");
	loader_free(&l);
	CHECK_EQ_U64(mem_requested_bytes, before, "everything freed");

	CHECK_EQ_INT(loader_init(&l, path_of("missing.csv"), DATASET_COLUMNS), 0, "init");
	CHECK(loader_dataset(&l, err, sizeof err) == NULL, "a missing file fails at first access");
	CHECK(strstr(err, "missing.csv") != NULL, "naming it: %s", err);
	loader_free(&l);
}

static void test_chunks(void)
{
	char err[512];
	const char *path = path_of("gen.csv");
	struct dataset all;
	CHECK_EQ_INT(dataset_load(&all, DATASET_ROWS, path, err, sizeof err), 0, "%s", err);
	struct chunk_iter it;
	CHECK_EQ_INT(chunk_open(&it, path, 100, err, sizeof err), 0, "%s", err);
	struct mnist_row again[100];
	long count, seen = 0, chunks = 0;
	while ((count = chunk_next(&it, err, sizeof err)) > 0) {
		CHECK(count == 100 || (chunks == 10 && count == 1), "chunk %ld has %ld rows", chunks,
		      count);
		CHECK(memcmp(it.rows, &all.row_array[seen], (size_t)count * sizeof *it.rows) == 0,
		      "chunk %ld holds rows %ld..", chunks, seen);
		long re = chunk_reread(path, (size_t)chunks, 100, again, err, sizeof err);
		CHECK_EQ_INT(re, count, "reread chunk %ld", chunks);
		CHECK(memcmp(again, it.rows, (size_t)count * sizeof *again) == 0,
		      "reread chunk %ld holds the same rows", chunks);
		seen += count;
		chunks++;
	}
	CHECK_EQ_INT(count, 0, "%s", err);
	CHECK_EQ_INT(seen, 1001, "every row once, the last partial chunk included");
	CHECK_EQ_INT(chunks, 11, "10 full chunks and 1 of one row");
	CHECK_EQ_INT(chunk_reread(path, 11, 100, again, err, sizeof err), 0, "past the end: empty");
	chunk_close(&it);
	dataset_free(&all);
	CHECK_EQ_INT(chunk_open(&it, path_of("cut.csv"), 10, err, sizeof err), 0, "%s", err);
	CHECK_EQ_INT(chunk_next(&it, err, sizeof err), -1, "an error inside a chunk surfaces");
	CHECK(strstr(err, "cut.csv:3:") != NULL, "with its line: %s", err);
	chunk_close(&it);
}

/* The whole-file check the driver runs before any run: every row read, at
 * least one, a regular file (a FIFO would block, /dev/zero never end). */
static void test_check_file(void)
{
	char err[512] = "";
	const char *good = write_file("check-good.csv", NULL);
	CHECK_EQ_INT(mnist_check_file(good, err, sizeof err), 1, "one row: %s", err);
	FILE *f = fopen(path_of("check-header.csv"), "w");
	fprintf(f, "%s\n", header());
	fclose(f);
	CHECK_EQ_INT(mnist_check_file(path_of("check-header.csv"), err, sizeof err), -1, "header only");
	CHECK(strstr(err, "check-header.csv: no rows (a header only)") != NULL, "%s", err);
	CHECK_EQ_INT(mnist_check_file(path_of("cutfield.csv"), err, sizeof err), -1, "cut in its last field");
	CHECK(strstr(err, "cutfield.csv:3: the file ends inside this line") != NULL, "%s", err);
	CHECK(mkfifo(path_of("check-fifo"), 0600) == 0, "mkfifo: %s", strerror(errno));
	CHECK_EQ_INT(mnist_check_file(path_of("check-fifo"), err, sizeof err), -1, "a FIFO");
	CHECK(strstr(err, "check-fifo: not a regular file") != NULL, "%s", err);
	CHECK_EQ_INT(mnist_check_file("/dev/zero", err, sizeof err), -1, "a device");
	CHECK_EQ_INT(mnist_check_file(dir, err, sizeof err), -1, "a folder");
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_malformed();
	test_check_file();
	test_files_in_the_wild();
	test_generate_and_read();
	test_layouts_agree();
	test_lazy_loader();
	test_chunks();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return check_done("test_mnist");
}
