/* Hash-map-per-object colony: every ant owns a heap hash table, the C model
 * of a Python instance with a per-instance __dict__ (CPython's pre-3.6
 * "combined" table: open addressing, 8 slots minimum, grows at 2/3 load).
 *
 *   ants[] ─► struct ant_dict ──► table[8] of {hash, key, value}
 *   8 B/ant   24 B -> 32 class    192 B -> 192 class
 *                                 key   ─► "worker_id" (interned, once per colony)
 *                                 value ─► "W123456"   (own string, 8 B -> 8 class)
 *                                 value ─► "Worker"    (shared, once per colony)
 *
 * Expected 8 + 24 + 192 + 7.8 ≈ 232 B/ant requested, 8 + 32 + 192 + 8 = 240
 * B/ant after jemalloc's size classes, plus growth slack of ants[] (doubling:
 * 0 to 8 B/ant). Three attributes in eight slots: 5/8 of the table is empty
 * slack, the price of accepting new attributes at run time. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "account.h"
#include "colony.h"
#include "intern.h"
#include "mem.h"
#include "plan.h"
#include "strhash.h"

#define DICT_MIN_SLOTS 8 /* CPython's PyDict_MINSIZE */

struct entry {
	uint64_t hash;
	const char *key; /* NULL: empty slot (no deletion, so no tombstones) */
	const char *value;
};

struct ant_dict {
	size_t used;
	size_t mask; /* slots - 1 */
	struct entry *table;
};

struct colony {
	struct colony_head head; /* count, shared values: colony.h */
	struct ant_dict **ants;
	size_t capacity;
	struct intern_pool keys;   /* attribute names, interned like CPython's */
};

/* always inlined: on a literal name (dict_view) the hash is then computed at compile time */
static inline __attribute__((always_inline)) uint64_t key_hash(const char *key)
{
	return strhash_update(STRHASH_SEED, key, strlen(key));
}

/* CPython's probe sequence (dictobject.c): uses all hash bits, visits every slot. */
static struct entry *lookup(const struct ant_dict *d, const char *key, uint64_t hash)
{
	size_t i = hash & d->mask;
	for (uint64_t perturb = hash;; perturb >>= 5) {
		struct entry *e = &d->table[i];
		if (!e->key || e->key == key || (e->hash == hash && strcmp(e->key, key) == 0))
			return e;
		i = (i * 5 + perturb + 1) & d->mask;
	}
}

static int resize(struct ant_dict *d)
{
	size_t slots = (d->mask + 1) * 2;
	struct entry *table = mem_alloc(slots * sizeof *table);
	if (!table)
		return -ENOMEM;
	memset(table, 0, slots * sizeof *table);
	struct entry *old = d->table;
	size_t old_slots = d->mask + 1;
	d->table = table;
	d->mask = slots - 1;
	for (size_t i = 0; i < old_slots; i++)
		if (old[i].key)
			*lookup(d, old[i].key, old[i].hash) = old[i];
	mem_free(old, old_slots * sizeof *old);
	return 0;
}

/* key must be interned; value is stored as given (caller owns the policy). */
static int dict_insert(struct ant_dict *d, const char *key, const char *value,
		       const char **replaced)
{
	uint64_t hash = key_hash(key);
	struct entry *e = lookup(d, key, hash);
	*replaced = NULL;
	if (e->key) {
		*replaced = e->value;
		e->value = value;
		return 0;
	}
	/* grow before the (used+1)th entry would pass 2/3 of the slots */
	if ((d->used + 1) * 3 > (d->mask + 1) * 2) {
		int rc = resize(d);
		if (rc)
			return rc;
		e = lookup(d, key, hash);
	}
	*e = (struct entry){hash, key, value};
	d->used++;
	return 0;
}

static void free_value(const char *key, const char *value)
{
	if (value && !attr_value_is_shared(key))
		mem_free((void *)value, strlen(value) + 1);
}

static void ant_free(struct ant_dict *d)
{
	if (!d)
		return;
	for (size_t i = 0; i <= d->mask; i++)
		if (d->table[i].key)
			free_value(d->table[i].key, d->table[i].value);
	mem_free(d->table, (d->mask + 1) * sizeof *d->table);
	mem_free(d, sizeof *d);
}

static struct ant_dict *ant_new(void)
{
	struct ant_dict *d = mem_alloc(sizeof *d);
	if (!d)
		return NULL;
	d->table = mem_alloc(DICT_MIN_SLOTS * sizeof *d->table);
	if (!d->table) {
		mem_free(d, sizeof *d);
		return NULL;
	}
	memset(d->table, 0, DICT_MIN_SLOTS * sizeof *d->table);
	d->used = 0;
	d->mask = DICT_MIN_SLOTS - 1;
	return d;
}

extern const struct colony_ops dict_ops;
static void dict_destroy(struct colony *c);

static struct colony *dict_create(const char *colony_name)
{
	struct colony *c = colony_alloc(sizeof *c, &dict_ops, colony_name);
	if (c && intern_attribute_names(&c->keys)) { /* interned like CPython's */
		dict_destroy(c);
		return NULL;
	}
	return c;
}

