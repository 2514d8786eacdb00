// `cajal check` time: the target, two programs of type (Bool ⊸ Bool) ⊸ Nat ⊸ Nat at D = 9
// in under a second, by each method, and its scaling with the depth and with the input type.
//   build/bench/cajal_bench --benchmark_filter=Check
#include "bench_support.hpp"
#include "cajal/check/check.hpp"

namespace cajal::bench {
namespace {

// n + [f true], two ways (equivalent: every input is compared).
const char* kHigherOrder =
    "def left = fun f : Bool -o Bool => fun n : Nat => iter { n | y => succ y } (if f true then 1 else 0)\n"
    "def right = fun f : Bool -o Bool => fun n : Nat => if f true then succ n else n\n";

enum Method { kExhaustive, kSymbolic, kNeural };

void run_check(benchmark::State& state, const Program& p, EquivalenceOptions options) {
  for (auto _ : state) {
    Result<EquivalenceResult> r = check_equivalence(CheckSide{&p.loaded, "left", ""}, CheckSide{&p.loaded, "right", ""}, options);
    if (!r || r->verdict != EquivalenceResult::Verdict::Equivalent) state.SkipWithError("not proved equivalent");
  }
}

void BM_CheckHigherOrder(benchmark::State& state) {
  Program p = load(kHigherOrder);
  EquivalenceOptions options;
  options.depth = static_cast<int>(state.range(1));
  switch (static_cast<Method>(state.range(0))) {
    case kExhaustive: options.method = EquivalenceOptions::Method::Exhaustive; break;
    case kSymbolic: options.method = EquivalenceOptions::Method::Symbolic; break;
    case kNeural: options.neural = true; break;
  }
  run_check(state, p, options);
}
// Method (0 exhaustive, 1 symbolic, 2 neural) by depth.
BENCHMARK(BM_CheckHigherOrder)->ArgsProduct({{0, 1, 2}, {3, 9, 20, 30}})->Unit(benchmark::kMillisecond);

// The input type's size: f : A ⊸ B for (Bool, Bool), (Bool, Nat), (Nat, Bool), (Nat, Nat),
// (Nat, Nat ⊸ Nat); the
// automatic method (exhaustive while at most 65 536 inputs, else Z3) at D = 9.
void BM_CheckInputType(benchmark::State& state) {
  static const char* types[][2] = {{"Bool", "Bool"}, {"Bool", "Nat"}, {"Nat", "Bool"}, {"Nat", "Nat"}, {"Nat", "Nat -o Nat"}};
  const std::string a = types[state.range(0)][0], b = types[state.range(0)][1];
  const std::string f = "fun f : " + a + " -o " + b + " => fun x : " + a + " => ";
  Program p = load("def left = " + f + "f x\ndef right = " + f + "(fun z : " + a + " => f z) x\n");
  EquivalenceOptions options;
  options.depth = 9;
  run_check(state, p, options);
  state.SetLabel(a + " -o " + b);
}
BENCHMARK(BM_CheckInputType)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cajal::bench
