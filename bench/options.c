/* Command-line parsing for the driver (see options.h). Hand-rolled rather
 * than getopt_long, which prints its own messages and keeps global state. */
#include "options.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_N 500000 /* the seed's colony */

/* The reason, on one line: arguments echoed into it may hold any byte, so
 * control characters become '?' (found by tests/fuzz/fuzz_options.c). */
static int fail(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	for (char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return -1;
}

int parse_positive(const char *option, const char *text, uint64_t max, uint64_t *out, char *err,
		   size_t err_size)
{
	uint64_t v = 0;
	if (!*text)
		return fail(err, err_size, "%s: expected a positive integer, got an empty string",
			    option);
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return fail(err, err_size, "%s: '%.40s' is not a positive integer", option,
				    text);
		unsigned d = (unsigned)(*p - '0');
		if (v > (max - d) / 10)
			return fail(err, err_size, "%s: '%.40s' is too large (at most %llu)",
				    option, text, (unsigned long long)max);
		v = v * 10 + d;
	}
	if (v == 0)
		return fail(err, err_size, "%s: must be at least 1, got '%.40s'", option, text);
	*out = v;
	return 0;
}

/* A positive byte count with an optional K, M or G (powers of 1024). */
static int parse_size(const char *option, const char *text, uint64_t *out, char *err,
		      size_t err_size)
{
	char digits[32];
	size_t len = strlen(text), shift = 0;
	if (len && strchr("KMG", text[len - 1])) {
		shift = text[len - 1] == 'K' ? 10 : text[len - 1] == 'M' ? 20 : 30;
		len--;
	}
	if (len >= sizeof digits)
		return fail(err, err_size, "%s: '%.40s' is too large", option, text);
	memcpy(digits, text, len);
	digits[len] = '\0';
	uint64_t v;
	/* at most 2^50 bytes (1 PiB): added to the address space a run has,
	 * a limit near 2^64 would wrap to a tiny one */
	if (parse_positive(option, digits, (UINT64_C(1) << 50) >> shift, &v, err, err_size))
		return -1;
	*out = v << shift;
	return 0;
}

/* name as one of the scenario's variants (or a colony layout), or -1. */
static int add_variant(struct options *o, const char *name)
{
	struct variant v = {0};
	if (!o->scenario->variants) {
		v.layout = colony_layout_find(name);
		if (!v.layout)
			return -1;
		v.name = v.layout->name;
	} else {
		for (const char *const *p = o->scenario->variants; *p && !v.name; p++)
			if (strcmp(*p, name) == 0)
				v.name = *p;
		if (!v.name)
			return -1;
	}
	o->layouts[o->layout_count++] = v;
	return 0;
}

/* The options that take a value (the others are matched before). */
static bool takes_value(const char *name)
{
	static const char *const valued[] = {"--child-run", "--sampler", "--scenario", "--layout",
					     "--n", "--reps", "--curve-stride", "--mem-limit",
					     "--data", "--fraction", "--chunk-rows", "--out",
					     "--colony"};
	for (size_t i = 0; i < sizeof valued / sizeof *valued; i++)
		if (strcmp(name, valued[i]) == 0)
			return true;
	return false;
}

