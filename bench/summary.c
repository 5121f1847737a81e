/* Summary CSV and provenance JSON writers (see summary.h). The columns are
 * documented in the README; bytes per ant are (final - baseline) / ants, from
 * the sampled run, whose allocated bytes must equal the timed run's (the
 * workload is deterministic), and times from the timed run. */
#include "summary.h"

#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "alloc_stats.h"
#include "io/atomic_file.h"
#include "build_info.h"
#include "version_vcs.h"

static const char summary_header[] =
	"scenario,layout,allocator,repetition,n,complete,ants_done,elapsed_ns,"
	"sampled_elapsed_ns,ns_per_ant,traverse_ns_per_ant,sampling_overhead_ratio,"
	"bytes_per_ant_rss,bytes_per_ant_allocated,bytes_per_ant_requested,"
	"bytes_per_ant_usable,bytes_per_ant_active,bytes_per_ant_metadata,"
	"bytes_per_ant_payload,bytes_per_ant_headers,bytes_per_ant_table_slack,"
	"bytes_per_ant_growth_slack,bytes_per_ant_growth_untouched,"
	"peak_rss_bytes,baseline_rss_bytes,final_rss_bytes,baseline_allocated_bytes,"
	"final_allocated_bytes,final_requested_bytes,unsampled_final_allocated_bytes,"
	"unsampled_bytes_per_ant_rss,after_free_allocated_bytes,after_free_rss_bytes,"
	"after_purge_rss_bytes,peak_rss_hwm_bytes,sampled_ns_per_ant,"
	"bytes_per_ant_rss_purged,final_purged_rss_bytes,rss_by_faults,rss_anchors,"
	"rss_fault_records,rss_verified_iterations,rss_verify_differing,"
	"rss_verify_max_diff_bytes,bytes_per_ant_padding,rss_verify_first_differing,"
	"rss_zero_page_reads,stats_read_bytes,curve_rows,curve_file\n";

/* (after - before) / count, as a CSV cell: empty when not measured. */
static void per_ant(FILE *f, uint64_t before, uint64_t after, uint64_t count)
{
	if (before != MEASURE_NONE && after != MEASURE_NONE && count)
		fprintf(f, "%.3f,", ((double)after - (double)before) / (double)count);
	else
		fputc(',', f);
}

/* v as a CSV cell, empty when not measured. */
static void cell(FILE *f, uint64_t v)
{
	if (v != MEASURE_NONE)
		fprintf(f, "%llu", (unsigned long long)v);
	fputc(',', f);
}

static void write_row(FILE *f, const struct options *o, const struct variant *v,
		      size_t rep, const struct rep_results *r)
{
	const struct run_result *t = &r->timed, *s = &r->sampled;
	fprintf(f, "%s,%s,%s,%zu,%llu,%d,%llu,%llu,%llu,", o->scenario->name, v->name,
		alloc_name(), rep + 1, (unsigned long long)s->n, t->complete && s->complete,
		(unsigned long long)s->done, (unsigned long long)t->elapsed_ns,
		(unsigned long long)s->elapsed_ns);
	/* times from the unsampled run: the sampled one is 5-20 % slower (the
	 * kernel's page-fault records: scripts/overhead.py) */
	per_ant(f, 0, t->elapsed_ns, t->done);
	per_ant(f, 0, t->traverse_ns, t->traverse_ns ? t->done : 0);
	if (t->elapsed_ns)
		fprintf(f, "%.3f,", (double)s->elapsed_ns / (double)t->elapsed_ns);
	else
		fputc(',', f);
	per_ant(f, s->baseline.rss_bytes, s->final.rss_bytes, s->done);
	per_ant(f, s->baseline.allocated_bytes, s->final.allocated_bytes, s->done);
	per_ant(f, s->baseline.requested_bytes, s->final.requested_bytes, s->done);
	per_ant(f, s->baseline.usable_bytes, s->final.usable_bytes, s->done);
	per_ant(f, s->baseline.active_bytes, s->final.active_bytes, s->done);
	per_ant(f, s->baseline.metadata_bytes, s->final.metadata_bytes, s->done);
	const struct byte_account *a = &s->account;
	const uint64_t kinds[] = {a->payload_bytes, a->header_bytes, a->table_slack_bytes,
				  a->growth_slack_bytes, a->growth_untouched_bytes}; /* the header's order */
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
		per_ant(f, 0, s->accounted ? kinds[k] : MEASURE_NONE, s->done);
	fprintf(f, "%llu,%llu,%llu,", (unsigned long long)s->peak.rss_bytes,
		(unsigned long long)s->baseline.rss_bytes, (unsigned long long)s->final.rss_bytes);
	cell(f, s->baseline.allocated_bytes);
	cell(f, s->final.allocated_bytes);
	cell(f, s->final.requested_bytes);
	cell(f, t->final.allocated_bytes);
	per_ant(f, t->baseline.rss_bytes, t->final.rss_bytes, t->done);
	cell(f, s->after_free.allocated_bytes);
	cell(f, s->after_free.rss_bytes);
	cell(f, s->after_purge.rss_bytes);
	cell(f, s->hwm_bytes);
	per_ant(f, 0, s->elapsed_ns, s->done);
	per_ant(f, s->baseline.rss_bytes, s->final_purged_rss_bytes, s->done);
	cell(f, s->final_purged_rss_bytes);
	const struct rss_verify *rv = &s->verified;
	bool verified = rv->iterations > 0;
	fprintf(f, "%d,%llu,%llu,", s->rss_method != RSS_METHOD_STATM, (unsigned long long)s->rss_anchors,
		(unsigned long long)s->rss_fault_records);
	cell(f, verified ? rv->iterations : MEASURE_NONE);
	cell(f, verified ? rv->differing : MEASURE_NONE);
	cell(f, verified ? rv->max_diff_bytes : MEASURE_NONE);
	per_ant(f, 0, s->accounted ? a->padding_bytes : MEASURE_NONE, s->done);
	cell(f, verified ? rv->first_differing : MEASURE_NONE);
	cell(f, s->rss_zero_page_reads);
	cell(f, s->stats_read_bytes);
	fprintf(f, "%llu,%s\n", (unsigned long long)s->curve_rows, r->curve_file);
}

