// `cajal prove` time against the depth, on examples from spec/examples.
//   build/bench/cajal_bench --benchmark_filter=Prove
#include "bench_support.hpp"
#include <string>

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

// Sharing, not unfolding (issue 15): a chain of N defs, each applying the previous one twice
// (def d1 = fun b : Bool => d0 (d0 b), ..., def main = d_N). Unfolded, the program's side doubles
// with every def; each def shared as its table, it grows by a constant.
std::string doubling_chain(int n) {
  std::string text = "def d0 = fun b : Bool => if b then false else true\n";
  for (int k = 1; k <= n; ++k)
    text += "def d" + std::to_string(k) + " = fun b : Bool => d" + std::to_string(k - 1) + " (d" + std::to_string(k - 1) + " b)\n";
  return text + "def main = d" + std::to_string(n) + "\n";
}

void BM_ProveDoublingChain(benchmark::State& state) {
  Program p = load(doubling_chain(static_cast<int>(state.range(0))));
  for (auto _ : state) {
    Result<ProveResult> r = prove_program(p.loaded, ProveOptions{});
    if (!r || r->verdict != ProveResult::Verdict::Proved) state.SkipWithError("not proved");
  }
}
BENCHMARK(BM_ProveDoublingChain)->Arg(4)->Arg(8)->Arg(16)->Arg(32)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cajal::bench
