/* slots with its objects taken from bump arenas: the same struct per ant
 * and the same array of pointers to them as slots.c, but no malloc per ant.
 * The structs and the id strings are carved, back to back, out of 1 MiB
 * chunks (one arena for each: the structs stay 8-byte aligned, the strings
 * pack with no gap). What slots pays the allocator for (a header or a size
 * class per object: 24 -> 32 for the struct, 8 bytes for a 3-byte id) is
 * gone; what is left is the layout's own cost.
 *
 *   ants[] ─► struct ant_slots { worker_id, role, colony }   in structs arena
 *   8 B/ant   24 B, exact          │         └──────┴─► shared ("Worker", "Tinyopolis")
 *                                  └─► "W123456\0"                 in strings arena
 *   chunk: [next chunk*][object][object]...[unused tail]
 *
 * Expected at N = 500,000: 8.4 (pointers) + 24 (struct) + 7.8 (id) = 40.2 B/ant,
 * plus the newest chunks' unused tails (at most 1 MiB per arena: 1.8 B/ant
 * here), 41.9 B/ant requested and usable alike (1 MiB is an exact size class):
 * against slots' 48.4 B/ant usable under jemalloc, the 8.2 B/ant slots loses
 * to size classes (24 -> 32, ids -> 8), less the tails. The price:
 * an id's bytes are not given back when it is replaced (dead bytes, counted
 * as padding), only when the colony is destroyed. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "account.h"
#include "colony.h"
#include "intern.h"
#include "mem.h"
#include "plan.h"

#define CHUNK_SIZE ((size_t)1 << 20)

struct ant_slots {
	const char *worker_id; /* in the strings arena */
	const char *role;      /* shared, from values */
	const char *colony;    /* shared, from values */
};

/* A chunk starts with the pointer to the one made before it. */
struct arena {
	char *chunk;      /* the newest chunk, or NULL */
	size_t used;      /* bytes of it taken, its header included */
	size_t chunks;    /* chunks made */
	uint64_t waste;   /* tails of older chunks too short for the next object,
			     and the bytes of replaced ids: held for nothing */
};

struct colony {
	struct colony_head head; /* count, shared values: colony.h */
	struct ant_slots **ants;
	size_t capacity;
	struct arena structs, strings;
};

/* size bytes (at most a chunk's room) aligned to align, from the newest chunk
 * or a new one; NULL on out of memory. */
static void *arena_alloc(struct arena *a, size_t size, size_t align)
{
	size_t at = (a->used + align - 1) & ~(align - 1);
	if (!a->chunk || at + size > CHUNK_SIZE) {
		char *chunk = mem_alloc(CHUNK_SIZE);
		if (!chunk)
			return NULL;
		if (a->chunk)
			a->waste += CHUNK_SIZE - a->used; /* the old chunk's tail */
		memcpy(chunk, &a->chunk, sizeof a->chunk);
		a->chunk = chunk;
		a->chunks++;
		a->used = sizeof(char *);
		at = (a->used + align - 1) & ~(align - 1);
	}
	a->waste += at - a->used; /* an alignment gap (none with the sizes used here) */
	a->used = at + size;
	return a->chunk + at;
}

static void arena_free_all(struct arena *a)
{
	while (a->chunk) {
		char *prev;
		memcpy(&prev, a->chunk, sizeof prev);
		mem_free(a->chunk, CHUNK_SIZE);
		a->chunk = prev;
	}
	*a = (struct arena){0};
}

extern const struct colony_ops slots_arena_ops;

static struct colony *arena_create(const char *colony_name)
{
	return colony_alloc(sizeof(struct colony), &slots_arena_ops, colony_name);
}

/* A copy of s in the strings arena; -E2BIG past what a chunk holds. */
static int string_copy(struct colony *c, const char *s, const char **out)
{
	size_t size = strlen(s) + 1;
	if (size > CHUNK_SIZE - sizeof(char *))
		return -E2BIG;
	char *copy = arena_alloc(&c->strings, size, 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, s, size);
	*out = copy;
	return 0;
}

