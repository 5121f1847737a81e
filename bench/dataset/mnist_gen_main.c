/* antmem-mnist-gen: writes a deterministic MNIST-shaped CSV for the lazy and
 * chunked scenarios. */
#include <stdio.h>
#include <string.h>

#include "../options.h"
#include "mnist.h"

int main(int argc, char **argv)
{
	uint64_t rows = 2000, seed = 1;
	const char *out = NULL;
	char err[512];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("usage: antmem-mnist-gen [--rows N] [--seed S] --out FILE\n"
			       "Writes a header and N rows (default 2000; MNIST has 60000, about 100 MB)\n"
			       "of a label 0-9 and 784 pixels 0-255, the same for the same seed.\n"
			       "Exit status: 0 written; 1 could not write; 2 bad arguments.\n");
			return 0;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "antmem-mnist-gen: %s: missing value (see --help)\n", argv[i]);
			return 2;
		}
		const char *v = argv[++i];
		if (strcmp(argv[i - 1], "--rows") == 0) {
			if (parse_positive("--rows", v, 100000000, &rows, err, sizeof err))
				goto usage_error;
		} else if (strcmp(argv[i - 1], "--seed") == 0) {
			if (parse_positive("--seed", v, UINT64_MAX, &seed, err, sizeof err))
				goto usage_error;
		} else if (strcmp(argv[i - 1], "--out") == 0) {
			out = v;
		} else {
			snprintf(err, sizeof err, "unknown option '%.60s' (see --help)", argv[i - 1]);
			goto usage_error;
		}
	}
	if (!out) {
		snprintf(err, sizeof err, "--out FILE is required");
		goto usage_error;
	}
	if (mnist_generate(out, rows, seed, err, sizeof err)) {
		fprintf(stderr, "antmem-mnist-gen: %s\n", err);
		return 1;
	}
	return 0;
usage_error:
	fprintf(stderr, "antmem-mnist-gen: %s\n", err);
	return 2;
}
