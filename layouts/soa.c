/* Struct-of-arrays colony: one column per attribute, ant i is index i.
 *
 *   colony ─┬─ id_bytes[]   "W0W1W2..."      6.8 B/ant at N=500,000 (ids are 2–7 chars, no NUL)
 *           ├─ id_end[]     uint32 offset    4 B/ant  (id i is id_bytes[end[i-1] .. end[i]])
 *           ├─ role[]       uint8 code       1 B/ant  -> values.entries[code], stored once
 *           └─ colony[]     uint8 code       1 B/ant  -> values.entries[code], stored once
 *
 * Expected ≈ 12.8 B/ant requested plus growth slack: every column doubles, so
 * just after a grow a column is half empty, and at N=500,000 the columns sit
 * at 524,288 entries and 4 MiB of id bytes (1.90 B/ant of slack: 805,414
 * unused id bytes and 24,288 unused slots of 6 bytes, 13 % of the 14.68). Large
 * columns are page-granular in jemalloc, so usable ≈ requested here.
 * No per-ant header, pointer or table, unlike slots.c and dict.c. The price is
 * paid on mutation: changing the length of one id moves every id after it. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "account.h"
#include "colony.h"
#include "intern.h"
#include "mem.h"
#include "plan.h"

struct colony {
	struct colony_head head; /* count, shared values: colony.h */
	char *id_bytes;
	size_t id_bytes_len, id_bytes_cap;
	uint32_t *id_end; /* uint32: the id arena is capped at 4 GiB (-ENOSPC past it) */
	size_t id_end_cap;
	uint8_t *role;
	size_t role_cap;
	uint8_t *colony;
	size_t colony_cap;
};

extern const struct colony_ops soa_ops;

static struct colony *soa_create(const char *colony_name)
{
	return colony_alloc(sizeof(struct colony), &soa_ops, colony_name);
}

static size_t id_start(const struct colony *c, size_t i)
{
	return i ? c->id_end[i - 1] : 0;
}

/* Make room for extra more id bytes; -ENOSPC past what uint32 offsets reach. */
static int reserve_id_bytes(struct colony *c, size_t extra)
{
	if (extra > UINT32_MAX - c->id_bytes_len)
		return -ENOSPC;
	return mem_grow((void **)&c->id_bytes, &c->id_bytes_cap, c->id_bytes_len + extra, 1);
}

static int soa_append(struct colony *c, const char *worker_id, const char *role)
{
	size_t len = strlen(worker_id);
	size_t need = c->head.count + 1;
	int rc, role_code = intern_code(&c->head.values, role);
	if (role_code < 0)
		return role_code;
	if ((rc = reserve_id_bytes(c, len)) ||
	    (rc = mem_grow((void **)&c->id_end, &c->id_end_cap, need, sizeof *c->id_end)) ||
	    (rc = mem_grow((void **)&c->role, &c->role_cap, need, 1)) ||
	    (rc = mem_grow((void **)&c->colony, &c->colony_cap, need, 1)))
		return rc;
	if (len) /* an empty id may meet a column not yet allocated (NULL) */
		memcpy(c->id_bytes + c->id_bytes_len, worker_id, len);
	c->id_bytes_len += len;
	c->id_end[c->head.count] = (uint32_t)c->id_bytes_len;
	c->role[c->head.count] = (uint8_t)role_code;
	c->colony[c->head.count] = (uint8_t)c->head.colony_code;
	return 0;
}

static int soa_view(const struct colony *c, size_t i, struct ant_view *v)
{
	size_t start = id_start(c, i);
	v->worker_id = (struct strv){c->id_bytes + start, c->id_end[i] - start};
	v->role = intern_view(&c->head.values, c->role[i]);
	v->colony = intern_view(&c->head.values, c->colony[i]);
	return 0;
}

/* O(N): shifts every later id and offset. */
static int set_worker_id(struct colony *c, size_t i, const char *value)
{
	size_t start = id_start(c, i), old_len = c->id_end[i] - start, len = strlen(value);
	if (!len && !old_len) /* nothing moves (and the column may not exist yet) */
		return 0;
	if (len > old_len) {
		int rc = reserve_id_bytes(c, len - old_len);
		if (rc)
			return rc;
	}
	memmove(c->id_bytes + start + len, c->id_bytes + start + old_len,
		c->id_bytes_len - start - old_len);
	memcpy(c->id_bytes + start, value, len);
	c->id_bytes_len = c->id_bytes_len - old_len + len;
	for (size_t j = i; j < c->head.count; j++)
		c->id_end[j] = (uint32_t)(c->id_end[j] - old_len + len);
	return 0;
}

static int soa_set(struct colony *c, size_t i, enum attr a, const char *attr, const char *value)
{
	(void)attr; /* never another: a column per attribute, none for new ones */
	if (a == ATTR_IS_WORKER_ID)
		return set_worker_id(c, i, value);
	uint8_t *column = a == ATTR_IS_ROLE ? c->role : c->colony;
	int code = intern_code(&c->head.values, value);
	if (code < 0)
		return code;
	column[i] = (uint8_t)code;
	return 0;
}

/* Id bytes and the two code columns are payload; the offsets that cut the
 * id bytes into ids are structure. Every column has its own growth slack. */
static void soa_account(const struct colony *c, struct byte_account *a)
{
	a->header_bytes += sizeof *c + c->head.count * sizeof *c->id_end;
	a->payload_bytes += c->id_bytes_len + c->head.count * (sizeof *c->role + sizeof *c->colony);
	account_array_tail(a, c->id_bytes, c->id_bytes_len, c->id_bytes_cap, 1);
	account_array_tail(a, c->id_end, c->head.count, c->id_end_cap, sizeof *c->id_end);
	account_array_tail(a, c->role, c->head.count, c->role_cap, sizeof *c->role);
	account_array_tail(a, c->colony, c->head.count, c->colony_cap, sizeof *c->colony);
	intern_account(&c->head.values, a, true);
}

static void soa_destroy(struct colony *c)
{
	if (!c)
		return;
	mem_free(c->id_bytes, c->id_bytes_cap);
	mem_free(c->id_end, c->id_end_cap * sizeof *c->id_end);
	mem_free(c->role, c->role_cap);
	mem_free(c->colony, c->colony_cap);
	colony_free(c, sizeof *c);
}

/* The byte model (plan.h): the colony, its shared values, and four grown
 * columns: the packed id characters, their end offsets, role and colony codes. */
static void soa_plan(uint64_t n, const struct plan *p)
{
	plan_colony(p, sizeof(struct colony), false, n);
	plan_array(p, plan_worker_id_chars(n), 1);
	plan_array(p, n, sizeof(uint32_t));
	plan_array(p, n, sizeof(uint8_t));
	plan_array(p, n, sizeof(uint8_t));
}

const struct colony_ops soa_ops = {
	.name = "soa",
	.summary = "one column per attribute, ids packed, roles dictionary-encoded",
	COLONY_LAYOUT_OPS(soa),
};