int summary_write(const char *path, const struct options *o, const struct variant *v,
		  const struct rep_results *reps, size_t rep_count)
{
	struct atomic_file af;
	int rc = atomic_open(&af, path);
	if (rc)
		return rc;
	fputs(summary_header, af.f);
	for (size_t i = 0; i < rep_count; i++)
		write_row(af.f, o, v, i, &reps[i]);
	return atomic_close_held(&af); /* renamed with its curves (main.c) */
}

/* s inside a JSON string: quotes, backslashes and control bytes escaped. */
static void json_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	json_escaped(f, s);
	fputc('"', f);
}

/* The first line of path containing key, after "key...: ", or "unknown". */
static void read_field(const char *path, const char *key, char *out, size_t size)
{
	snprintf(out, size, "unknown");
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, key, strlen(key)) != 0)
			continue;
		const char *v = strchr(line, ':');
		v = v ? v + 1 : line;
		while (*v == ' ' || *v == '\t')
			v++;
		snprintf(out, size, "%.*s", (int)strcspn(v, "\n"), v);
		break;
	}
	fclose(f);
}

int provenance_write(const char *path, const struct options *o, int argc, char **argv,
		     const struct rep_results *reps, size_t rep_count, int layout_index)
{
	/* every repetition's method, the same in all as a rule */
	const char *method = rep_count ? rss_method_name(reps[0].sampled.rss_method) : "none";
	for (size_t i = 1; i < rep_count; i++)
		if (reps[i].sampled.rss_method != reps[0].sampled.rss_method)
			method = "mixed";
	uint64_t stats_every = rep_count ? reps[0].sampled.allocator_stats_every : 0;
	struct atomic_file af;
	int rc = atomic_open(&af, path);
	if (rc)
		return rc;
	FILE *f = af.f;
	char cpu[256], thp[128], kernel[300], date[32];
	/* the model name alone ("AMD EPYC") does not tell two machines apart */
	char family[32], model[32], stepping[32], mhz[32], cache[64], mem[64], flags[4096], load[64];
	struct utsname u;
	read_field("/proc/cpuinfo", "model name", cpu, sizeof cpu);
	read_field("/proc/cpuinfo", "cpu family", family, sizeof family);
	read_field("/proc/cpuinfo", "model\t", model, sizeof model);
	read_field("/proc/cpuinfo", "stepping", stepping, sizeof stepping);
	read_field("/proc/cpuinfo", "cpu MHz", mhz, sizeof mhz);
	read_field("/proc/cpuinfo", "cache size", cache, sizeof cache);
	read_field("/proc/cpuinfo", "flags", flags, sizeof flags);
	read_field("/proc/meminfo", "MemTotal", mem, sizeof mem);
	read_field("/proc/loadavg", "", load, sizeof load);
	char *cut = load; /* the three averages, not the task counts after them */
	for (int spaces = 0; *cut && (*cut != ' ' || ++spaces < 3); cut++)
		;
	*cut = '\0';
	read_field("/sys/kernel/mm/transparent_hugepage/enabled", "", thp, sizeof thp);
	snprintf(kernel, sizeof kernel, "%s %s %s", uname(&u) ? "?" : u.sysname, u.release,
		 u.machine);
	time_t now = time(NULL);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	const char *malloc_conf = getenv("MALLOC_CONF");

	fputs("{\n  \"command\": ", f);
	fputc('"', f);
	for (int i = 0; i < argc; i++) {
		if (i)
			fputc(' ', f);
		json_escaped(f, argv[i]);
	}
	fputs("\",\n  \"git_commit\": ", f);
	json_string(f, ANTMEM_GIT_COMMIT);
	fputs(",\n  \"date_utc\": ", f);
	json_string(f, date);
	fputs(",\n  \"kernel\": ", f);
	json_string(f, kernel);
	fputs(",\n  \"cpu_model\": ", f);
	json_string(f, cpu);
	fputs(",\n  \"cpu_family_model_stepping\": ", f);
	char fms[100];
	snprintf(fms, sizeof fms, "%s/%s/%s", family, model, stepping);
	json_string(f, fms);
	fputs(",\n  \"cpu_mhz\": ", f);
	json_string(f, mhz);
	fputs(",\n  \"cpu_cache\": ", f);
	json_string(f, cache);
	fputs(",\n  \"mem_total\": ", f);
	json_string(f, mem);
	fprintf(f, ",\n  \"hypervisor\": %s", strstr(flags, " hypervisor") ? "true" : "false");
	fputs(",\n  \"load_avg_at_end\": ", f);
	json_string(f, load);
	fprintf(f, ",\n  \"online_cpus\": %ld,\n  \"page_size\": %ld", sysconf(_SC_NPROCESSORS_ONLN),
		sysconf(_SC_PAGESIZE));
	fputs(",\n  \"transparent_hugepage\": ", f);
	json_string(f, thp);
	/* what RSS depends on beside the code: kernel, page size, THP, libc and
	 * the allocator (scripts/compare.py gates RSS where these match) */
	fputs(",\n  \"libc_version\": ", f);
	json_string(f, gnu_get_libc_version());
	fputs(",\n  \"compiler\": ", f);
	json_string(f, ANTMEM_COMPILER);
	fputs(",\n  \"build\": ", f);
	json_string(f, ANTMEM_BUILD_FLAGS);
	fputs(",\n  \"meson_version\": ", f);
	json_string(f, ANTMEM_MESON_VERSION);
	fputs(",\n  \"allocator\": ", f);
	json_string(f, alloc_name());
	fputs(",\n  \"allocator_version\": ", f);
	json_string(f, alloc_version());
	fputs(",\n  \"malloc_conf\": ", f);
	json_string(f, malloc_conf ? malloc_conf : "");
	/* the settings that decide when allocators give memory back */
	extern char **environ;
	fputs(",\n  \"allocator_env\": \"", f);
	const char *sep = "";
	for (char **e = environ; *e; e++)
		if (!strncmp(*e, "MALLOC_", 7) || !strncmp(*e, "MIMALLOC_", 9) ||
		    !strncmp(*e, "GLIBC_TUNABLES=", 15)) {
			fputs(sep, f);
			json_escaped(f, *e);
			sep = " ";
		}
	fputc('"', f);
	fputs(",\n  \"scenario\": ", f);
	json_string(f, o->scenario->name);
	fprintf(f, ",\n  \"layout_index\": %d", layout_index);
	fputs(",\n  \"unit\": ", f); /* of n and of the *_per_ant columns */
	json_string(f, o->scenario->unit);
	fprintf(f, ",\n  \"n\": %llu,\n  \"reps\": %llu,\n  \"curve_stride\": %llu",
		(unsigned long long)(rep_count ? reps[0].sampled.n : o->n), /* chunked: chunks */
		(unsigned long long)o->reps,
		(unsigned long long)o->curve_stride);
	/* how the sampled runs read RSS, and how often the allocator's own figures */
	fputs(",\n  \"rss_method\": ", f);
	json_string(f, method);
	static const char *const parts[] = {"full", "kernel", "kernel+usable"};
	fputs(",\n  \"sampler\": ", f);
	json_string(f, parts[o->sampler_parts]);
	fprintf(f, ",\n  \"allocator_stats_every\": %llu\n}\n",
		(unsigned long long)stats_every);
	return atomic_close_held(&af); /* renamed with its curves (main.c) */
}
