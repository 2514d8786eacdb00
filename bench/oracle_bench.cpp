// The test oracle's throughput: programs cross-checked per second (generate + type-check +
// evaluate + compile + run + compare), at the sizes and depths `cajal fuzz` uses by default.
//   build/bench/cajal_bench --benchmark_filter=CrossCheck
#include <benchmark/benchmark.h>

#include "cajal/testing/oracle.hpp"

namespace cajal::bench {
namespace {

void BM_CrossCheck(benchmark::State& state) {
  testing::OracleOptions options;
  options.depths = testing::fuzz_depths(static_cast<int>(state.range(0)));
  const int max_size = 50;
  std::uint64_t i = 0;
  testing::SplitMix64 random(12345);
  for (auto _ : state) {
    testing::RecordedChoices choices(random);
    testing::Case c = testing::make_case(choices, static_cast<int>(i++ % (max_size + 1)));
    testing::Verdict v = testing::cross_check(c, options);
    if (!v.ok) state.SkipWithError(v.failure.c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
// The argument is the largest depth: checked at 1, ~D/3, ~2D/3 and D.
BENCHMARK(BM_CrossCheck)->Arg(3)->Arg(9)->Unit(benchmark::kMicrosecond);

void BM_GenerateOnly(benchmark::State& state) {
  std::uint64_t i = 0;
  testing::SplitMix64 random(12345);
  for (auto _ : state) {
    testing::RecordedChoices choices(random);
    benchmark::DoNotOptimize(testing::make_case(choices, static_cast<int>(i++ % 51)));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GenerateOnly)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cajal::bench
