/* antmem-plan: every layout's byte model (layouts/plan.h) for a colony of n
 * ants, as CSV lines "layout,kind,size,count": "block" rows are count live
 * blocks of size bytes; "array" rows one array grown to count elements of
 * size bytes (freed at each smaller capacity on the way). Before any
 * allocator rounds them; scripts/model.py reads this.
 * usage: antmem-plan [--n N] [--layout L]   (default n 500000, every layout)
 * Exit status: 0, 2 bad arguments. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colony.h"
#include "plan.h"

static void block(void *arg, size_t size, uint64_t count)
{
	printf("%s,block,%zu,%" PRIu64 "\n", (const char *)arg, size, count);
}

static void array(void *arg, size_t elem_size, uint64_t capacity)
{
	printf("%s,array,%zu,%" PRIu64 "\n", (const char *)arg, elem_size, capacity);
}

static int usage(const char *why)
{
	fprintf(stderr, "antmem-plan: %s\nusage: antmem-plan [--n N] [--layout L]\n", why);
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t n = 500000;
	const char *only = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: antmem-plan [--n N] [--layout L]\n"
			       "Prints layout,kind,size,count: the blocks and grown arrays each\n"
			       "layout's byte model says a colony of N ants holds (layouts/plan.h).\n");
			return 0;
		}
		if (i + 1 >= argc)
			return usage("an option without its value");
		if (strcmp(argv[i], "--n") == 0) {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(argv[++i], &end, 10);
			if (errno || *end || !*argv[i] || argv[i][0] == '-')
				return usage("--n: not a number of ants");
			n = v;
		} else if (strcmp(argv[i], "--layout") == 0) {
			only = argv[++i];
			if (!colony_layout_find(only))
				return usage("--layout: no such layout");
		} else {
			return usage("unknown option");
		}
	}
	puts("layout,kind,size,count");
	for (const struct colony_ops *const *ops = colony_layouts; *ops; ops++) {
		if (only && strcmp((*ops)->name, only) != 0)
			continue;
		struct plan p = {block, array, (void *)(*ops)->name};
		(*ops)->plan(n, &p);
	}
	return 0;
}
