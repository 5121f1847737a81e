/* Conformance: every layout in the registry gives the same answers on the
 * same input, ant by ant, and follows the interface's error contract. A new
 * layout is tested here by being listed in layouts.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "check.h"
#include "colony.h"
#include "mem.h"
#include "strhash.h"

#define N_ANTS 10000

static const char *roles[] = {"Worker", "Soldier", "Queen"};

static void worker_id(char *buf, size_t i)
{
	snprintf(buf, 24, "W%zu", i);
}

struct checksum {
	uint64_t hash;
	size_t ants;
	size_t next_index;
	bool in_order;
};

static uint64_t hash_view(uint64_t h, struct strv v)
{
	return strhash_update(h, v.ptr, v.len) * 31 + v.len;
}

static int add_to_checksum(const struct ant_view *ant, void *arg)
{
	struct checksum *c = arg;
	c->in_order &= ant->index == c->next_index++;
	c->hash = hash_view(hash_view(hash_view(c->hash, ant->worker_id), ant->role), ant->colony);
	c->ants++;
	return 0;
}

static struct checksum checksum(const struct colony_ops *ops, const struct colony *c)
{
	struct checksum sum = {.hash = STRHASH_SEED, .in_order = true};
	CHECK_EQ_INT(ops->visit(c, add_to_checksum, &sum), 0, "%s visit", ops->name);
	return sum;
}

/* The checksum computed from the inputs alone, without any layout. */
static uint64_t expected_checksum(void)
{
	uint64_t h = STRHASH_SEED;
	char id[24];
	for (size_t i = 0; i < N_ANTS; i++) {
		worker_id(id, i);
		const char *role = roles[i % 3];
		h = hash_view(h, (struct strv){id, strlen(id)});
		h = hash_view(h, (struct strv){role, strlen(role)});
		h = hash_view(h, (struct strv){"Tinyopolis", 10});
	}
	return h;
}

static struct colony *build(const struct colony_ops *ops)
{
	struct colony *c = ops->create("Tinyopolis");
	CHECK(c != NULL, "%s create", ops->name);
	char id[24];
	for (size_t i = 0; c && i < N_ANTS; i++) {
		worker_id(id, i);
		CHECK_EQ_INT(ops->add_ant(c, id, roles[i % 3]), 0, "%s add ant %zu", ops->name, i);
	}
	return c;
}

static void check_attr(const struct colony_ops *ops, const struct colony *c, size_t i,
		       const char *attr, const char *want)
{
	struct strv v = {0};
	int rc = ops->get(c, i, attr, &v);
	CHECK_EQ_INT(rc, 0, "%s get(%zu, %s)", ops->name, i, attr);
	if (!rc)
		CHECK(strv_eq(v, want), "%s ant %zu %s = '%.*s', want '%s'", ops->name, i, attr,
		      (int)v.len, v.ptr, want);
}

/* The layout's own sorting of its bytes must add up to what mem.h counted
 * (requested since base), and can only call untouched what is slack. */
static struct byte_account check_account(const struct colony_ops *ops, const struct colony *c,
					 size_t base, const char *when)
{
	struct byte_account a = {0};
	ops->account(c, &a);
	CHECK_EQ_U64(byte_account_total(&a), mem_requested_bytes - base,
		     "%s %s: the kinds of bytes sum to the requested bytes", ops->name, when);
	CHECK(a.growth_untouched_bytes <= a.growth_slack_bytes, "%s %s: untouched %llu <= slack %llu",
	      ops->name, when, (unsigned long long)a.growth_untouched_bytes,
	      (unsigned long long)a.growth_slack_bytes);
	return a;
}

/* Payload is the id characters, one reference per role and colony (a
 * pointer or a code: the same width for every ant) and the four shared
 * strings once; table slack exists only where new attributes are accepted. */
static void check_account_kinds(const struct colony_ops *ops, const struct byte_account *a)
{
	uint64_t id_chars = 0, shared = strlen("Tinyopolis") + strlen("Worker") +
					strlen("Soldier") + strlen("Queen");
	char id[24];
	for (size_t i = 0; i < N_ANTS; i++) {
		worker_id(id, i);
		id_chars += strlen(id);
	}
	CHECK(a->payload_bytes > id_chars + shared &&
		      (a->payload_bytes - id_chars - shared) % N_ANTS == 0,
	      "%s: payload %llu = %llu id chars + %llu shared + N references", ops->name,
	      (unsigned long long)a->payload_bytes, (unsigned long long)id_chars,
	      (unsigned long long)shared);
	CHECK(ops->accepts_new_attributes == (a->table_slack_bytes >= N_ANTS),
	      "%s: table slack %llu only where attributes can be added", ops->name,
	      (unsigned long long)a->table_slack_bytes);
}

