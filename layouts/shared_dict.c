/* Shared-key dict colony: CPython's split table (PEP 412, the default for
 * instance dicts since 3.3 and inline in objects since 3.11). The attribute
 * names live once per colony, like the keys a class caches for its
 * instances; each ant holds only a values array in the keys' order.
 *
 *   colony ── keys: "worker_id" "role" "colony" (+ any added), usable slots K
 *   ants[] ─► struct ant_values { capacity; values[K] }      K = 5 (8 slots × 2/3)
 *   8 B/ant   8 + 5 × 8 = 48 B -> 48 class
 *                              values[0] ─► "W123456" (own string, 8 class)
 *                              values[1], values[2] ─► shared role and colony
 *
 * Expected 48 + 7.8 + 8.4 ≈ 64 B/ant requested and usable under jemalloc: a
 * quarter of dict.c's 240, a third more than slots.c's 48, which is why the
 * dict/slots gap in CPython 3.11 is far smaller than a table per object
 * suggests. Like a dict it still accepts new attributes: the shared keys grow,
 * and an ant's values array grows when it sets one past its capacity. Keys
 * are found by a scan of the colony's few names (CPython hashes them); that
 * is per colony, not per ant. */
#include <errno.h>
#include <string.h>

#include "account.h"
#include "colony.h"
#include "intern.h"
#include "mem.h"
#include "plan.h"

#define SHARED_MIN_SLOTS 8 /* CPython's PyDict_MINSIZE: usable 8 * 2/3 = 5 */

struct ant_values {
	size_t capacity;
	const char *values[]; /* values[k] belongs to keys entry k; NULL: unset */
};

struct colony {
	struct colony_head head; /* count, shared values: colony.h */
	struct ant_values **ants;
	size_t capacity;
	struct intern_pool keys; /* shared keys, in insertion order */
	size_t keys_slots;       /* the keys table's size: values per new ant = 2/3 of it */
};

static size_t keys_usable(const struct colony *c)
{
	return c->keys_slots * 2 / 3;
}

static size_t values_size(size_t capacity)
{
	return sizeof(struct ant_values) + capacity * sizeof(const char *);
}

static struct ant_values *ant_new(size_t capacity)
{
	struct ant_values *a = mem_alloc(values_size(capacity));
	if (!a)
		return NULL;
	a->capacity = capacity;
	memset(a->values, 0, capacity * sizeof *a->values);
	return a;
}

static void free_value(const struct colony *c, int key_code, const char *value)
{
	if (value && !attr_value_is_shared(intern_str(&c->keys, key_code)))
		mem_free((void *)value, strlen(value) + 1);
}

static void ant_free(const struct colony *c, struct ant_values *a)
{
	for (size_t k = 0; k < a->capacity; k++)
		free_value(c, (int)k, a->values[k]);
	mem_free(a, values_size(a->capacity));
}

extern const struct colony_ops shared_dict_ops;
static void shared_destroy(struct colony *c);

static struct colony *shared_create(const char *colony_name)
{
	struct colony *c = colony_alloc(sizeof *c, &shared_dict_ops, colony_name);
	if (!c)
		return NULL;
	c->keys_slots = SHARED_MIN_SLOTS;
	if (intern_attribute_names(&c->keys)) {
		shared_destroy(c);
		return NULL;
	}
	return c;
}

/* Set key k of *slot, growing the ant's values array if the shared keys
 * outgrew it. value is stored with Python's reference semantics. */
static int ant_set(struct colony *c, struct ant_values **slot, int k, const char *value)
{
	const char *stored;
	if (attr_value_is_shared(intern_str(&c->keys, k))) {
		int code = intern_code(&c->head.values, value);
		if (code < 0)
			return code;
		stored = intern_str(&c->head.values, code);
	} else if (!(stored = mem_strdup(value))) {
		return -ENOMEM;
	}
	struct ant_values *a = *slot;
	if ((size_t)k >= a->capacity) {
		size_t cap = keys_usable(c);
		struct ant_values *grown = mem_realloc(a, values_size(a->capacity), values_size(cap));
		if (!grown) {
			free_value(c, k, stored);
			return -ENOMEM;
		}
		memset(grown->values + grown->capacity, 0, (cap - grown->capacity) * sizeof(char *));
		grown->capacity = cap;
		*slot = a = grown;
	}
	free_value(c, k, a->values[k]);
	a->values[k] = stored;
	return 0;
}

