/* mem.c's usable sizes, however the allocator supplies them (jemalloc and
 * mimalloc from their size classes, without a lookup), equal
 * malloc_usable_size for every size class up to 64 MiB. Built once per
 * allocator (tests/meson.build). */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "alloc_stats.h"
#include "check.h"
#include "mem.h"

int main(void)
{
	int init = alloc_init();
	if (init == -ENXIO) {
		printf("test_usable: malloc is not %s's here (sanitizer or valgrind): skipped\n",
		       alloc_name());
		return 77;
	}
	CHECK_EQ_INT(init, 0, "%s is the allocator", alloc_name());
	for (size_t size = 1; size <= (64u << 20); size += size < 4096 ? 1 : size / 7) {
		void *b = malloc(size);
		CHECK(b != NULL, "malloc(%zu)", size);
		size_t real = malloc_usable_size(b), ours = mem_usable_size(b, size);
		free(b);
		CHECK_EQ_U64(ours, real, "%s: usable size of %zu bytes", alloc_name(), size);
		if (ours != real)
			break;
	}
	return check_done("test_usable");
}