/* "A,B" (layout or variant names) or "all", against the chosen scenario's variants. */
static int parse_layouts(struct options *o, const char *text, char *err, size_t err_size)
{
	o->layout_count = 0;
	if (strcmp(text, "all") == 0) {
		if (!o->scenario->variants)
			for (const struct colony_ops *const *ops = colony_layouts; *ops; ops++)
				add_variant(o, (*ops)->name);
		else
			for (const char *const *p = o->scenario->variants; *p; p++)
				add_variant(o, *p);
		return 0;
	}
	for (const char *p = text;;) {
		size_t len = strcspn(p, ",");
		char name[64];
		if (len == 0 || len >= sizeof name)
			return fail(err, err_size, "--layout: bad list '%.60s'", text);
		memcpy(name, p, len);
		name[len] = '\0';
		for (size_t i = 0; i < o->layout_count; i++)
			if (strcmp(o->layouts[i].name, name) == 0)
				return fail(err, err_size, "--layout: '%s' named twice", name);
		if (o->layout_count == OPTIONS_MAX_LAYOUTS)
			return fail(err, err_size, "--layout: too many layouts");
		if (add_variant(o, name))
			return fail(err, err_size,
				    "--layout: unknown layout '%s' for scenario %s (see --list)",
				    name, o->scenario->name);
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t err_size)
{
	*o = (struct options){
		.scenario = scenarios[0],
		.n = DEFAULT_N,
		.reps = 5, /* fresh-process repetitions: medians and spread, not one run */
		.curve_stride = 0, /* N/2000 once N is known */
		.out_dir = "results",
		.colony_name = "Tinyopolis",
		.fraction_percent = 20,
		.chunk_rows = 500,
	};
	const char *layout_list = "all"; /* resolved once the scenario is known */
	o->argc = argc;
	o->argv = argv;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = NULL;
		char name[32];
		size_t name_len = strcspn(arg, "=");
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			o->help = true;
			continue;
		}
		if (strcmp(arg, "--list") == 0) {
			o->list = true;
			continue;
		}
		if (strcmp(arg, "--version") == 0 || strcmp(arg, "-V") == 0) {
			o->version = true;
			continue;
		}
		if (strcmp(arg, "--check") == 0) {
			o->check_only = true;
			continue;
		}
		if (strcmp(arg, "--no-fork") == 0) {
			o->no_fork = true;
			continue;
		}
		if (strcmp(arg, "--verify-rss") == 0) {
			o->verify_rss = true;
			continue;
		}
		if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
			o->quiet = true;
			continue;
		}
		/* the short forms the scripts share: -n, -r, -o */
		static const char *const shorts[][2] = {{"-n", "--n"}, {"-r", "--reps"}, {"-o", "--out"}};
		for (size_t k = 0; k < sizeof shorts / sizeof *shorts; k++)
			if (strcmp(arg, shorts[k][0]) == 0) {
				arg = shorts[k][1];
				name_len = strlen(arg);
			}
		if (strncmp(arg, "--", 2) != 0 || name_len >= sizeof name)
			return fail(err, err_size, "unexpected argument '%.60s' (see --help)", arg);
		memcpy(name, arg, name_len);
		name[name_len] = '\0';
		if (!takes_value(name))
			return fail(err, err_size, "unknown option '%.60s' (see --help)", name);
		if (arg[name_len] == '=')
			value = arg + name_len + 1;
		else if (i + 1 < argc)
			value = argv[++i];
		else
			return fail(err, err_size, "%s: missing value", name);

		if (strcmp(name, "--child-run") == 0) {
			o->child_run = value;
		} else if (strcmp(name, "--sampler") == 0) {
			if (strcmp(value, "full") == 0)
				o->sampler_parts = SAMPLER_FULL;
			else if (strcmp(value, "kernel") == 0)
				o->sampler_parts = SAMPLER_KERNEL;
			else if (strcmp(value, "kernel+usable") == 0)
				o->sampler_parts = SAMPLER_KERNEL_USABLE;
			else
				return fail(err, err_size,
					    "--sampler: '%.60s' is not full, kernel or kernel+usable",
					    value);
		} else if (strcmp(name, "--scenario") == 0) {
			o->scenario = scenario_find(value);
			if (!o->scenario)
				return fail(err, err_size,
					    "--scenario: unknown scenario '%.60s' (see --list)",
					    value);
		} else if (strcmp(name, "--layout") == 0) {
			layout_list = value;
		} else if (strcmp(name, "--n") == 0) {
			/* a layout may index its ids with 32-bit offsets, and an id
			 * takes at least 2 bytes */
			if (parse_positive(name, value, UINT32_MAX / 2, &o->n, err, err_size))
				return -1;
		} else if (strcmp(name, "--reps") == 0) {
			if (parse_positive(name, value, 1000, &o->reps, err, err_size))
				return -1;
		} else if (strcmp(name, "--curve-stride") == 0) {
			if (parse_positive(name, value, UINT32_MAX, &o->curve_stride, err,
					   err_size))
				return -1;
		} else if (strcmp(name, "--mem-limit") == 0) {
			if (parse_size(name, value, &o->mem_limit, err, err_size))
				return -1;
		} else if (strcmp(name, "--data") == 0) {
			if (!*value)
				return fail(err, err_size, "--data: empty path");
			o->data_path = value;
		} else if (strcmp(name, "--fraction") == 0) {
			if (parse_positive(name, value, 100, &o->fraction_percent, err, err_size))
				return -1;
		} else if (strcmp(name, "--chunk-rows") == 0) {
			if (parse_positive(name, value, 10000000, &o->chunk_rows, err, err_size))
				return -1;
		} else if (strcmp(name, "--out") == 0) {
			if (!*value)
				return fail(err, err_size, "--out: empty path");
			o->out_dir = value;
		} else if (strcmp(name, "--colony") == 0) {
			if (!*value || strlen(value) > 255)
				return fail(err, err_size, "--colony: name must be 1-255 bytes");
			o->colony_name = value;
		} else {
			return fail(err, err_size, "unknown option '%.60s' (see --help)", name);
		}
	}
	/* run-all's default: about 2,000 rows, so the sampled run stays near
	 * the real workload's speed (a row formatted per change point is not) */
	if (!o->curve_stride)
		o->curve_stride = o->scenario->n_from_data || o->n / 2000 < 1 ? 1 : o->n / 2000;
	if (o->scenario->needs_data && !o->data_path && !o->help && !o->list)
		return fail(err, err_size,
			    "scenario %s needs --data FILE (an MNIST CSV: antmem-mnist-gen makes one)",
			    o->scenario->name);
	return parse_layouts(o, layout_list, err, err_size);
}

