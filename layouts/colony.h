/* The one interface every colony layout implements.
 *
 * A colony is the seed's `Colony`: a name and a growing list of ants, each
 * with the attributes worker_id, role and colony. Layouts differ only in how
 * they lay those bytes out; the driver, benchmarks and tests see this header
 * and nothing else. Strings come back as views (pointer + length) because
 * soa.c packs ids without a terminating NUL. */
#ifndef ANTMEM_COLONY_H
#define ANTMEM_COLONY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ANTMEM_WARN_UNUSED __attribute__((warn_unused_result))

struct colony; /* opaque: each layout defines its own */
struct byte_account; /* account.h */
struct plan;         /* plan.h */

struct strv {
	const char *ptr;
	size_t len;
};

/* The three attributes of the seed's Ant, in its __slots__ order. */
#define ATTR_WORKER_ID "worker_id"
#define ATTR_ROLE "role"
#define ATTR_COLONY "colony"

/* Python's reference semantics for values: the role and colony name are
 * shared objects (one "Worker" for all ants); any other value is the ant's
 * own string. Every layout that stores values by name follows this. */
static inline bool attr_value_is_shared(const char *attr)
{
	return __builtin_strcmp(attr, ATTR_ROLE) == 0 || __builtin_strcmp(attr, ATTR_COLONY) == 0;
}

struct ant_view {
	size_t index;
	struct strv worker_id, role, colony;
};

/* Called once per ant by visit(); a non-zero return stops the walk and is
 * returned by visit(). */
typedef int (*ant_visitor)(const struct ant_view *ant, void *arg);

/* Which attribute a name is: the common layer (colony.c) matches names once,
 * so a layout switches on this instead of comparing strings. */
enum attr { ATTR_IS_WORKER_ID, ATTR_IS_ROLE, ATTR_IS_COLONY, ATTR_IS_OTHER };
enum attr attr_of(const char *name);

/* The contract every layout keeps (tests/test_layouts.c holds each one to it):
 *  - ids and values of any length, the empty string included, come back as
 *    they were stored: a layout that cannot hold some length answers -E2BIG
 *    ("too long for this layout"), never truncates;
 *  - role and colony are shared values (attr_value_is_shared), the id is the
 *    ant's own: mutations leave every other ant as it was;
 *  - statuses: 0; -ENOMEM; -ENOSPC (a dictionary-encoded column is full);
 *    -E2BIG (a value this layout cannot hold); -ERANGE (no ant i) and -ENOENT
 *    (no such attribute: AttributeError) from get; -EINVAL (a fixed layout
 *    refuses an attribute: AttributeError) from set. The common layer answers
 *    -ERANGE, -ENOENT and -EINVAL itself before a layout is asked;
 *  - account() sorts every byte the colony requested through mem.h into the
 *    kinds of account.h, which sum to mem_requested_bytes exactly;
 *  - plan() describes the same blocks from the structures (plan.h), which
 *    scripts/model.py turns into predicted bytes per ant.
 * Every layout's struct colony begins with a struct colony_head, made by
 * colony_alloc() in create(): the common layer keeps the count there, and the
 * shared values with the colony's name among them. */
/* A small pool of shared strings (intern.h): the values every ant shares. */
struct intern_pool {
	struct strv *entries; /* ptr is a NUL-terminated copy owned by the pool */
	size_t count, capacity;
};

struct colony_head {
	const struct colony_ops *ops;
	size_t count;
	struct intern_pool values; /* the shared values: the colony's name, roles */
	int colony_code;           /* the colony's name in values */
};

struct colony_ops {
	const char *name;    /* CLI and CSV key: "dict", "slots", "soa" */
	const char *summary; /* one line for --help and the README */
	/* true: set() of an unknown attribute adds it (a Python __dict__);
	 * false: it answers -EINVAL (__slots__'s AttributeError) */
	bool accepts_new_attributes;

