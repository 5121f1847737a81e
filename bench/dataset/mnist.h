/* MNIST-shaped CSV as it is found: an optional UTF-8 byte-order mark, an
 * optional header (any 785 names, the first "label": "label,pixel0,...,
 * pixel783" or "label,1x1,...,28x28"), then one row per image: a label 0-9
 * and 784 pixel values 0-255 (one to three digits: leading zeros allowed),
 * comma-separated, every line ending in "\n" or "\r\n" (a file whose last
 * line has no line end is refused: "...,25" may be "...,255" cut short). The reader streams
 * it with a fixed buffer and refuses anything else with "file:line: reason";
 * the generator writes it deterministically, with the "pixelN" header. The in-memory dataset has two layouts (rows, columns). */
#ifndef ANTMEM_MNIST_H
#define ANTMEM_MNIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MNIST_PIXELS 784
#define MNIST_FIELDS (1 + MNIST_PIXELS)
/* The longest valid row: "009" and 784 times ",255" (zero-padded fields). */
#define MNIST_MAX_LINE (3 + 4 * MNIST_PIXELS)

/* Bytes every reader has read so far, for the curves (like mem.c's counters). */
extern uint64_t mnist_bytes_read;

struct mnist_row {
	uint8_t label;
	uint8_t pixels[MNIST_PIXELS];
};

struct mnist_reader {
	FILE *f;
	const char *path;
	uint64_t line; /* of the last line read; the header, if any, is line 1 */
	char buf[MNIST_MAX_LINE + 3]; /* the longest row, a stray "\r" and the NUL */
	char in[1 << 16];             /* bytes read from f, not yet taken into lines */
	size_t in_pos, in_len;
};

/* Open and check the header (or that the first line is a row, when there is
 * none): 0, or -1 with "path[:line]: reason" in err. Needs a seekable file
 * when there is no header. */
int mnist_open(struct mnist_reader *r, const char *path, char *err, size_t err_size);
/* The same over an open stream (closed by mnist_close), named path in errors. */
int mnist_attach(struct mnist_reader *r, FILE *f, const char *path, char *err, size_t err_size);
/* The next row: 1, 0 at the end of the file, or -1 with the reason in err. */
/* Rows left in the stream from here (newlines, plus a last line without
 * one), reading it to the end: >= 0, or -1 with the reason in err. */
long mnist_count_rest(struct mnist_reader *r, char *err, size_t err_size);
int mnist_next(struct mnist_reader *r, struct mnist_row *row, char *err, size_t err_size);
void mnist_close(struct mnist_reader *r);
/* The whole file read as a run would, before any run reads a part of it: a
 * regular file (not a FIFO or a device, which could block or never end),
 * every row valid, at least one: the row count, or -1 with "path[:line]:
 * reason" in err. */
long mnist_check_file(const char *path, char *err, size_t err_size);

/* Write rows deterministic digit-like images (seeded) to path, atomically:
 * 0, or -1 with the reason in err. */
int mnist_generate(const char *path, uint64_t rows, uint64_t seed, char *err, size_t err_size);

enum dataset_layout { DATASET_ROWS, DATASET_COLUMNS };

/* A whole dataset in memory, as an array of row structs or as one array per
 * field; both grow by doubling through layouts/mem.c, so requested and usable
 * bytes per row are measured like the colony's bytes per ant. */
struct dataset {
	enum dataset_layout layout;
	size_t rows, capacity;
	struct mnist_row *row_array;      /* DATASET_ROWS */
	uint8_t *columns[MNIST_FIELDS];   /* DATASET_COLUMNS: [0] labels, [1 + p] pixel p */
	size_t column_capacity[MNIST_FIELDS]; /* each grows on its own: a failed grow stays exact */
};

/* Append one row: 0 or -ENOMEM. */
int dataset_append(struct dataset *d, const struct mnist_row *row);
uint8_t dataset_pixel(const struct dataset *d, size_t row, size_t pixel);
uint8_t dataset_label(const struct dataset *d, size_t row);
/* Read all of path: 0, or -1 with the reason in err (the dataset is then freed). */
int dataset_load(struct dataset *d, enum dataset_layout layout, const char *path, char *err,
		 size_t err_size);
void dataset_free(struct dataset *d);

/* The seed's DataLoader with functools.cached_property: holds only its path
 * until the dataset is first asked for, then loads it once and caches it. */
struct data_loader {
	char *path;
	enum dataset_layout layout;
	struct dataset *cached; /* NULL until the first request */
	unsigned loads;         /* how many times the file was read: 0 or 1 */
};

int loader_init(struct data_loader *l, const char *path, enum dataset_layout layout);
/* The dataset, loaded on the first call: NULL with the reason in err. */
const struct dataset *loader_dataset(struct data_loader *l, char *err, size_t err_size);
void loader_free(struct data_loader *l);

/* The seed's generator: one chunk of at most `rows` rows at a time from a
 * single pass over the stream, never holding more than one chunk. */
struct chunk_iter {
	struct mnist_reader reader;
	size_t chunk_rows;
	struct mnist_row *rows; /* the one chunk's buffer */
	size_t count;           /* rows in the current chunk */
};

int chunk_open(struct chunk_iter *it, const char *path, size_t chunk_rows, char *err,
	       size_t err_size);
/* The next chunk into it->rows: its row count (the last may be short), 0 at
 * the end, -1 with the reason in err. */
long chunk_next(struct chunk_iter *it, char *err, size_t err_size);
void chunk_close(struct chunk_iter *it);

/* The seed's first load_data: re-read the file from the top, skip
 * chunk_index * chunk_rows rows, read one chunk (pandas' skiprows). */
long chunk_reread(const char *path, size_t chunk_index, size_t chunk_rows, struct mnist_row *out,
		  char *err, size_t err_size);

#endif
