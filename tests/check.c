/* See check.h. */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>

int check_failures;

void check_fail_begin(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	check_failures++;
}

void check_fail_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int check_done(const char *test_name)
{
	if (check_failures) {
		fprintf(stderr, "%s: %d check(s) failed\n", test_name, check_failures);
		return 1;
	}
	printf("%s: all checks passed\n", test_name);
	return 0;
}
