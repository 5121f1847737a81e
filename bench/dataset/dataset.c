/* The in-memory dataset, the lazy loader and the chunk iterators (see
 * mnist.h). Rows: one 785-byte struct per image (no padding: all uint8).
 * Columns: 785 arrays of one byte per image. Both hold 785 bytes per row of
 * payload; they differ in growth (one array or 785 growing together) and in
 * which access is contiguous. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../layouts/mem.h"
#include "mnist.h"

int dataset_append(struct dataset *d, const struct mnist_row *row)
{
	if (d->rows == d->capacity) {
		if (d->layout == DATASET_ROWS) {
			if (mem_grow((void **)&d->row_array, &d->capacity, d->rows + 1, sizeof *row))
				return -ENOMEM;
		} else {
			for (int f = 0; f < MNIST_FIELDS; f++)
				if (mem_grow((void **)&d->columns[f], &d->column_capacity[f], d->rows + 1, 1))
					return -ENOMEM;
			d->capacity = d->column_capacity[0];
		}
	}
	if (d->layout == DATASET_ROWS) {
		d->row_array[d->rows] = *row;
	} else {
		d->columns[0][d->rows] = row->label;
		for (int p = 0; p < MNIST_PIXELS; p++)
			d->columns[1 + p][d->rows] = row->pixels[p];
	}
	d->rows++;
	return 0;
}

uint8_t dataset_label(const struct dataset *d, size_t row)
{
	return d->layout == DATASET_ROWS ? d->row_array[row].label : d->columns[0][row];
}

uint8_t dataset_pixel(const struct dataset *d, size_t row, size_t pixel)
{
	return d->layout == DATASET_ROWS ? d->row_array[row].pixels[pixel]
					 : d->columns[1 + pixel][row];
}

void dataset_free(struct dataset *d)
{
	mem_free(d->row_array, d->capacity * sizeof *d->row_array);
	for (int f = 0; f < MNIST_FIELDS; f++)
		mem_free(d->columns[f], d->column_capacity[f]);
	*d = (struct dataset){.layout = d->layout};
}

int dataset_load(struct dataset *d, enum dataset_layout layout, const char *path, char *err,
		 size_t err_size)
{
	struct mnist_reader r;
	struct mnist_row row;
	*d = (struct dataset){.layout = layout};
	if (mnist_open(&r, path, err, err_size))
		return -1;
	int rc;
	while ((rc = mnist_next(&r, &row, err, err_size)) == 1)
		if (dataset_append(d, &row)) {
			snprintf(err, err_size, "%s:%llu: out of memory", path,
				 (unsigned long long)r.line);
			rc = -1;
			break;
		}
	mnist_close(&r);
	if (rc == 0 && d->rows == 0) {
		snprintf(err, err_size, "%s: no rows (an MNIST CSV needs at least one)", path);
		rc = -1;
	}
	if (rc < 0)
		dataset_free(d);
	return rc < 0 ? -1 : 0;
}

int loader_init(struct data_loader *l, const char *path, enum dataset_layout layout)
{
	*l = (struct data_loader){.layout = layout};
	l->path = mem_strdup(path);
	return l->path ? 0 : -ENOMEM;
}

const struct dataset *loader_dataset(struct data_loader *l, char *err, size_t err_size)
{
	if (l->cached)
		return l->cached;
	struct dataset *d = mem_alloc(sizeof *d);
	if (!d) {
		snprintf(err, err_size, "%s: out of memory", l->path);
		return NULL;
	}
	l->loads++;
	if (dataset_load(d, l->layout, l->path, err, err_size)) {
		mem_free(d, sizeof *d);
		return NULL;
	}
	return l->cached = d;
}

void loader_free(struct data_loader *l)
{
	if (l->cached) {
		dataset_free(l->cached);
		mem_free(l->cached, sizeof *l->cached);
	}
	if (l->path)
		mem_free(l->path, strlen(l->path) + 1);
	*l = (struct data_loader){0};
}

int chunk_open(struct chunk_iter *it, const char *path, size_t chunk_rows, char *err,
	       size_t err_size)
{
	*it = (struct chunk_iter){.chunk_rows = chunk_rows};
	if (mnist_open(&it->reader, path, err, err_size))
		return -1;
	it->rows = mem_alloc(chunk_rows * sizeof *it->rows);
	if (!it->rows) {
		mnist_close(&it->reader);
		snprintf(err, err_size, "%s: out of memory for a chunk of %zu rows", path, chunk_rows);
		return -1;
	}
	return 0;
}

long chunk_next(struct chunk_iter *it, char *err, size_t err_size)
{
	it->count = 0;
	while (it->count < it->chunk_rows) {
		int rc = mnist_next(&it->reader, &it->rows[it->count], err, err_size);
		if (rc < 0)
			return -1;
		if (rc == 0)
			break;
		it->count++;
	}
	return (long)it->count;
}

void chunk_close(struct chunk_iter *it)
{
	mnist_close(&it->reader);
	mem_free(it->rows, it->chunk_rows * sizeof *it->rows);
	it->rows = NULL;
}

long chunk_reread(const char *path, size_t chunk_index, size_t chunk_rows, struct mnist_row *out,
		  char *err, size_t err_size)
{
	struct mnist_reader r;
	if (mnist_open(&r, path, err, err_size))
		return -1;
	long count = 0;
	int rc = 1;
	/* pandas' skiprows still reads and splits every skipped line */
	for (size_t skip = 0; skip < chunk_index * chunk_rows && rc == 1; skip++)
		rc = mnist_next(&r, out, err, err_size);
	while (rc == 1 && (size_t)count < chunk_rows && (rc = mnist_next(&r, &out[count], err, err_size)) == 1)
		count++;
	mnist_close(&r);
	return rc < 0 ? -1 : count;
}
