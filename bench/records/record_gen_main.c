/* antmem-record-gen: the first N outcomes of one generator choice, one a
 * line, for tests/test_record.py to hold against scripts/record.py (the
 * generated layouts and the byte model must make the same choices).
 * usage: antmem-record-gen SEED FIELD PURPOSE N W0,W1,... */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record_gen.h"

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: antmem-record-gen SEED FIELD PURPOSE N W0,W1,...\n");
		return 2;
	}
	uint64_t seed = strtoull(argv[1], NULL, 10), n = strtoull(argv[4], NULL, 10);
	unsigned field = (unsigned)strtoul(argv[2], NULL, 10), purpose = (unsigned)strtoul(argv[3], NULL, 10);
	size_t count = 1;
	for (const char *p = argv[5]; *p; p++)
		count += *p == ',';
	uint32_t *weights = calloc(count, sizeof *weights);
	if (!weights)
		return 1;
	count = 0;
	for (char *w = strtok(argv[5], ","); w; w = strtok(NULL, ","))
		weights[count++] = (uint32_t)strtoul(w, NULL, 10);
	struct rg_choice c;
	int rc = rg_choice_init(&c, seed, field, (enum rg_purpose)purpose, weights, count);
	if (rc) {
		fprintf(stderr, "antmem-record-gen: %s\n", strerror(-rc));
		return 2;
	}
	for (uint64_t i = 0; i < n; i++)
		printf("%" PRIu32 "\n", rg_choice_at(&c, i));
	rg_choice_free(&c);
	free(weights);
	return 0;
}
