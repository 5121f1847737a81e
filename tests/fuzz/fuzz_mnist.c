/* libFuzzer target: the MNIST CSV reader on arbitrary bytes. Beyond not
 * crashing (ASan, UBSan) and never reading past its fixed line buffer, it
 * checks the contract: every refusal names the input and fits on one line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset/mnist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size ? size : 1, "r");
	if (!f)
		return 0;
	if (!size) { /* fmemopen cannot open an empty buffer: read one byte less */
		fclose(f);
		f = fopen("/dev/null", "r");
	}
	struct mnist_reader r;
	struct mnist_row row;
	char err[512] = "";
	int rc = mnist_attach(&r, f, "fuzz.csv", err, sizeof err);
	if (rc == 0)
		while ((rc = mnist_next(&r, &row, err, sizeof err)) == 1)
			if (row.label > 9)
				abort();
	mnist_close(&r);
	if (rc < 0 && (strncmp(err, "fuzz.csv", 8) != 0 || strchr(err, '\n')))
		abort();
	return 0;
}
