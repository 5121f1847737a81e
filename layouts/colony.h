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

struct colony_ops {
	const char *name;    /* CLI and CSV key: "dict", "slots", "soa" */
	const char *summary; /* one line for --help and the README */
	/* true: set() of an unknown attribute adds it (a Python __dict__);
	 * false: it answers -EINVAL (__slots__'s AttributeError) */
	bool accepts_new_attributes;
	/* What the layout expects an ant to cost under jemalloc (its header
	 * comment derives it): the driver refuses an N whose colony could not fit
	 * in this machine's memory, and prints it beside the measured figure. */
	unsigned expected_bytes_per_ant;
	struct colony *(*create)(const char *colony_name); /* NULL on out of memory */
	/* 0, -ENOMEM, or -ENOSPC when a dictionary-encoded column is full */
	int (*add_ant)(struct colony *c, const char *worker_id, const char *role);
	size_t (*count)(const struct colony *c);
	/* 0, -ERANGE (no ant i) or -ENOENT (no such attribute: AttributeError) */
	int (*get)(const struct colony *c, size_t i, const char *attr, struct strv *out);
	/* 0, -ERANGE, -EINVAL (fixed layout refuses the attribute: AttributeError),
	 * -ENOMEM or -ENOSPC */
	int (*set)(struct colony *c, size_t i, const char *attr, const char *value);
	int (*visit)(const struct colony *c, ant_visitor fn, void *arg);
	/* Adds every byte the colony requested to *out, sorted by kind
	 * (account.h); the kinds sum to what it holds through mem.h. */
	void (*account)(const struct colony *c, struct byte_account *out);
	/* The byte model: the blocks a colony holds after the seed's loop added
	 * n ants, described from the structures (plan.h), never measured. */
	void (*plan)(uint64_t n, const struct plan *p);
	void (*destroy)(struct colony *c); /* NULL-safe */
};

/* The registry (layouts.c): every layout, NULL-terminated. */
extern const struct colony_ops *const colony_layouts[];
const struct colony_ops *colony_layout_find(const char *name);

/* A sentence for a status returned by an operation above. */
const char *colony_strerror(int status);

bool strv_eq(struct strv a, const char *s);

#endif
