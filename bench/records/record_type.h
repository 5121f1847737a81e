/* Your own record, generated (scripts/record_codegen.py, from records/NAME.toml
 * at build time): its generator and its layouts, behind two small faces.
 * The callers' face is struct record_type: make record i's values, and the
 * layouts that store them. The implementers' face is struct record_layout
 * and the helpers below, which every generated layout shares. */
#ifndef ANTMEM_RECORD_TYPE_H
#define ANTMEM_RECORD_TYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "colony.h" /* struct intern_pool, struct strv */

struct record_layout {
	const char *name;
	void *(*create)(void); /* the container, empty; NULL on out of memory */
	/* store one record's values (record_type.make's): 0 or -ENOMEM */
	int (*append)(void *container, const void *values);
	/* read every field of every record: how many, and a checksum of them */
	uint64_t (*traverse)(const void *container, uint64_t *checksum);
	void (*destroy)(void *container);
};

struct record_type {
	const char *name;
	unsigned fields;
	/* the generator's state (plain malloc: outside the layouts' byte counts) */
	void *(*gen_new)(void);
	void (*gen_free)(void *gen);
	/* record i's values, in the generator's state (valid until the next call);
	 * called with i = 0, 1, 2, ... */
	const void *(*make)(void *gen, uint64_t i);
	const struct record_layout *const *layouts; /* NULL-terminated */
};

/* The generated record types, in records/meson.build's list's order. */
extern const struct record_type *const record_types[];

/* The scenario of every record: add n records, one iteration each. */
struct run_ctx;
int record_run(struct run_ctx *ctx, const struct record_type *type);

/* Helpers of the generated code. */
/* len characters of value k of field j into text (NUL-terminated). */
void record_text(char *text, uint32_t len, uint64_t k, unsigned field);
/* prefix and k in decimal into text: its length. */
uint32_t record_sequence(char *text, const char *prefix, uint64_t k);
/* The number after prefix_len characters of text (len in all), plus one, in
 * place: its new length (one more when it carries into a new digit). */
uint32_t record_sequence_next(char *text, uint32_t prefix_len, uint32_t len);
/* A NUL-terminated copy of len bytes (mem_alloc), or NULL. */
char *record_copy(const char *text, uint32_t len);
void record_free_text(const char *text); /* NULL-safe */
uint64_t record_text_sum(const char *text); /* 0 for NULL */
/* An entry for each of possible values, made at once: 0 or -ENOMEM. */
int record_pool_init(struct intern_pool *pool, size_t possible);
/* Entry code's copy of text, made at its first use (text is NULL after it:
 * the generator makes a value's text once): NULL on out of memory. */
const char *record_intern(struct intern_pool *pool, uint32_t code, const char *text, uint32_t len);
void record_pool_free(struct intern_pool *pool);

/* dict's per-record table (layouts/dict.c's, for a record): open
 * addressing over {hash, key, value}, the keys interned per container, a
 * value's 8 bytes holding a number or a string's pointer. Sized once for the
 * record's fields (as a dict built from them): 8 slots, doubled while they
 * pass 2/3 of it. */
struct record_entry {
	uint64_t hash;
	const char *key; /* NULL: an empty slot */
	uint64_t value;
};
struct record_dict {
	size_t used, mask;
	struct record_entry *table;
};
size_t record_table_slots(size_t fields);
int record_dict_init(struct record_dict *d, size_t fields); /* 0 or -ENOMEM */
void record_dict_put(struct record_dict *d, const char *key, uint64_t hash, uint64_t value);
/* The value of key, or 0 when the record lacks it. */
uint64_t record_dict_get(const struct record_dict *d, const char *key, uint64_t hash);
void record_dict_free(struct record_dict *d);

/* A double's or float's bits as a value slot's 8 bytes, and back. */
static inline uint64_t record_bits(double x)
{
	uint64_t u;
	__builtin_memcpy(&u, &x, sizeof u);
	return u;
}

#endif
