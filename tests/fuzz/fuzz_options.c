/* libFuzzer target: the driver's argument parsing. The input is split at
 * NUL bytes into argv[1..]. Beyond not crashing (ASan, UBSan), it checks the
 * contract: a refusal comes with a one-line message, an acceptance with
 * values in range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[4096];
	char *argv[MAX_ARGS + 1] = {"antmem"};
	int argc = 1;
	if (size >= sizeof buf)
		size = sizeof buf - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (char *p = buf; p <= buf + size && argc < MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;

	struct options o;
	char err[256] = "";
	if (options_parse(&o, argc, argv, err, sizeof err)) {
		if (!err[0] || strchr(err, '\n'))
			abort(); /* a refusal must say why, on one line */
		return 0;
	}
	if (o.n < 1 || o.reps < 1 || o.curve_stride < 1 || o.layout_count < 1 ||
	    o.layout_count > OPTIONS_MAX_LAYOUTS || !o.scenario || !o.out_dir[0])
		abort();
	return 0;
}
