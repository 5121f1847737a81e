/* What every generated record layout shares (record_type.h), and the
 * scenario that runs them. */
#include "record_type.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"
#include "scenarios/scenario.h"

void record_text(char *text, uint32_t len, uint64_t k, unsigned field)
{
	/* letters only: the bytes are what is measured, not what they say */
	for (uint32_t p = 0; p < len; p++)
		text[p] = (char)('a' + (k + p + field) % 26);
	text[len] = '\0';
}

uint32_t record_sequence(char *text, const char *prefix, uint64_t k)
{
	return (uint32_t)sprintf(text, "%s%llu", prefix, (unsigned long long)k);
}

uint32_t record_sequence_next(char *text, uint32_t prefix_len, uint32_t len)
{
	uint32_t p = len;
	while (p > prefix_len && text[p - 1] == '9')
		text[--p] = '0';
	if (p > prefix_len) {
		text[p - 1]++;
		return len;
	}
	/* 99..9 + 1: a 1 and len - prefix_len zeros */
	text[prefix_len] = '1';
	text[len] = '0';
	text[len + 1] = '\0';
	return len + 1;
}

char *record_copy(const char *text, uint32_t len)
{
	char *copy = mem_alloc((size_t)len + 1);
	if (copy) {
		memcpy(copy, text, len);
		copy[len] = '\0';
	}
	return copy;
}

void record_free_text(const char *text)
{
	if (text)
		mem_free((void *)text, strlen(text) + 1);
}

uint64_t record_text_sum(const char *text)
{
	return text ? (unsigned char)text[0] + strlen(text) : 0;
}

int record_pool_init(struct intern_pool *pool, size_t possible)
{
	int rc = mem_grow((void **)&pool->entries, &pool->capacity, possible, sizeof *pool->entries);
	if (!rc)
		memset(pool->entries, 0, pool->capacity * sizeof *pool->entries);
	return rc;
}

const char *record_intern(struct intern_pool *pool, uint32_t code, const char *text, uint32_t len)
{
	struct strv *e = &pool->entries[code];
	if (!e->ptr) {
		char *copy = record_copy(text, len);
		if (!copy)
			return NULL;
		*e = (struct strv){copy, len};
		pool->count++;
	}
	return e->ptr;
}

void record_pool_free(struct intern_pool *pool)
{
	for (size_t i = 0; i < pool->capacity; i++)
		if (pool->entries[i].ptr)
			mem_free((void *)pool->entries[i].ptr, pool->entries[i].len + 1);
	mem_free(pool->entries, pool->capacity * sizeof *pool->entries);
	*pool = (struct intern_pool){0};
}

size_t record_table_slots(size_t fields)
{
	size_t slots = 8; /* CPython's PyDict_MINSIZE */
	while (fields * 3 > slots * 2)
		slots *= 2;
	return slots;
}

int record_dict_init(struct record_dict *d, size_t fields)
{
	size_t slots = record_table_slots(fields);
	d->table = mem_alloc(slots * sizeof *d->table);
	if (!d->table)
		return -ENOMEM;
	memset(d->table, 0, slots * sizeof *d->table);
	d->used = 0;
	d->mask = slots - 1;
	return 0;
}

/* CPython's probe sequence (dictobject.c), as layouts/dict.c. */
static struct record_entry *probe(const struct record_dict *d, const char *key, uint64_t hash)
{
	size_t i = hash & d->mask;
	for (uint64_t perturb = hash;; perturb >>= 5) {
		struct record_entry *e = &d->table[i];
		if (!e->key || e->key == key)
			return e;
		i = (i * 5 + perturb + 1) & d->mask;
	}
}

void record_dict_put(struct record_dict *d, const char *key, uint64_t hash, uint64_t value)
{
	struct record_entry *e = probe(d, key, hash);
	d->used += !e->key;
	*e = (struct record_entry){hash, key, value};
}

uint64_t record_dict_get(const struct record_dict *d, const char *key, uint64_t hash)
{
	const struct record_entry *e = probe(d, key, hash);
	return e->key ? e->value : 0;
}

void record_dict_free(struct record_dict *d)
{
	mem_free(d->table, (d->mask + 1) * sizeof *d->table);
	d->table = NULL;
}

struct adding {
	const struct record_type *type;
	const struct record_layout *layout;
	void *gen, *c;
};

static int add_record(void *arg, uint64_t i)
{
	struct adding *a = arg;
	return a->layout->append(a->c, a->type->make(a->gen, i));
}

int record_run(struct run_ctx *ctx, const struct record_type *type)
{
	const struct record_layout *layout = NULL;
	for (const struct record_layout *const *l = type->layouts; *l && !layout; l++)
		if (strcmp((*l)->name, ctx->variant) == 0)
			layout = *l;
	void *gen = type->gen_new();
	void *c = layout && gen ? layout->create() : NULL;
	if (!c) {
		type->gen_free(gen);
		return ctx->status = layout ? -ENOMEM : -EINVAL;
	}
	struct adding adding = {type, layout, gen, c};
	ctx_build(ctx, add_record, &adding);
	if (!ctx->status) {
		uint64_t checksum, start = now_ns();
		uint64_t seen = layout->traverse(c, &checksum);
		ctx->traverse_ns = now_ns() - start;
		if (seen != ctx->done)
			ctx->status = -EIO;
	}
	ctx_final(ctx);
	layout->destroy(c);
	type->gen_free(gen);
	return ctx->status;
}