static void test_build_and_read(const struct colony_ops *ops, uint64_t want_sum)
{
	size_t base = mem_requested_bytes;
	struct colony *c = build(ops);
	if (!c)
		return;
	struct byte_account a = check_account(ops, c, base, "after build");
	check_account_kinds(ops, &a);
	CHECK_EQ_U64(ops->count(c), N_ANTS, "%s lost ants", ops->name);
	struct checksum sum = checksum(ops, c);
	CHECK_EQ_U64(sum.ants, N_ANTS, "%s visit saw every ant", ops->name);
	CHECK(sum.in_order, "%s visits in index order", ops->name);
	CHECK_EQ_U64(sum.hash, want_sum, "%s checksum over all attributes", ops->name);
	check_attr(ops, c, 0, ATTR_WORKER_ID, "W0");
	check_attr(ops, c, 9999, ATTR_WORKER_ID, "W9999");
	check_attr(ops, c, 4, ATTR_ROLE, "Soldier");
	check_attr(ops, c, 77, ATTR_COLONY, "Tinyopolis");

	struct strv v;
	CHECK_EQ_INT(ops->get(c, N_ANTS, ATTR_ROLE, &v), -ERANGE, "%s get past the end", ops->name);
	CHECK_EQ_INT(ops->set(c, N_ANTS, ATTR_ROLE, "x"), -ERANGE, "%s set past the end", ops->name);
	CHECK_EQ_INT(ops->get(c, 3, "wings", &v), -ENOENT, "%s get of a missing attribute",
		     ops->name);
	ops->destroy(c);
}

/* The same mutations on every layout must leave the same colony. */
static uint64_t mutate(const struct colony_ops *ops, struct colony *c)
{
	CHECK_EQ_INT(ops->set(c, 5, ATTR_ROLE, "Queen"), 0, "%s", ops->name);
	CHECK_EQ_INT(ops->set(c, 6, ATTR_COLONY, "Red Colony"), 0, "%s", ops->name);
	CHECK_EQ_INT(ops->set(c, 7, ATTR_WORKER_ID, "Q"), 0, "%s shorter id", ops->name);
	CHECK_EQ_INT(ops->set(c, 8, ATTR_WORKER_ID, "W8-renamed-longer"), 0, "%s longer id",
		     ops->name);
	CHECK_EQ_INT(ops->set(c, 0, ATTR_WORKER_ID, ""), 0, "%s empty id", ops->name);
	check_attr(ops, c, 5, ATTR_ROLE, "Queen");
	check_attr(ops, c, 6, ATTR_COLONY, "Red Colony");
	check_attr(ops, c, 6, ATTR_ROLE, "Worker");
	check_attr(ops, c, 7, ATTR_WORKER_ID, "Q");
	check_attr(ops, c, 8, ATTR_WORKER_ID, "W8-renamed-longer");
	check_attr(ops, c, 9, ATTR_WORKER_ID, "W9");
	check_attr(ops, c, 0, ATTR_WORKER_ID, "");
	check_attr(ops, c, 1, ATTR_WORKER_ID, "W1");
	check_attr(ops, c, N_ANTS - 1, ATTR_WORKER_ID, "W9999");
	return checksum(ops, c).hash;
}

static void test_attribute_errors(const struct colony_ops *ops)
{
	size_t base = mem_requested_bytes;
	struct colony *c = build(ops);
	if (!c)
		return;
	int rc = ops->set(c, 3, "wings", "2");
	if (ops->accepts_new_attributes) {
		/* Like a Python instance with __dict__: new attributes at run time,
		 * enough of them to make the table grow past its 8 slots. */
		CHECK_EQ_INT(rc, 0, "%s accepts a new attribute", ops->name);
		char name[16], value[16];
		for (int k = 0; k < 12; k++) {
			snprintf(name, sizeof name, "extra%d", k);
			snprintf(value, sizeof value, "v%d", k);
			CHECK_EQ_INT(ops->set(c, 3, name, value), 0, "%s set %s", ops->name, name);
		}
		for (int k = 0; k < 12; k++) {
			snprintf(name, sizeof name, "extra%d", k);
			snprintf(value, sizeof value, "v%d", k);
			check_attr(ops, c, 3, name, value);
		}
		check_attr(ops, c, 3, "wings", "2");
		check_attr(ops, c, 3, ATTR_WORKER_ID, "W3");
		check_attr(ops, c, 3, ATTR_ROLE, "Worker");
		struct strv v;
		CHECK_EQ_INT(ops->get(c, 4, "wings", &v), -ENOENT, "%s: only ant 3 has wings",
			     ops->name);
		CHECK_EQ_INT(ops->set(c, 4, "extra11", "late"), 0, "%s: a known key, another ant",
			     ops->name);
		check_attr(ops, c, 4, "extra11", "late");
		check_attr(ops, c, 3, "extra11", "v11");
		check_attr(ops, c, 4, ATTR_WORKER_ID, "W4");
		check_account(ops, c, base, "after new attributes");
	} else {
		CHECK_EQ_INT(rc, -EINVAL, "%s must refuse an attribute it has no slot for",
			     ops->name);
		struct strv v;
		CHECK_EQ_INT(ops->get(c, 3, "wings", &v), -ENOENT, "%s refused set left no trace",
			     ops->name);
		CHECK(strstr(colony_strerror(rc), "AttributeError") != NULL,
		      "%s: the error names AttributeError: %s", ops->name, colony_strerror(rc));
	}
	ops->destroy(c);
}