static int shared_append(struct colony *c, const char *worker_id, const char *role)
{
	int rc = mem_grow((void **)&c->ants, &c->capacity, c->head.count + 1, sizeof *c->ants);
	if (rc)
		return rc;
	struct ant_values *a = ant_new(keys_usable(c));
	if (!a)
		return -ENOMEM;
	if ((rc = ant_set(c, &a, 0, worker_id)) || (rc = ant_set(c, &a, 1, role)) ||
	    (rc = ant_set(c, &a, 2, intern_str(&c->head.values, c->head.colony_code)))) {
		ant_free(c, a);
		return rc;
	}
	c->ants[c->head.count] = a;
	return 0;
}

/* The shared keys' index of attr, or -1. */
static int key_index(const struct colony *c, const char *attr)
{
	for (size_t k = 0; k < c->keys.count; k++)
		if (strcmp(intern_str(&c->keys, (int)k), attr) == 0)
			return (int)k;
	return -1;
}

static int shared_get_other(const struct colony *c, size_t i, const char *attr, struct strv *out)
{
	int k = key_index(c, attr);
	const struct ant_values *a = c->ants[i];
	if (k < 0 || (size_t)k >= a->capacity || !a->values[k])
		return -ENOENT;
	*out = (struct strv){a->values[k], strlen(a->values[k])};
	return 0;
}

static int shared_set(struct colony *c, size_t i, enum attr a, const char *attr, const char *value)
{
	/* the first three keys are the seed's attributes, in enum attr's order */
	int k = a != ATTR_IS_OTHER ? (int)a : key_index(c, attr);
	if (k < 0) { /* a new attribute: the shared keys grow, as a class's would */
		k = intern_code(&c->keys, attr);
		if (k < 0)
			return k;
		while ((size_t)k >= keys_usable(c))
			c->keys_slots *= 2;
	}
	return ant_set(c, &c->ants[i], k, value);
}

static int shared_view(const struct colony *c, size_t i, struct ant_view *v)
{
	const char *const *values = c->ants[i]->values; /* keys 0..2: set by add_ant */
	v->worker_id = (struct strv){values[0], strlen(values[0])};
	v->role = (struct strv){values[1], strlen(values[1])};
	v->colony = (struct strv){values[2], strlen(values[2])};
	return 0;
}

/* An ant's unset values (5 slots for 3 attributes) are table slack: the
 * split table's price for accepting new attributes. */
static void shared_account(const struct colony *c, struct byte_account *a)
{
	a->header_bytes += sizeof *c + c->head.count * sizeof *c->ants;
	account_array_tail(a, c->ants, c->head.count, c->capacity, sizeof *c->ants);
	for (size_t i = 0; i < c->head.count; i++) {
		const struct ant_values *v = c->ants[i];
		a->header_bytes += sizeof *v;
		for (size_t k = 0; k < v->capacity; k++) {
			if (!v->values[k]) {
				a->table_slack_bytes += sizeof v->values[k];
			} else if (attr_value_is_shared(intern_str(&c->keys, (int)k))) {
				a->payload_bytes += sizeof v->values[k];
			} else {
				a->header_bytes += sizeof v->values[k];
				account_owned_string(a, v->values[k]);
			}
		}
	}
	intern_account(&c->keys, a, false);
	intern_account(&c->head.values, a, true);
}

static void shared_destroy(struct colony *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->head.count; i++)
		ant_free(c, c->ants[i]);
	mem_free(c->ants, c->capacity * sizeof *c->ants);
	intern_clear(&c->keys);
	colony_free(c, sizeof *c);
}

/* The byte model (plan.h): the colony, its shared keys and values, the array
 * of pointers to ants, and per ant its values array (2/3 of the keys table's
 * SHARED_MIN_SLOTS: 3 keys never grow it) and its own id string. */
static void shared_plan(uint64_t n, const struct plan *p)
{
	plan_colony(p, sizeof(struct colony), true, n);
	plan_array(p, n, sizeof(struct ant_values *));
	plan_blocks(p, values_size(SHARED_MIN_SLOTS * 2 / 3), n);
	plan_worker_ids(p, n);
}

const struct colony_ops shared_dict_ops = {
	.name = "shared_dict",
	.summary = "values per ant, attribute names once per colony (CPython's split dict, PEP 412)",
	.accepts_new_attributes = true,
	.get_other = shared_get_other,
	COLONY_LAYOUT_OPS(shared),
};
