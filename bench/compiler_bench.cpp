// Compile time against program size.
//   build/bench/cajal_bench --benchmark_filter=Compile
#include "bench_support.hpp"

namespace cajal::bench {
namespace {

// n defs, each negating the previous one, and main using the last: n + 1 functions to compile.
std::string chain_of_defs(int n) {
  std::string text = "def f0 = fun x : Bool => if x then false else true\n";
  for (int k = 1; k < n; ++k)
    text += "def f" + std::to_string(k) + " = fun x : Bool => if f" + std::to_string(k - 1) +
            " x then false else true\n";
  return text + "def main = fun b : Bool => f" + std::to_string(n - 1) + " b\n";
}

// One def with n nested lets over naturals and iterations: a single large term.
std::string long_term(int n) {
  std::string body = "fun m : Nat => let x0 = m in ";
  for (int k = 1; k < n; ++k)
    body += "let x" + std::to_string(k) + " = iter { x" + std::to_string(k - 1) + " | y => y } (1) in ";
  return "def main = " + body + "x" + std::to_string(n - 1) + "\n";
}

void BM_CompileChainOfDefs(benchmark::State& state) {
  Program p = load(chain_of_defs(static_cast<int>(state.range(0))));
  std::size_t neurons = 0;
  for (auto _ : state) {
    Network net = compile(p.loaded, 9);
    neurons = net.node_count();
    benchmark::DoNotOptimize(net);
  }
  state.counters["neurons"] = static_cast<double>(neurons);
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_CompileChainOfDefs)->RangeMultiplier(4)->Range(4, 1024)->Complexity();

void BM_FrontEndChainOfDefs(benchmark::State& state) {
  std::string text = chain_of_defs(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    Program p = load(text);
    benchmark::DoNotOptimize(p);
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_FrontEndChainOfDefs)->RangeMultiplier(4)->Range(4, 1024)->Complexity();

void BM_CompileLongTerm(benchmark::State& state) {
  Program p = load(long_term(static_cast<int>(state.range(0))));
  for (auto _ : state) benchmark::DoNotOptimize(compile(p.loaded, 9));
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_CompileLongTerm)->RangeMultiplier(4)->Range(4, 256)->Complexity();

}  // namespace
}  // namespace cajal::bench
