/* Struct-of-slots colony: one fixed struct per ant, one field per attribute,
 * the C model of a Python class with __slots__ = ['worker_id', 'role', 'colony'].
 *
 *   ants[] ─► struct ant_slots { worker_id, role, colony }
 *   8 B/ant   24 B -> 32 class     │         └──────┴─► shared ("Worker", "Tinyopolis")
 *                                  └─► "W123456" (own string, 8 B -> 8 class)
 *
 * Expected 8 + 24 + 7.8 ≈ 40 B/ant requested, 8 + 32 + 8 = 48 B/ant after
 * jemalloc's size classes (24 rounds up to 32), plus growth slack of ants[].
 * No table and no keys per ant: what dict.c spends on 8 slots is gone, and
 * so is the freedom to add an attribute (set() answers -EINVAL). */
#include <errno.h>
#include <string.h>

#include "account.h"
#include "colony.h"
#include "intern.h"
#include "mem.h"
#include "plan.h"

struct ant_slots {
	const char *worker_id; /* owned */
	const char *role;      /* shared, from values */
	const char *colony;    /* shared, from values */
};

struct colony {
	struct colony_head head; /* count, shared values: colony.h */
	struct ant_slots **ants;
	size_t capacity;
};

extern const struct colony_ops slots_ops;

static struct colony *slots_create(const char *colony_name)
{
	return colony_alloc(sizeof(struct colony), &slots_ops, colony_name);
}

static void ant_free(struct ant_slots *a)
{
	mem_free((void *)a->worker_id, strlen(a->worker_id) + 1);
	mem_free(a, sizeof *a);
}

static int slots_append(struct colony *c, const char *worker_id, const char *role)
{
	size_t n = c->head.count;
	int rc = mem_grow((void **)&c->ants, &c->capacity, n + 1, sizeof *c->ants);
	if (rc)
		return rc;
	int role_code = intern_code(&c->head.values, role);
	if (role_code < 0)
		return role_code;
	struct ant_slots *a = mem_alloc(sizeof *a);
	if (!a)
		return -ENOMEM;
	a->worker_id = mem_strdup(worker_id);
	if (!a->worker_id) {
		mem_free(a, sizeof *a);
		return -ENOMEM;
	}
	a->role = intern_str(&c->head.values, role_code);
	a->colony = intern_str(&c->head.values, c->head.colony_code);
	c->ants[n] = a;
	return 0;
}

static int slots_view(const struct colony *c, size_t i, struct ant_view *v)
{
	const struct ant_slots *a = c->ants[i];
	v->worker_id = (struct strv){a->worker_id, strlen(a->worker_id)};
	v->role = (struct strv){a->role, strlen(a->role)};
	v->colony = (struct strv){a->colony, strlen(a->colony)};
	return 0;
}

/* The field for attribute a: the descriptor __slots__ compiles to. */
static int slots_set(struct colony *c, size_t i, enum attr a, const char *attr, const char *value)
{
	(void)attr; /* never another: slots accepts no new attribute */
	struct ant_slots *s = c->ants[i];
	if (a == ATTR_IS_WORKER_ID) {
		char *copy = mem_strdup(value);
		if (!copy)
			return -ENOMEM;
		mem_free((void *)s->worker_id, strlen(s->worker_id) + 1);
		s->worker_id = copy;
		return 0;
	}
	int code = intern_code(&c->head.values, value);
	if (code < 0)
		return code;
	*(a == ATTR_IS_ROLE ? &s->role : &s->colony) = intern_str(&c->head.values, code);
	return 0;
}

/* The role and colony fields are the references (payload); the worker_id
 * field points at the ant's own string (structure). */
static void slots_account(const struct colony *c, struct byte_account *a)
{
	size_t n = c->head.count;
	a->header_bytes += sizeof *c + n * sizeof *c->ants;
	account_array_tail(a, c->ants, n, c->capacity, sizeof *c->ants);
	for (size_t i = 0; i < n; i++) {
		const struct ant_slots *s = c->ants[i];
		a->payload_bytes += sizeof s->role + sizeof s->colony;
		a->header_bytes += sizeof s->worker_id;
		account_owned_string(a, s->worker_id);
	}
	intern_account(&c->head.values, a, true);
}

static void slots_destroy(struct colony *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->head.count; i++)
		ant_free(c->ants[i]);
	mem_free(c->ants, c->capacity * sizeof *c->ants);
	colony_free(c, sizeof *c);
}

/* The byte model (plan.h): the colony, its two shared values, the array of
 * pointers to ants, and per ant the struct and its own id string. */
static void slots_plan(uint64_t n, const struct plan *p)
{
	plan_colony(p, sizeof(struct colony), false, n);
	plan_array(p, n, sizeof(struct ant_slots *));
	plan_blocks(p, sizeof(struct ant_slots), n);
	plan_worker_ids(p, n);
}

const struct colony_ops slots_ops = {
	.name = "slots",
	.summary = "one fixed struct per ant (Python's __slots__)",
	COLONY_LAYOUT_OPS(slots),
};