/* Dictionary-encoded columns hold 256 values; every layout shares the limit
 * so that all of them answer the same on the same input. */
static void test_too_many_roles(const struct colony_ops *ops)
{
	struct colony *c = ops->create("Tinyopolis");
	char role[16];
	int rc = 0;
	size_t i;
	for (i = 0; i < 300 && !rc; i++) {
		snprintf(role, sizeof role, "role%zu", i);
		rc = ops->add_ant(c, "W", role);
	}
	CHECK_EQ_INT(rc, -ENOSPC, "%s: 256 distinct values, colony name included", ops->name);
	CHECK_EQ_U64(i, 256, "%s: the 256th distinct role is refused", ops->name);
	CHECK_EQ_U64(ops->count(c), 255, "%s: a refused ant is not added", ops->name);
	ops->destroy(c);
}

/* The contract in colony.h: ids and values of any length come back as they
 * were stored, or the layout answers -E2BIG; never a truncated value. Lengths
 * around the usual inline and size-class edges, and a long one. */
static void test_any_length(const struct colony_ops *ops)
{
	static const size_t lengths[] = {0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 255, 4096};
	enum { COUNT = sizeof lengths / sizeof lengths[0] };
	size_t base = mem_requested_bytes;
	struct colony *c = ops->create("Tinyopolis");
	CHECK(c != NULL, "%s create", ops->name);
	if (!c)
		return;
	static char value[4097];
	size_t added = 0;
	for (size_t k = 0; k < COUNT; k++) {
		memset(value, 'a' + (int)(k % 26), lengths[k]);
		value[lengths[k]] = '\0';
		int rc = ops->add_ant(c, value, "Worker");
		CHECK(rc == 0 || rc == -E2BIG, "%s: an id of %zu bytes: %s", ops->name, lengths[k],
		      colony_strerror(rc));
		if (rc)
			continue;
		check_attr(ops, c, added, ATTR_WORKER_ID, value);
		added++;
	}
	CHECK_EQ_U64(ops->count(c), added, "%s: every accepted id counted", ops->name);
	for (size_t k = 0; k < COUNT && added; k++) { /* and set, over the first ant */
		memset(value, 'A' + (int)(k % 26), lengths[k]);
		value[lengths[k]] = '\0';
		int rc = ops->set(c, 0, ATTR_WORKER_ID, value);
		CHECK(rc == 0 || rc == -E2BIG, "%s: set an id of %zu bytes: %s", ops->name,
		      lengths[k], colony_strerror(rc));
		if (!rc)
			check_attr(ops, c, 0, ATTR_WORKER_ID, value);
		rc = ops->set(c, 0, ATTR_COLONY, value);
		CHECK(rc == 0 || rc == -E2BIG, "%s: a colony name of %zu bytes", ops->name, lengths[k]);
		if (!rc)
			check_attr(ops, c, 0, ATTR_COLONY, value);
	}
	check_account(ops, c, base, "with ids of every length");
	ops->destroy(c);
	CHECK_EQ_U64(mem_requested_bytes, base, "%s: destroy after any length", ops->name);
}

int main(void)
{
	uint64_t want = expected_checksum(), mutated = 0;
	for (const struct colony_ops *const *p = colony_layouts; *p; p++) {
		const struct colony_ops *ops = *p;
		size_t before = mem_requested_bytes;
		test_build_and_read(ops, want);
		test_attribute_errors(ops);
		test_too_many_roles(ops);
		test_any_length(ops);
		struct colony *c = build(ops);
		if (c) {
			uint64_t sum = mutate(ops, c);
			check_account(ops, c, before, "after mutation");
			if (p == colony_layouts)
				mutated = sum;
			CHECK_EQ_U64(sum, mutated, "%s: same mutations, same colony as %s",
				     ops->name, colony_layouts[0]->name);
			ops->destroy(c);
		}
		CHECK_EQ_U64(mem_requested_bytes, before, "%s: destroy returns every requested byte",
			     ops->name);
		ops->destroy(NULL);
	}
	for (const struct colony_ops *const *p = colony_layouts; *p; p++)
		CHECK(colony_layout_find((*p)->name) == *p, "registry finds %s", (*p)->name);
	CHECK(colony_layout_find("") == NULL, "no layout without a name");
	return check_done("test_layouts");
}