	/* What a layout implements. */
	/* NULL on out of memory; starts with colony_alloc() */
	struct colony *(*create)(const char *colony_name);
	/* Store ant number colony_count(c) (the common layer counts it once
	 * this returns 0); on an error the colony is as it was. */
	int (*append)(struct colony *c, const char *worker_id, const char *role);
	/* Ant i's three attributes (i < count: checked by the caller). */
	int (*view)(const struct colony *c, size_t i, struct ant_view *out);
	/* Any other attribute of ant i, for layouts that accept new ones; NULL
	 * otherwise (the common layer then answers -ENOENT). */
	int (*get_other)(const struct colony *c, size_t i, const char *attr, struct strv *out);
	/* Set attribute a (named attr) of ant i; never called with
	 * ATTR_IS_OTHER unless accepts_new_attributes. */
	int (*set_attr)(struct colony *c, size_t i, enum attr a, const char *attr, const char *value);
	/* Adds every byte the colony requested to *out, sorted by kind
	 * (account.h); the kinds sum to what it holds through mem.h. */
	void (*account)(const struct colony *c, struct byte_account *out);
	/* The byte model: the blocks a colony holds after the seed's loop added
	 * n ants, described from the structures (plan.h), never measured. */
	void (*plan)(uint64_t n, const struct plan *p);
	void (*destroy)(struct colony *c); /* NULL-safe */

	/* What callers use: the common layer's, the same for every layout
	 * (COLONY_COMMON_OPS fills them in). */
	int (*add_ant)(struct colony *c, const char *worker_id, const char *role);
	size_t (*count)(const struct colony *c);
	/* 0, -ERANGE (no ant i) or -ENOENT (no such attribute: AttributeError) */
	int (*get)(const struct colony *c, size_t i, const char *attr, struct strv *out);
	/* 0, -ERANGE, -EINVAL (fixed layout refuses the attribute: AttributeError),
	 * -ENOMEM, -ENOSPC or -E2BIG */
	int (*set)(struct colony *c, size_t i, const char *attr, const char *value);
	int (*visit)(const struct colony *c, ant_visitor fn, void *arg);
};

/* The common layer (colony.c): range checks, attribute names, the count and
 * the visit loop, once for every layout. */
/* A zeroed colony of size bytes (the layout's struct colony) with its head
 * made and colony_name interned in it, or NULL; colony_free() undoes it. */
struct colony *colony_alloc(size_t size, const struct colony_ops *ops, const char *colony_name);
void colony_free(struct colony *c, size_t size);
size_t colony_count(const struct colony *c);
int colony_add_ant(struct colony *c, const char *worker_id, const char *role);
int colony_get(const struct colony *c, size_t i, const char *attr, struct strv *out);
int colony_set(struct colony *c, size_t i, const char *attr, const char *value);
int colony_visit(const struct colony *c, ant_visitor fn, void *arg);
#define COLONY_COMMON_OPS                                                              \
	.add_ant = colony_add_ant, .count = colony_count, .get = colony_get,           \
	.set = colony_set, .visit = colony_visit
/* A layout's ops from its functions named <prefix>_create, _append, _view,
 * _set, _account, _plan and _destroy, and the common layer's. */
#define COLONY_LAYOUT_OPS(prefix)                                                      \
	.create = prefix##_create, .append = prefix##_append, .view = prefix##_view,   \
	.set_attr = prefix##_set, .account = prefix##_account, .plan = prefix##_plan,  \
	.destroy = prefix##_destroy, COLONY_COMMON_OPS

/* The registry (registry.c, generated from the list in layouts/meson.build):
 * every layout, in that order, NULL-terminated. */
extern const struct colony_ops *const colony_layouts[];
const struct colony_ops *colony_layout_find(const char *name);

/* A sentence for a status returned by an operation above. */
const char *colony_strerror(int status);

bool strv_eq(struct strv a, const char *s);

#endif
