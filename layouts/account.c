/* Growth-slack accounting (see account.h). */
#define _DEFAULT_SOURCE /* mincore */
#include "account.h"

#include <sys/mman.h>
#include <unistd.h>

/* Bytes of [start, end) on whole pages that are not resident. A page the
 * range only partly covers is left out: the array's used part or a
 * neighbouring block shares it, so it is resident for a reason of its own. */
static uint64_t untouched_bytes(uintptr_t start, uintptr_t end)
{
	static long page;
	if (!page)
		page = sysconf(_SC_PAGESIZE);
	uintptr_t first = (start + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
	uintptr_t last = end & ~((uintptr_t)page - 1);
	uint64_t untouched = 0;
	unsigned char resident[256];
	for (uintptr_t p = first; p < last;) {
		size_t pages = (last - p) / (size_t)page;
		if (pages > sizeof resident)
			pages = sizeof resident;
		if (mincore((void *)p, pages * (size_t)page, resident))
			return untouched; /* only for an unmapped range: not a live array's */
		for (size_t i = 0; i < pages; i++)
			if (!(resident[i] & 1))
				untouched += (uint64_t)page;
		p += pages * (size_t)page;
	}
	return untouched;
}

void account_array_tail(struct byte_account *a, const void *array, size_t count,
			size_t capacity, size_t elem_size)
{
	if (!array || capacity <= count)
		return;
	uintptr_t base = (uintptr_t)array;
	a->growth_slack_bytes += (uint64_t)(capacity - count) * elem_size;
	a->growth_untouched_bytes += untouched_bytes(base + count * elem_size,
						     base + capacity * elem_size);
}