/* Set attr on d with Python's reference semantics; attr need not be interned. */
static int ant_set(struct colony *c, struct ant_dict *d, const char *attr, const char *value)
{
	int key_code = intern_code(&c->keys, attr);
	if (key_code < 0)
		return key_code;
	const char *key = intern_str(&c->keys, key_code);
	const char *stored;
	if (attr_value_is_shared(key)) {
		int code = intern_code(&c->head.values, value);
		if (code < 0)
			return code;
		stored = intern_str(&c->head.values, code);
	} else {
		stored = mem_strdup(value);
		if (!stored)
			return -ENOMEM;
	}
	const char *replaced;
	int rc = dict_insert(d, key, stored, &replaced);
	free_value(key, rc ? stored : replaced);
	return rc;
}

static int dict_append(struct colony *c, const char *worker_id, const char *role)
{
	int rc = mem_grow((void **)&c->ants, &c->capacity, c->head.count + 1, sizeof *c->ants);
	if (rc)
		return rc;
	struct ant_dict *d = ant_new();
	if (!d)
		return -ENOMEM;
	if ((rc = ant_set(c, d, ATTR_WORKER_ID, worker_id)) ||
	    (rc = ant_set(c, d, ATTR_ROLE, role)) ||
	    (rc = ant_set(c, d, ATTR_COLONY, intern_str(&c->head.values, c->head.colony_code)))) {
		ant_free(d);
		return rc;
	}
	c->ants[c->head.count] = d;
	return 0;
}

static inline __attribute__((always_inline)) int ant_get(const struct ant_dict *d, const char *attr,
							  struct strv *out)
{
	const struct entry *e = lookup(d, attr, key_hash(attr));
	if (!e->key)
		return -ENOENT;
	*out = (struct strv){e->value, strlen(e->value)};
	return 0;
}

/* A Python dict may lack an attribute only if it was never set; add_ant
 * always sets all three. */
static int dict_view(const struct colony *c, size_t i, struct ant_view *v)
{
	const struct ant_dict *d = c->ants[i];
	if (ant_get(d, ATTR_WORKER_ID, &v->worker_id) || ant_get(d, ATTR_ROLE, &v->role) ||
	    ant_get(d, ATTR_COLONY, &v->colony))
		return -ENOENT;
	return 0;
}

static int dict_get_other(const struct colony *c, size_t i, const char *attr, struct strv *out)
{
	return ant_get(c->ants[i], attr, out);
}

static int dict_set(struct colony *c, size_t i, enum attr a, const char *attr, const char *value)
{
	(void)a; /* every key is looked up by name, as in a Python dict */
	return ant_set(c, c->ants[i], attr, value);
}

/* Empty slots are table slack; a used slot's hash and key are structure, its
 * value a reference (role, colony: payload) or a pointer to the ant's own
 * string (structure, the string's characters payload). */
static void dict_account(const struct colony *c, struct byte_account *a)
{
	size_t n = c->head.count;
	a->header_bytes += sizeof *c + n * sizeof *c->ants;
	account_array_tail(a, c->ants, n, c->capacity, sizeof *c->ants);
	for (size_t i = 0; i < n; i++) {
		const struct ant_dict *d = c->ants[i];
		a->header_bytes += sizeof *d;
		for (size_t s = 0; s <= d->mask; s++) {
			const struct entry *e = &d->table[s];
			if (!e->key) {
				a->table_slack_bytes += sizeof *e;
				continue;
			}
			a->header_bytes += sizeof e->hash + sizeof e->key;
			if (attr_value_is_shared(e->key)) {
				a->payload_bytes += sizeof e->value;
			} else {
				a->header_bytes += sizeof e->value;
				account_owned_string(a, e->value);
			}
		}
	}
	intern_account(&c->keys, a, false);
	intern_account(&c->head.values, a, true);
}

static void dict_destroy(struct colony *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->head.count; i++)
		ant_free(c->ants[i]);
	mem_free(c->ants, c->capacity * sizeof *c->ants);
	intern_clear(&c->keys);
	colony_free(c, sizeof *c);
}

/* The byte model (plan.h): the colony, its interned keys and shared values,
 * the array of pointers to ants, and per ant its dict header, its table of
 * DICT_MIN_SLOTS entries (3 keys stay under the 2/3 load, so it never grows)
 * and its own id string. */
static void dict_plan(uint64_t n, const struct plan *p)
{
	plan_colony(p, sizeof(struct colony), true, n);
	plan_array(p, n, sizeof(struct ant_dict *));
	plan_blocks(p, sizeof(struct ant_dict), n);
	plan_blocks(p, DICT_MIN_SLOTS * sizeof(struct entry), n);
	plan_worker_ids(p, n);
}

const struct colony_ops dict_ops = {
	.name = "dict",
	.summary = "hash table per ant (Python's per-instance __dict__)",
	.accepts_new_attributes = true,
	.get_other = dict_get_other,
	COLONY_LAYOUT_OPS(dict),
};
