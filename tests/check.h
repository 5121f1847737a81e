/* The tests' harness: checks that print place, expressions and values, and
 * keep going so one run shows every failure. Exit 77 means skipped. */
#ifndef ANTMEM_CHECK_H
#define ANTMEM_CHECK_H

#include <stdbool.h>
#include <stdint.h>

extern int check_failures;

/* A failure is reported in two parts: the place and values, then the
 * caller's note (which may carry its own format arguments). */
void check_fail_begin(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void check_fail_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a verdict; returns the exit status for main. */
int check_done(const char *test_name);

#define CHECK(cond, ...) \
	do { \
		if (!(cond)) { \
			check_fail_begin(__FILE__, __LINE__, "(%s) ", #cond); \
			check_fail_note(__VA_ARGS__); \
		} \
	} while (0)

#define CHECK_EQ_U64(a, b, ...) \
	do { \
		uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b); \
		if (check_a_ != check_b_) { \
			check_fail_begin(__FILE__, __LINE__, "(%s) == (%s) --> %llu != %llu: ", \
					 #a, #b, (unsigned long long)check_a_, (unsigned long long)check_b_); \
			check_fail_note(__VA_ARGS__); \
		} \
	} while (0)

#define CHECK_EQ_INT(a, b, ...) \
	do { \
		long check_a_ = (long)(a), check_b_ = (long)(b); \
		if (check_a_ != check_b_) { \
			check_fail_begin(__FILE__, __LINE__, "(%s) == (%s) --> %ld != %ld: ", \
					 #a, #b, check_a_, check_b_); \
			check_fail_note(__VA_ARGS__); \
		} \
	} while (0)

#endif
