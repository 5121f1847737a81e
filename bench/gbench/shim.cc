// The C shim over Google Benchmark (see shim.h). The opaque C types are the
// C++ objects themselves, cast; nothing is copied.
#include "shim.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

using benchmark::State;
using benchmark::internal::Benchmark;

static State &S(gb_state *st) { return *reinterpret_cast<State *>(st); }
static const State &S(const gb_state *st) { return *reinterpret_cast<const State *>(st); }
static Benchmark *B(gb_bench *b) { return reinterpret_cast<Benchmark *>(b); }
static gb_bench *C(Benchmark *b) { return reinterpret_cast<gb_bench *>(b); }

extern "C" {

gb_bench *gb_register(const char *name, gb_fn fn, void *arg)
{
	return C(benchmark::RegisterBenchmark(
		name, [fn, arg](State &st) { fn(reinterpret_cast<gb_state *>(&st), arg); }));
}

gb_bench *gb_arg(gb_bench *b, int64_t x) { return C(B(b)->Arg(x)); }
gb_bench *gb_range(gb_bench *b, int64_t lo, int64_t hi) { return C(B(b)->Range(lo, hi)); }
gb_bench *gb_range_multiplier(gb_bench *b, int m) { return C(B(b)->RangeMultiplier(m)); }
gb_bench *gb_dense_range(gb_bench *b, int64_t lo, int64_t hi, int step)
{
	return C(B(b)->DenseRange(lo, hi, step));
}
gb_bench *gb_arg_name(gb_bench *b, const char *name) { return C(B(b)->ArgName(name)); }
gb_bench *gb_unit(gb_bench *b, enum gb_time_unit unit)
{
	static const benchmark::TimeUnit units[] = {benchmark::kNanosecond, benchmark::kMicrosecond,
						    benchmark::kMillisecond, benchmark::kSecond};
	return C(B(b)->Unit(units[unit]));
}
gb_bench *gb_iterations(gb_bench *b, int64_t n) { return C(B(b)->Iterations(n)); }
gb_bench *gb_repetitions(gb_bench *b, int n) { return C(B(b)->Repetitions(n)); }
gb_bench *gb_use_real_time(gb_bench *b) { return C(B(b)->UseRealTime()); }

bool gb_keep_running(gb_state *st) { return S(st).KeepRunning(); }
void gb_pause_timing(gb_state *st) { S(st).PauseTiming(); }
void gb_resume_timing(gb_state *st) { S(st).ResumeTiming(); }
int64_t gb_range_arg(const gb_state *st, size_t i) { return S(st).range(i); }
int64_t gb_iterations_done(const gb_state *st) { return S(st).iterations(); }
void gb_set_items_processed(gb_state *st, int64_t n) { S(st).SetItemsProcessed(n); }
void gb_set_bytes_processed(gb_state *st, int64_t n) { S(st).SetBytesProcessed(n); }
void gb_set_label(gb_state *st, const char *label) { S(st).SetLabel(label); }
void gb_counter(gb_state *st, const char *name, double value, unsigned flags)
{
	S(st).counters[name] =
		benchmark::Counter(value, static_cast<benchmark::Counter::Flags>(flags));
}
void gb_skip_with_error(gb_state *st, const char *message) { S(st).SkipWithError(message); }
void gb_do_not_optimize(const void *p) { benchmark::DoNotOptimize(p); }

// Counts runs that ended in SkipWithError, so gb_main can fail on them.
class ErrorCountingReporter : public benchmark::ConsoleReporter {
public:
	int errors = 0;
	void ReportRuns(const std::vector<Run> &runs) override
	{
		for (const Run &r : runs)
			errors += r.error_occurred;
		ConsoleReporter::ReportRuns(runs);
	}
};

int gb_main(int argc, char **argv)
{
	// --benchmark_out=FILE -> FILE.tmp<pid>, renamed after a complete run.
	std::vector<std::string> args(argv, argv + argc);
	std::string out_path, tmp_path;
	const std::string flag = "--benchmark_out=";
	for (std::string &a : args)
		if (a.compare(0, flag.size(), flag) == 0) {
			out_path = a.substr(flag.size());
			size_t slash = out_path.rfind('/');
			size_t base = slash == std::string::npos ? 0 : slash + 1;
			tmp_path = out_path.substr(0, base) + "." + out_path.substr(base) + ".tmp" +
				   std::to_string(getpid());
			a = flag + tmp_path;
		}
	std::vector<char *> cargs;
	for (std::string &a : args)
		cargs.push_back(a.data());
	int cargc = static_cast<int>(cargs.size());
	cargs.push_back(nullptr);

	benchmark::Initialize(&cargc, cargs.data());
	if (cargc > 1) {
		std::fprintf(stderr, "%s: unknown argument '%s' (see --help)\n", argv[0], cargs[1]);
		return 2;
	}
	ErrorCountingReporter display;
	size_t ran = benchmark::RunSpecifiedBenchmarks(&display);
	benchmark::Shutdown();
	if (!tmp_path.empty()) {
		if (ran == 0 || access(tmp_path.c_str(), F_OK) != 0 ||
		    std::rename(tmp_path.c_str(), out_path.c_str()) != 0) {
			std::fprintf(stderr, "%s: %s: not written (%s)\n", argv[0], out_path.c_str(),
				     ran ? std::strerror(errno) : "no benchmark matched");
			unlink(tmp_path.c_str());
			return 1;
		}
	}
	return display.errors ? 1 : 0;
}

} // extern "C"
