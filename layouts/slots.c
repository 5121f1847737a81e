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
	struct ant_slots **ants;
	size_t count, capacity;
	struct intern_pool values;
	int colony_code;
};

static void slots_destroy(struct colony *c);

static struct colony *slots_create(const char *colony_name)
{
	struct colony *c = mem_alloc(sizeof *c);
	if (!c)
		return NULL;
	*c = (struct colony){0};
	c->colony_code = intern_code(&c->values, colony_name);
	if (c->colony_code < 0) {
		slots_destroy(c);
		return NULL;
	}
	return c;
}

static void ant_free(struct ant_slots *a)
{
	mem_free((void *)a->worker_id, strlen(a->worker_id) + 1);
	mem_free(a, sizeof *a);
}

static int slots_add_ant(struct colony *c, const char *worker_id, const char *role)
{
	int rc = mem_grow((void **)&c->ants, &c->capacity, c->count + 1, sizeof *c->ants);
	if (rc)
		return rc;
	int role_code = intern_code(&c->values, role);
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
	a->role = intern_str(&c->values, role_code);
	a->colony = intern_str(&c->values, c->colony_code);
	c->ants[c->count++] = a;
	return 0;
}

static size_t slots_count(const struct colony *c)
{
	return c->count;
}

/* The slot for attr, or NULL: the descriptor lookup __slots__ compiles to. */
static const char **slot(struct ant_slots *a, const char *attr)
{
	if (strcmp(attr, ATTR_WORKER_ID) == 0)
		return &a->worker_id;
	if (strcmp(attr, ATTR_ROLE) == 0)
		return &a->role;
	if (strcmp(attr, ATTR_COLONY) == 0)
		return &a->colony;
	return NULL;
}

static int slots_get(const struct colony *c, size_t i, const char *attr, struct strv *out)
{
	if (i >= c->count)
		return -ERANGE;
	const char **field = slot(c->ants[i], attr);
	if (!field)
		return -ENOENT;
	*out = (struct strv){*field, strlen(*field)};
	return 0;
}

static int slots_set(struct colony *c, size_t i, const char *attr, const char *value)
{
	if (i >= c->count)
		return -ERANGE;
	struct ant_slots *a = c->ants[i];
	const char **field = slot(a, attr);
	if (!field)
		return -EINVAL; /* AttributeError: not in __slots__ */
	if (field == &a->worker_id) {
		char *copy = mem_strdup(value);
		if (!copy)
			return -ENOMEM;
		mem_free((void *)a->worker_id, strlen(a->worker_id) + 1);
		a->worker_id = copy;
		return 0;
	}
	int code = intern_code(&c->values, value);
	if (code < 0)
		return code;
	*field = intern_str(&c->values, code);
	return 0;
}

static int slots_visit(const struct colony *c, ant_visitor fn, void *arg)
{
	for (size_t i = 0; i < c->count; i++) {
		const struct ant_slots *a = c->ants[i];
		struct ant_view v = {
			.index = i,
			.worker_id = {a->worker_id, strlen(a->worker_id)},
			.role = {a->role, strlen(a->role)},
			.colony = {a->colony, strlen(a->colony)},
		};
		int rc = fn(&v, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* The role and colony fields are the references (payload); the worker_id
 * field points at the ant's own string (structure). */
static void slots_account(const struct colony *c, struct byte_account *a)
{
	a->header_bytes += sizeof *c + c->count * sizeof *c->ants;
	account_array_tail(a, c->ants, c->count, c->capacity, sizeof *c->ants);
	for (size_t i = 0; i < c->count; i++) {
		const struct ant_slots *s = c->ants[i];
		a->payload_bytes += sizeof s->role + sizeof s->colony;
		a->header_bytes += sizeof s->worker_id;
		account_owned_string(a, s->worker_id);
	}
	intern_account(&c->values, a, true);
}

static void slots_destroy(struct colony *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->count; i++)
		ant_free(c->ants[i]);
	mem_free(c->ants, c->capacity * sizeof *c->ants);
	intern_clear(&c->values);
	mem_free(c, sizeof *c);
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
	.expected_bytes_per_ant = 48,
	.create = slots_create,
	.add_ant = slots_add_ant,
	.count = slots_count,
	.get = slots_get,
	.set = slots_set,
	.visit = slots_visit,
	.account = slots_account,
	.plan = slots_plan,
	.destroy = slots_destroy,
};
