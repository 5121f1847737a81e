/* Array-of-structs colony: one growable array of fixed 24-byte records, the
 * id inside the record when it fits (a small-string optimisation), role and
 * colony as 1-byte codes into the colony's shared values.
 *
 *   ants[] ─► struct ant_rec (24 B, no pointer to it, no per-ant malloc)
 *   24 B/ant  ┌──────────────────────────────┬──────┬────────┬──────┬─────────┐
 *             │ id: 16 B                     │ role │ colony │ kind │ 5 B pad │
 *             │ "W123456\0" inline, or       │ code │ code   │      │         │
 *             │ {ptr, len} -> own string     └──┬───┴───┬────┘      │         │
 *             └──────────────────────────────┘  └───────┴─► values: "Worker", "Tinyopolis"
 *
 * Expected at N = 500,000: 24 × 524,288 / 500,000 = 25.2 B/ant requested and
 * usable (one large array: no per-ant header, no size-class rounding): 6.8 B
 * of id characters and 2 B of codes are the information, 1 B the NUL and 1 B
 * the kind hold it together, 13.2 B are padding and inline slack (5 B to align
 * the record, 8.2 B of the 16-byte id space that an id of 6.8 characters and
 * its NUL leave empty) and 1.2 B growth slack of the array. Ids over 15
 * characters go to the heap, the record keeping a pointer and a length. Against slots (48.4 B/ant usable under jemalloc) it trades
 * the per-ant pointer, header and rounding for padding and growth slack. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "account.h"
#include "colony.h"
#include "intern.h"
#include "mem.h"
#include "plan.h"

#define INLINE_ID 15 /* characters an id may have and stay in its record */

enum id_kind { ID_INLINE, ID_HEAP };

struct ant_rec {
	union {
		char chars[INLINE_ID + 1]; /* NUL-terminated */
		struct {
			char *ptr; /* owned, NUL-terminated */
			size_t len;
		} heap;
	} id;
	uint8_t role, colony; /* codes into values */
	uint8_t kind;         /* enum id_kind */
};

struct colony {
	struct colony_head head; /* count, shared values: colony.h */
	struct ant_rec *ants;
	size_t capacity;
};

extern const struct colony_ops aos_ops;

static struct colony *aos_create(const char *colony_name)
{
	return colony_alloc(sizeof(struct colony), &aos_ops, colony_name);
}

static struct strv id_of(const struct ant_rec *r)
{
	if (r->kind == ID_HEAP)
		return (struct strv){r->id.heap.ptr, r->id.heap.len};
	return (struct strv){r->id.chars, strlen(r->id.chars)};
}

static void id_free(struct ant_rec *r)
{
	if (r->kind == ID_HEAP)
		mem_free(r->id.heap.ptr, r->id.heap.len + 1);
}

/* Store id in r (inline or on the heap); r's old id is the caller's. */
static int id_store(struct ant_rec *r, const char *id)
{
	size_t len = strlen(id);
	if (len <= INLINE_ID) {
		memcpy(r->id.chars, id, len + 1);
		r->kind = ID_INLINE;
		return 0;
	}
	char *copy = mem_strdup(id);
	if (!copy)
		return -ENOMEM;
	r->id.heap.ptr = copy;
	r->id.heap.len = len;
	r->kind = ID_HEAP;
	return 0;
}

static int aos_append(struct colony *c, const char *worker_id, const char *role)
{
	size_t n = c->head.count;
	int rc, role_code = intern_code(&c->head.values, role);
	if (role_code < 0)
		return role_code;
	if ((rc = mem_grow((void **)&c->ants, &c->capacity, n + 1, sizeof *c->ants)))
		return rc;
	struct ant_rec *r = &c->ants[n];
	memset(r, 0, sizeof *r); /* padding included: the record's bytes are all defined */
	if ((rc = id_store(r, worker_id)))
		return rc;
	r->role = (uint8_t)role_code;
	r->colony = (uint8_t)c->head.colony_code;
	return 0;
}

static int aos_view(const struct colony *c, size_t i, struct ant_view *v)
{
	const struct ant_rec *r = &c->ants[i];
	v->worker_id = id_of(r);
	v->role = intern_view(&c->head.values, r->role);
	v->colony = intern_view(&c->head.values, r->colony);
	return 0;
}

static int aos_set(struct colony *c, size_t i, enum attr a, const char *attr, const char *value)
{
	(void)attr; /* never another: a fixed record has no room for new attributes */
	struct ant_rec *r = &c->ants[i];
	if (a == ATTR_IS_WORKER_ID) {
		struct ant_rec old = *r;
		int rc = id_store(r, value);
		if (rc) {
			*r = old;
			return rc;
		}
		id_free(&old);
		return 0;
	}
	int code = intern_code(&c->head.values, value);
	if (code < 0)
		return code;
	*(a == ATTR_IS_ROLE ? &r->role : &r->colony) = (uint8_t)code;
	return 0;
}

/* Per record: the id's characters and the two codes are the information;
 * the NUL and the kind byte hold it together (a heap id: its pointer and
 * length, and its string's NUL); the rest is padding and inline slack. */
static void aos_account(const struct colony *c, struct byte_account *a)
{
	size_t n = c->head.count;
	a->header_bytes += sizeof *c;
	account_array_tail(a, c->ants, n, c->capacity, sizeof *c->ants);
	for (size_t i = 0; i < n; i++) {
		const struct ant_rec *r = &c->ants[i];
		uint64_t used;
		if (r->kind == ID_HEAP) {
			a->header_bytes += sizeof r->id.heap;
			account_owned_string(a, r->id.heap.ptr);
			used = sizeof r->id.heap;
		} else {
			size_t len = strlen(r->id.chars);
			a->payload_bytes += len;
			a->header_bytes += 1; /* the NUL */
			used = len + 1;
		}
		a->payload_bytes += sizeof r->role + sizeof r->colony;
		a->header_bytes += sizeof r->kind;
		used += sizeof r->role + sizeof r->colony + sizeof r->kind;
		a->padding_bytes += sizeof *r - used;
	}
	intern_account(&c->head.values, a, true);
}

static void aos_destroy(struct colony *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->head.count; i++)
		id_free(&c->ants[i]);
	mem_free(c->ants, c->capacity * sizeof *c->ants);
	colony_free(c, sizeof *c);
}

/* The byte model (plan.h): the colony, its shared values, the array of
 * records, and a heap string for each id too long to stay inline. */
static void aos_plan(uint64_t n, const struct plan *p)
{
	plan_colony(p, sizeof(struct colony), false, n);
	plan_array(p, n, sizeof(struct ant_rec));
	plan_worker_ids_longer(p, n, INLINE_ID);
}

const struct colony_ops aos_ops = {
	.name = "aos",
	.summary = "one array of fixed records, ids inline when short (small-string optimisation)",
	COLONY_LAYOUT_OPS(aos),
};
