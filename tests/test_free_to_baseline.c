/* Destroying a colony returns jemalloc's allocated bytes exactly to the
 * baseline taken before it was created: no layout leaks, and the driver's
 * "after_free_allocated_bytes" means what it says. Exact thanks to jemalloc's
 * per-thread counters (thread cache contents count as freed there). */
#include <errno.h>
#include <stdio.h>

#include "alloc_stats.h"
#include "check.h"
#include "colony.h"
#include "mem.h"

int main(void)
{
	if (alloc_init() == -ENXIO) {
		puts("SKIP: malloc is not jemalloc's (sanitizer or valgrind build)");
		return 77;
	}
	CHECK_EQ_INT(alloc_init(), 0, "jemalloc statistics available");
	for (const struct colony_ops *const *p = colony_layouts; *p; p++) {
		const struct colony_ops *ops = *p;
		uint64_t baseline = alloc_thread_live_bytes();
		struct colony *c = ops->create("Tinyopolis");
		char id[24];
		for (int i = 0; c && i < 100000; i++) {
			snprintf(id, sizeof id, "W%d", i);
			CHECK_EQ_INT(ops->add_ant(c, id, "Worker"), 0, "%s add", ops->name);
		}
		CHECK(ops->set(c, 10, ATTR_WORKER_ID, "a-much-longer-worker-id") == 0, "%s set",
		      ops->name);
		uint64_t grown = alloc_thread_live_bytes();
		CHECK(grown > baseline + 100000 * 10, "%s allocated something: %llu -> %llu",
		      ops->name, (unsigned long long)baseline, (unsigned long long)grown);
		ops->destroy(c);
		CHECK_EQ_U64(alloc_thread_live_bytes(), baseline,
			     "%s: allocated bytes back at the baseline after destroy", ops->name);
		CHECK_EQ_U64(mem_requested_bytes, 0, "%s: requested bytes back at zero", ops->name);
	}
	return check_done("test_free_to_baseline");
}
