// The engine's speed.
//   build/bench/cajal_bench --benchmark_filter=IterationNeuron
//   build/bench/cajal_bench --benchmark_filter=BlowUp
#include <chrono>

#include "bench_support.hpp"
#include "cajal/network/engine.hpp"

namespace cajal::bench {
namespace {

using Eigen::MatrixXd;

// A recurrent neuron with a learned step on a state of dimension D + 1:
//   iter { s | y => step y } (n), run for `steps` iterations (n = e_steps) on a batch of states.
// Each iteration is one (D+1)×(D+1) by (D+1)×B matrix product, so the ideal cost is `steps` GEMMs
// of those shapes; the counter gemm_fraction is that ideal (Eigen's own GEMM on the same shapes,
// timed in the same run) divided by the neuron's time: 1.0 means no overhead at all.
constexpr Eigen::Index kMaxSteps = 4;

// Mean wall-clock seconds of one call of f, over at least 0.2 s (after one warm-up call).
template <class F>
double seconds_per_call(F f) {
  f();
  int calls = 0;
  double elapsed = 0;
  auto start = std::chrono::steady_clock::now();
  do {
    f();
    ++calls;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (elapsed < 0.2);
  return elapsed / calls;
}

void BM_IterationNeuron(benchmark::State& state) {
  const Eigen::Index dim = state.range(0), batch = state.range(1);
  const int depth = static_cast<int>(dim) - 1;
  const Eigen::Index steps = std::min<Eigen::Index>(kMaxSteps, depth);  // n = e_steps must fit in D
  Program p = load("param step : Nat -o Nat\ndef main = fun s : Nat => fun n : Nat => iter { s | y => step y } (n)\n");
  Network net = compile(p.loaded, depth);
  NetworkArgs args;
  args.inputs.push_back(MatrixXd::Random(dim, batch));
  MatrixXd count = MatrixXd::Zero(dim, 1);
  count(steps, 0) = 1.0;
  args.inputs.push_back(count);
  args.params["step"] = Eigen::VectorXd::Random(dim * dim) / static_cast<double>(dim);
  for (auto _ : state) {
    Result<NetworkRun> r = run_network(net, args);
    benchmark::DoNotOptimize(r->output.data());
  }
  // Eigen's GEMM on the same shapes, the same number of times, timed the same way in the same run
  // (from a fixed input each time, so values never decay to denormals).
  Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> w(
      args.params["step"].data(), dim, dim);
  const MatrixXd& h = args.inputs[0];
  MatrixXd next(dim, batch);
  double gemm_seconds = seconds_per_call([&] {
    for (Eigen::Index k = 0; k < steps; ++k) {
      next.noalias() = w * h;
      benchmark::DoNotOptimize(next.data());
    }
  });
  double neuron_seconds = seconds_per_call([&] {
    Result<NetworkRun> r = run_network(net, args);
    benchmark::DoNotOptimize(r->output.data());
  });
  double flops = 2.0 * static_cast<double>(dim) * static_cast<double>(dim) * static_cast<double>(batch) * static_cast<double>(steps);
  state.counters["FLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["gemm_fraction"] = gemm_seconds / neuron_seconds;
}
BENCHMARK(BM_IterationNeuron)
    ->ArgsProduct({{2, 10, 100, 1000}, {1, 64, 4096}})
    ->Unit(benchmark::kMicrosecond);

// The case a lazy-closure compiler takes 2^D work for: the step uses its function-typed state in
// both branches of an `if`. Compile and run at depth D (the count is D: D iterations).
void BM_BlowUpCase(benchmark::State& state) {
  const int depth = static_cast<int>(state.range(0));
  Program p = load(
      "param flip : Bool\n"
      "def main = fun n : Nat => iter { fun x : Bool => x | g => if flip then fun x : Bool => g x else "
      "fun x : Bool => if g x then false else true } (n)\n");
  NetworkArgs args;
  MatrixXd count = MatrixXd::Zero(depth + 1, 1);
  count(depth, 0) = 1.0;
  args.inputs.push_back(count);
  args.params["flip"] = Eigen::Vector2d(0, 1);
  std::size_t neurons = 0;
  for (auto _ : state) {
    Network net = compile(p.loaded, depth);
    neurons = net.node_count();
    Result<NetworkRun> r = run_network(net, args);
    benchmark::DoNotOptimize(r->output.data());
  }
  state.counters["neurons"] = static_cast<double>(neurons);
  state.SetComplexityN(depth);
}
BENCHMARK(BM_BlowUpCase)->Arg(9)->Arg(30)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond)->Complexity();

}  // namespace
}  // namespace cajal::bench
