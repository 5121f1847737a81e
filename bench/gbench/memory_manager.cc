// A Google Benchmark MemoryManager backed by jemalloc, so each benchmark's
// JSON entry carries exact allocation figures for the code under test:
//   total_allocated_bytes  thread.allocated delta (usable bytes, after size classes)
//   net_heap_growth        (allocated - deallocated) delta: what the run kept
//   max_bytes_used         thread.peak after thread.peak.reset at Start: the
//                          peak of live bytes; jemalloc updates it every 64 KiB
//                          of allocation, so it may lag by up to that much
//   num_allocs             small + large allocation requests of all arenas
//                          (stats.arenas.<all>.*.nrequests, after a thread
//                          cache flush and an epoch)
// Google Benchmark runs the benchmark once more for this, untimed.
#include <benchmark/benchmark.h>
#include <jemalloc/jemalloc.h>

#include <cstdint>

#include "shim.h"

namespace {

uint64_t ctl_u64(const char *name)
{
	uint64_t v = 0;
	size_t len = sizeof v;
	if (mallctl(name, &v, &len, nullptr, 0) != 0)
		return 0;
	return v;
}

// The thread cache counts its own requests until it is flushed: flush first.
uint64_t allocation_requests()
{
	mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
	uint64_t epoch = 1;
	size_t len = sizeof epoch;
	mallctl("epoch", &epoch, &len, &epoch, len);
	return ctl_u64("stats.arenas.4096.small.nrequests") +
	       ctl_u64("stats.arenas.4096.large.nrequests");
}

class JemallocMemoryManager : public benchmark::MemoryManager {
	uint64_t allocated_ = 0, deallocated_ = 0, requests_ = 0;

public:
	void Start() override
	{
		mallctl("thread.peak.reset", nullptr, nullptr, nullptr, 0);
		requests_ = allocation_requests();
		allocated_ = ctl_u64("thread.allocated");
		deallocated_ = ctl_u64("thread.deallocated");
	}

	void Stop(Result &r) override
	{
		uint64_t allocated = ctl_u64("thread.allocated") - allocated_;
		uint64_t deallocated = ctl_u64("thread.deallocated") - deallocated_;
		r.max_bytes_used = static_cast<int64_t>(ctl_u64("thread.peak.read"));
		r.total_allocated_bytes = static_cast<int64_t>(allocated);
		r.net_heap_growth = static_cast<int64_t>(allocated - deallocated);
		r.num_allocs = static_cast<int64_t>(allocation_requests() - requests_);
	}

	BENCHMARK_DISABLE_DEPRECATED_WARNING
	void Stop(Result *r) override { Stop(*r); }
	BENCHMARK_RESTORE_DEPRECATED_WARNING
};

} // namespace

extern "C" void gb_use_jemalloc_memory_manager(void)
{
	static JemallocMemoryManager manager;
	benchmark::RegisterMemoryManager(&manager);
}
