// `cajal prove` time against the depth, on examples from spec/examples.
//   build/bench/cajal_bench --benchmark_filter=Prove
#include "bench_support.hpp"
#include "cajal/prove/prove.hpp"

namespace cajal::bench {
namespace {

const char* kPrograms[] = {
    // even.cj
    "def not = fun b : Bool => if b then false else true\ndef main = fun n : Nat => iter { true | y => not y } (n)\n",
    // add.cj
    "def main = fun m : Nat => fun n : Nat => iter { n | y => succ y } (m)\n",
    // mul.cj (a param used inside the step)
    "param m : Nat\ndef main = fun n : Nat => iter { 0 | y => iter { y | z => succ z } (m) } (n)\n",
};

void BM_Prove(benchmark::State& state) {
  Program p = load(kPrograms[state.range(0)]);
  ProveOptions options;
  options.depth = static_cast<int>(state.range(1));
  for (auto _ : state) {
    Result<ProveResult> r = prove_program(p.loaded, options);
    if (!r || r->verdict != ProveResult::Verdict::Proved) state.SkipWithError("not proved");
  }
}
// Program (0 even, 1 add, 2 mul) by depth.
BENCHMARK(BM_Prove)->ArgsProduct({{0, 1, 2}, {9, 16}})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cajal::bench
