/* Shared-string pool (see intern.h). Lookup is linear: pools hold a handful
 * of roles and colony names, where a scan beats hashing. */
#include "intern.h"

#include <errno.h>
#include <string.h>

#include "mem.h"

int intern_code(struct intern_pool *pool, const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < pool->count; i++)
		if (pool->entries[i].len == len && memcmp(pool->entries[i].ptr, s, len) == 0)
			return (int)i;
	if (pool->count == INTERN_MAX)
		return -ENOSPC;
	if (mem_grow((void **)&pool->entries, &pool->capacity, pool->count + 1,
		     sizeof *pool->entries))
		return -ENOMEM;
	char *copy = mem_strdup(s);
	if (!copy)
		return -ENOMEM;
	pool->entries[pool->count] = (struct strv){copy, len};
	return (int)pool->count++;
}

const char *intern_str(const struct intern_pool *pool, int code)
{
	return pool->entries[code].ptr;
}

struct strv intern_view(const struct intern_pool *pool, int code)
{
	return pool->entries[code];
}

void intern_clear(struct intern_pool *pool)
{
	for (size_t i = 0; i < pool->count; i++)
		mem_free((void *)pool->entries[i].ptr, pool->entries[i].len + 1);
	mem_free(pool->entries, pool->capacity * sizeof *pool->entries);
	*pool = (struct intern_pool){0};
}

void intern_account(const struct intern_pool *pool, struct byte_account *a, bool strings_are_payload)
{
	a->header_bytes += pool->count * sizeof *pool->entries;
	account_array_tail(a, pool->entries, pool->count, pool->capacity, sizeof *pool->entries);
	for (size_t i = 0; i < pool->count; i++) {
		if (strings_are_payload)
			account_owned_string(a, pool->entries[i].ptr);
		else
			a->header_bytes += pool->entries[i].len + 1;
	}
}

int intern_attribute_names(struct intern_pool *keys)
{
	static const char *const names[] = {ATTR_WORKER_ID, ATTR_ROLE, ATTR_COLONY};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		int rc = intern_code(keys, names[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}
