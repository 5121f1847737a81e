/* The seed's colony workload, shared by the driver's colony scenario and the
 * Google Benchmark cases: worker ids f"W{i}", formatted without snprintf (its
 * ~60 ns would outweigh an soa insert and hide the layouts' differences), and
 * Colony.distribute_work, a visit of every ant reading its role. */
#ifndef ANTMEM_WORKER_ID_H
#define ANTMEM_WORKER_ID_H

#include <stdint.h>
#include <string.h>

#include "../../layouts/colony.h"

#define WORKER_ID_SIZE 24 /* "W" + 20 digits + NUL */

static inline void format_worker_id(char buf[WORKER_ID_SIZE], uint64_t i)
{
	char digits[20], *p = digits + sizeof digits;
	do
		*--p = (char)('0' + i % 10);
	while (i /= 10);
	size_t len = (size_t)(digits + sizeof digits - p);
	buf[0] = 'W';
	memcpy(buf + 1, p, len);
	buf[len + 1] = '\0';
}

static inline int count_worker(const struct ant_view *ant, void *arg)
{
	*(uint64_t *)arg += strv_eq(ant->role, "Worker");
	return 0;
}

/* The number of ants whose role is "Worker". */
static inline uint64_t distribute_work(const struct colony_ops *ops, const struct colony *c)
{
	uint64_t workers = 0;
	ops->visit(c, count_worker, &workers);
	return workers;
}

#endif