static int arena_append(struct colony *c, const char *worker_id, const char *role)
{
	size_t n = c->head.count;
	int rc = mem_grow((void **)&c->ants, &c->capacity, n + 1, sizeof *c->ants);
	if (rc)
		return rc;
	int role_code = intern_code(&c->head.values, role);
	if (role_code < 0)
		return role_code;
	const char *id;
	if ((rc = string_copy(c, worker_id, &id)))
		return rc;
	struct ant_slots *a = arena_alloc(&c->structs, sizeof *a, _Alignof(struct ant_slots));
	if (!a) {
		c->strings.waste += strlen(id) + 1; /* a bump arena frees nothing */
		return -ENOMEM;
	}
	a->worker_id = id;
	a->role = intern_str(&c->head.values, role_code);
	a->colony = intern_str(&c->head.values, c->head.colony_code);
	c->ants[n] = a;
	return 0;
}

static int arena_view(const struct colony *c, size_t i, struct ant_view *v)
{
	const struct ant_slots *a = c->ants[i];
	v->worker_id = (struct strv){a->worker_id, strlen(a->worker_id)};
	v->role = (struct strv){a->role, strlen(a->role)};
	v->colony = (struct strv){a->colony, strlen(a->colony)};
	return 0;
}

static int arena_set(struct colony *c, size_t i, enum attr a, const char *attr, const char *value)
{
	(void)attr; /* never another: the struct has three fields */
	struct ant_slots *s = c->ants[i];
	if (a == ATTR_IS_WORKER_ID) {
		const char *copy;
		int rc = string_copy(c, value, &copy);
		if (rc)
			return rc;
		c->strings.waste += strlen(s->worker_id) + 1; /* a bump arena frees nothing */
		s->worker_id = copy;
		return 0;
	}
	int code = intern_code(&c->head.values, value);
	if (code < 0)
		return code;
	*(a == ATTR_IS_ROLE ? &s->role : &s->colony) = intern_str(&c->head.values, code);
	return 0;
}

/* As slots.c for the objects; each chunk's link is structure, the newest
 * chunk's unused tail growth slack, and the waste (older tails, replaced
 * ids) padding: bytes held for nothing. */
static void account_arena(struct byte_account *a, const struct arena *ar)
{
	a->header_bytes += ar->chunks * sizeof(char *);
	a->padding_bytes += ar->waste;
	if (ar->chunk)
		account_array_tail(a, ar->chunk, ar->used, CHUNK_SIZE, 1);
}

static void arena_account(const struct colony *c, struct byte_account *a)
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
	account_arena(a, &c->structs);
	account_arena(a, &c->strings);
	intern_account(&c->head.values, a, true);
}

static void arena_destroy(struct colony *c)
{
	if (!c)
		return;
	arena_free_all(&c->structs);
	arena_free_all(&c->strings);
	mem_free(c->ants, c->capacity * sizeof *c->ants);
	colony_free(c, sizeof *c);
}

/* Chunks an arena needs for count objects of size bytes after fill bytes
 * of its newest chunk are taken (*fill: updated; 0 with no chunk yet). */
static uint64_t chunks_for(uint64_t count, size_t size, size_t *fill)
{
	uint64_t chunks = 0;
	while (count) {
		if (*fill == 0 || *fill + size > CHUNK_SIZE) {
			chunks++;
			*fill = sizeof(char *);
		}
		uint64_t fit = (CHUNK_SIZE - *fill) / size;
		if (fit > count)
			fit = count;
		*fill += fit * size;
		count -= fit;
	}
	return chunks;
}

/* The byte model (plan.h): the colony, its shared values, the array of
 * pointers, and the chunks the two arenas fill: structs of 24 bytes, and
 * the ids packed in the order they come (a shorter id first: W0 .. W9). */
static void arena_plan(uint64_t n, const struct plan *p)
{
	plan_colony(p, sizeof(struct colony), false, n);
	plan_array(p, n, sizeof(struct ant_slots *));
	size_t fill = 0;
	uint64_t chunks = chunks_for(n, sizeof(struct ant_slots), &fill);
	fill = 0;
	for (size_t chars = 2; chars <= 21; chars++)
		chunks += chunks_for(plan_worker_ids_of_length(n, chars), chars + 1, &fill);
	plan_blocks(p, CHUNK_SIZE, chunks);
}

const struct colony_ops slots_arena_ops = {
	.name = "slots_arena",
	.summary = "slots' struct and ids carved from 1 MiB bump arenas: no malloc per ant",
	COLONY_LAYOUT_OPS(arena),
};