void options_usage(FILE *out)
{
	fprintf(out,
		"usage: antmem [options]\n"
		"Runs a scenario for each layout in fresh processes: once sampling memory\n"
		"after every iteration at real speed (the figures and the curve), and once\n"
		"without sampling (the check that sampling costs little: sampled/unsampled).\n"
		"\n"
		"  --scenario NAME     workload to run (default colony; see --list)\n"
		"  --layout L[,L...]   layouts to measure, or all (default all)\n"
		"  --n N               iterations: ants to add (default %d, the seed's)\n"
		"  --reps R            fresh-process repetitions of each run (default 5)\n"
		"  --curve-stride K    write curve rows only at iterations divisible by K,\n"
		"                      plus the last (default N/2000, at least 1, as\n"
		"                      scripts/run-all; 1 keeps every change point, but each\n"
		"                      row is formatted inside the measured run, which then\n"
		"                      runs slower: scripts/overhead.py measures both strides)\n"
		"  --out DIR           existing folder for curves/ and summary/ (default results)\n"
		"  --mem-limit SIZE    address space each run may add, e.g. 64M: a run that\n"
		"                      needs more stops with 'out of memory after K ants'\n"
		"  --colony NAME       the colony's name (default Tinyopolis)\n"
		"  --data FILE         MNIST CSV for the lazy and chunked scenarios\n"
		"  --fraction P        lazy: percent of the n processors that process (default 20)\n"
		"  --chunk-rows R      chunked: rows per chunk (default 500); n = chunks in FILE\n"
		"  --no-fork           run in this process, not in fresh children: for\n"
		"                      valgrind or heaptrack; heaps then mix between runs\n"
		"  --verify-rss        also read /proc/self/statm after every iteration of the\n"
		"                      sampled run and count where the page-fault tracker's RSS\n"
		"                      differs (summary columns rss_verify_*; slow)\n"
		"  --sampler PARTS     what the sampled run pays, to measure its overhead part by\n"
		"                      part: full (default), kernel (the page-fault records\n"
		"                      only: no per-iteration reads, no usable sizes; the curve\n"
		"                      has its first and last rows) or kernel+usable\n"
		"  --list              list layouts and scenarios, then exit\n"
		"  --check             check the options, N against memory and the --data\n"
		"                      file (every row), then exit 0 without running or\n"
		"                      writing (scripts/run-all asks before it starts)\n"
		"  --version, -V       the commit and build this driver was made from, then exit\n"
		"  -n N, -r R, -o DIR  short for --n, --reps, --out (as scripts/run-all)\n"
		"  -q, --quiet         no progress lines on stderr\n"
		"  -h, --help          this text\n"
		"\n"
		"Writes DIR/curves/<scenario>-<layout>-<allocator>-r<k>.csv (.incomplete.csv\n"
		"when the run stopped early) and\n"
		"DIR/summary/<scenario>-<layout>-<allocator>.csv (+ .json provenance),\n"
		"each atomically. RSS comes from the kernel's page-fault records\n"
		"(perf_event_open); where that is refused, or ANTMEM_RSS_METHOD=statm,\n"
		"from a statm read every iteration, said on stderr and in the JSON. Exit status: 0 all runs complete; 1 a run failed (out of\n"
		"memory, I/O error, crash; files of completed runs are kept); 2 bad arguments\n"
		"(nothing run, nothing written).\n",
		DEFAULT_N);
}
