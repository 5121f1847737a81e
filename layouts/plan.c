/* Helpers for the layouts' byte models (plan.h): the allocation patterns
 * they share (mem_grow's arrays, id strings, intern pools) described once. */
#include <string.h>

#include "colony.h"
#include "intern.h"
#include "plan.h"

void plan_blocks(const struct plan *p, size_t size, uint64_t count)
{
	if (count)
		p->block(p->arg, size, count);
}

uint64_t plan_capacity(uint64_t need)
{
	if (!need)
		return 0;
	uint64_t cap = 16; /* MEM_GROW_MIN in mem.c */
	while (cap < need)
		cap *= 2;
	return cap;
}

void plan_array(const struct plan *p, uint64_t need, size_t elem_size)
{
	if (need)
		p->array(p->arg, elem_size, plan_capacity(need));
}

/* How many of the ids W0 .. W<n-1> have d digits. */
static uint64_t ids_with_digits(uint64_t n, int d)
{
	uint64_t lo = 0, hi = 10;
	for (int k = 1; k < d; k++) {
		lo = hi;
		hi = hi > UINT64_MAX / 10 ? UINT64_MAX : hi * 10;
	}
	if (d == 1)
		lo = 0;
	return n <= lo ? 0 : (n < hi ? n : hi) - lo;
}

void plan_worker_ids_longer(const struct plan *p, uint64_t n, size_t chars)
{
	for (int d = 1; d <= 20; d++)
		if ((size_t)d + 1 > chars)
			plan_blocks(p, (size_t)d + 2, ids_with_digits(n, d));
}

void plan_worker_ids(const struct plan *p, uint64_t n)
{
	plan_worker_ids_longer(p, n, 0);
}

uint64_t plan_worker_ids_of_length(uint64_t n, size_t chars)
{
	return chars >= 2 && chars <= 21 ? ids_with_digits(n, (int)chars - 1) : 0;
}

uint64_t plan_worker_id_chars(uint64_t n)
{
	uint64_t chars = 0;
	for (int d = 1; d <= 20; d++)
		chars += ids_with_digits(n, d) * (uint64_t)(d + 1);
	return chars;
}

void plan_intern(const struct plan *p, const char *const *strings, size_t count)
{
	plan_array(p, count, sizeof(struct strv));
	for (size_t i = 0; i < count; i++)
		plan_blocks(p, strlen(strings[i]) + 1, 1);
}

void plan_colony(const struct plan *p, size_t colony_size, bool with_keys, uint64_t n)
{
	static const char *const keys[] = {ATTR_WORKER_ID, ATTR_ROLE, ATTR_COLONY};
	static const char *const values[] = {"Tinyopolis", "Worker"}; /* the seed's */
	plan_blocks(p, colony_size, 1);
	if (with_keys)
		plan_intern(p, keys, 3);
	plan_intern(p, values, n ? 2 : 1);
}

static void add_block(void *arg, size_t size, uint64_t count)
{
	*(uint64_t *)arg += (uint64_t)size * count;
}

static void add_array(void *arg, size_t elem_size, uint64_t capacity)
{
	*(uint64_t *)arg += (uint64_t)elem_size * capacity;
}

uint64_t plan_requested_bytes(const struct colony_ops *ops, uint64_t n)
{
	uint64_t total = 0;
	struct plan p = {add_block, add_array, &total};
	ops->plan(n, &p);
	return total;
}
