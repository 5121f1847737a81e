/* The driver's argument parsing: every bad input gets a reason, and good
 * input lands in the right fields. */
#include <string.h>

#include <stdio.h>

#include "check.h"
#include "colony.h"
#include "options.h"

static int parse(char *err, size_t size, struct options *o, int argc, const char **argv)
{
	return options_parse(o, argc, (char **)argv, err, size);
}

#define ARGV(...) ((const char *[]){"antmem", __VA_ARGS__})
#define ARGC(...) ((int)(sizeof ARGV(__VA_ARGS__) / sizeof(char *)))

static void expect_error(const char *want, int argc, const char **argv)
{
	struct options o;
	char err[256] = "";
	CHECK_EQ_INT(parse(err, sizeof err, &o, argc, argv), -1, "'%s %s' must be refused",
		     argv[1], argc > 2 ? argv[2] : "");
	CHECK(strstr(err, want) != NULL, "message '%s' should mention '%s'", err, want);
	CHECK(strchr(err, '\n') == NULL, "one line: '%s'", err);
}
#define EXPECT_ERROR(want, ...) expect_error(want, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

int main(void)
{
	struct options o;
	/* layout names from the registry, never written here: the first, the
	 * last, and both as lists */
	size_t layouts = 0;
	while (colony_layouts[layouts])
		layouts++;
	const char *first = colony_layouts[0]->name, *last = colony_layouts[layouts - 1]->name;
	char last_first[128], eq_list[160], twice[200], twice_err[160], trailing[80], chunked_err[120];
	snprintf(last_first, sizeof last_first, "%s,%s", last, first);
	snprintf(eq_list, sizeof eq_list, "--layout=%s", last_first);
	snprintf(twice, sizeof twice, "%s,%s,%s", first, last, first);
	snprintf(twice_err, sizeof twice_err, "--layout: '%s' named twice", first);
	snprintf(trailing, sizeof trailing, "%s,", first);
	snprintf(chunked_err, sizeof chunked_err, "unknown layout '%s' for scenario chunked", last);
	char err[256];

	CHECK_EQ_INT(options_parse(&o, 1, (char *[]){"antmem"}, err, sizeof err), 0, "defaults");
	CHECK_EQ_U64(o.n, 500000, "the seed's colony by default");
	CHECK_EQ_U64(o.reps, 5, "five fresh-process repetitions by default");
	CHECK_EQ_U64(o.layout_count, layouts, "all layouts by default");
	CHECK(strcmp(o.colony_name, "Tinyopolis") == 0, "the seed's colony name");
	CHECK(strcmp(o.scenario->name, "colony") == 0, "colony scenario by default");

	CHECK_EQ_INT(parse(err, sizeof err, &o, ARGC("--n", "1000", eq_list, "--reps=3", "--out", "/tmp"),
			   ARGV("--n", "1000", eq_list, "--reps=3", "--out", "/tmp")),
		     0, "%s", err);
	CHECK_EQ_U64(o.n, 1000, "--n value");
	CHECK_EQ_U64(o.reps, 3, "--reps=");
	CHECK_EQ_U64(o.layout_count, 2, "two layouts");
	CHECK(o.layout_count == 2 && strcmp(o.layouts[0].name, last) == 0 &&
		      strcmp(o.layouts[1].name, first) == 0,
	      "layouts in the order given");

	EXPECT_ERROR("unknown layout 'hash' for scenario colony", "--layout", "hash");
	EXPECT_ERROR(twice_err, "--layout", twice);
	EXPECT_ERROR("bad list", "--layout", trailing);
	EXPECT_ERROR("unknown scenario 'lazier'", "--scenario", "lazier");
	EXPECT_ERROR("scenario lazy needs --data FILE", "--scenario", "lazy");
	EXPECT_ERROR(chunked_err, "--scenario", "chunked", "--data", "x.csv", "--layout", last);
	EXPECT_ERROR("not a positive integer", "--n", "abc");
	EXPECT_ERROR("not a positive integer", "--n", "-5");
	EXPECT_ERROR("not a positive integer", "--n", "+5");
	EXPECT_ERROR("not a positive integer", "--n", "1e6");
	EXPECT_ERROR("not a positive integer", "--n", " 5");
	EXPECT_ERROR("empty string", "--n", "");
	EXPECT_ERROR("at least 1", "--n", "0");
	EXPECT_ERROR("too large", "--n", "18446744073709551616");
	EXPECT_ERROR("too large", "--n", "99999999999999999999999");
	EXPECT_ERROR("too large", "--n", "2147483648");
	EXPECT_ERROR("at least 1", "--reps", "0");
	EXPECT_ERROR("missing value", "--n");
	EXPECT_ERROR("unknown option '--bogus'", "--bogus", "1");
	EXPECT_ERROR("unexpected argument", "500000");
	EXPECT_ERROR("empty path", "--out", "");
	EXPECT_ERROR("unknown layout 'a?b'", "--layout", "a\nb"); /* one line, whatever the input */
	EXPECT_ERROR("not a positive integer", "--mem-limit", "lots");
	EXPECT_ERROR("empty string", "--mem-limit", "M");
	EXPECT_ERROR("too large", "--mem-limit", "99999999999G");
	EXPECT_ERROR("at least 1", "--mem-limit", "0K");

	CHECK_EQ_INT(parse(err, sizeof err, &o, ARGC("--mem-limit", "64M", "--no-fork"),
			   ARGV("--mem-limit", "64M", "--no-fork")),
		     0, "%s", err);
	CHECK_EQ_U64(o.mem_limit, 64ull << 20, "M is MiB");
	CHECK(o.no_fork, "--no-fork");

	uint64_t v;
	CHECK_EQ_INT(parse_positive("--n", "2147483647", 2147483647, &v, err, sizeof err), 0,
		     "the maximum itself is allowed");
	CHECK_EQ_U64(v, 2147483647, "parsed");
	return check_done("test_options");
}
