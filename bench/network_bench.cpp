// The engine's speed.
//   build/bench/cajal_bench --benchmark_filter=IterationNeuron
//   build/bench/cajal_bench --benchmark_filter=BlowUp
//   build/bench/cajal_bench --benchmark_filter=LongChain
#include <chrono>
#include <string>

#include "bench_support.hpp"
#include "cajal/network/engine.hpp"

namespace cajal::bench {

void native_gemm(const double* a, const double* b, double* c, long m, long k, long n);  // native_gemm.cpp

namespace {

using Eigen::MatrixXd;

// A recurrent neuron with a learned step on a state of dimension D + 1:
//   iter { s | y => step y } (n), run for `steps` iterations (n = e_steps) on a batch of states.
// Each iteration is one (D+1)×(D+1) by (D+1)×B matrix product, so the ideal cost is `steps` GEMMs
// of those shapes. The reference is Eigen's GEMM compiled for this machine (native_gemm.cpp,
// -march=native), timed in the same run: the counter native_gemm_fraction is its time over the
// neuron's, 1.0 meaning the engine runs at the machine's limit. The label names the kernels the
// engine chose (engine_kernels()).
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

struct Iteration {
  Network net;
  NetworkArgs args;
  Eigen::Index dim, batch, steps;
};
Iteration iteration(Eigen::Index dim, Eigen::Index batch) {
  const int depth = static_cast<int>(dim) - 1;
  Program p = load("param step : Nat -o Nat\ndef main = fun s : Nat => fun n : Nat => iter { s | y => step y } (n)\n");
  Iteration it{compile(p.loaded, depth), {}, dim, batch, std::min<Eigen::Index>(kMaxSteps, depth)};  // n = e_steps fits in D
  it.args.inputs.push_back(MatrixXd::Random(dim, batch));
  MatrixXd count = MatrixXd::Zero(dim, 1);
  count(it.steps, 0) = 1.0;
  it.args.inputs.push_back(count);
  it.args.params["step"] = Eigen::VectorXd::Random(dim * dim) / static_cast<double>(dim);
  return it;
}
double flops(const Iteration& it) {
  return 2.0 * static_cast<double>(it.dim) * static_cast<double>(it.dim) * static_cast<double>(it.batch) * static_cast<double>(it.steps);
}
// The same products by the native GEMM (from a fixed input each time, so values never decay to
// denormals).
double native_seconds(Iteration& it) {
  const Eigen::VectorXd& w = it.args.params["step"];
  const MatrixXd& h = it.args.inputs[0];
  MatrixXd next(it.dim, it.batch);
  return seconds_per_call([&] {
    for (Eigen::Index k = 0; k < it.steps; ++k) {
      native_gemm(w.data(), h.data(), next.data(), it.dim, it.dim, it.batch);
      benchmark::DoNotOptimize(next.data());
    }
  });
}

// Runs `run` once (the benchmark is skipped with the error if it fails), then once per
// iteration of the benchmark; false when skipped.
template <class Run>
bool time_runs(benchmark::State& state, Run run) {
  if (Result<NetworkRun> r = run(); !r) {
    state.SkipWithError(r.diagnostics.front().message.c_str());
    return false;
  }
  for (auto _ : state) {
    Result<NetworkRun> r = run();
    benchmark::DoNotOptimize(r->output.data());
  }
  return true;
}
// Seconds per run of a kept plan, timed outside the benchmark's loop (for ratios in one run).
double seconds_per_run(Plan& plan, const NetworkArgs& args) {
  return seconds_per_call([&] {
    Result<NetworkRun> r = plan.run(args);
    benchmark::DoNotOptimize(r->output.data());
  });
}

// A kept plan on one thread: what `cajal train`, the oracle and `check --neural` pay per run.
void BM_IterationNeuron(benchmark::State& state) {
  Iteration it = iteration(state.range(0), state.range(1));
  Plan plan(it.net, 1);
  if (!time_runs(state, [&] { return plan.run(it.args); })) return;
  const double native = native_seconds(it);
  const double neuron = seconds_per_run(plan, it.args);
  state.counters["FLOP/s"] = benchmark::Counter(flops(it), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["native_gemm_fraction"] = native / neuron;
  state.SetLabel(engine_kernels());
}
BENCHMARK(BM_IterationNeuron)
    ->ArgsProduct({{2, 10, 100, 1000}, {1, 64, 4096}})
    ->Unit(benchmark::kMicrosecond);

// One run through run_network, which builds a plan for it: the cost of a one-off run.
void BM_IterationNeuronOneShot(benchmark::State& state) {
  Iteration it = iteration(state.range(0), 1);
  time_runs(state, [&] { return run_network(it.net, it.args); });
}
BENCHMARK(BM_IterationNeuronOneShot)->Arg(2)->Arg(10)->Unit(benchmark::kMicrosecond);

// What one more recurrent neuron costs, apart from what a run costs anyway (checking arguments,
// the result): K = 8 neurons in a chain, iter { ... iter { s | y => step y } (n1) ... } (n8), each
// run for min(4, D) steps on one state; the counter per_neuron is (t_8 − t_1) / 7, both timed
// with kept plans on one thread in this run. The second argument is the number of products in
// each step: with 1 (step y) or 2 (step (step y)) the step is fused (Plan::fused_steps, counted
// in `fused`). With the third argument 1 the products are on a recurrent neuron that does nothing,
// `step (step (iter { y | z => z } (m)))` with m = 0: the same products, but a step with a
// recurrent neuron in it runs through its frames (`fused` counts the inner neurons' steps).
Iteration chain(Eigen::Index dim, int k, int products, bool framed) {
  const int depth = static_cast<int>(dim) - 1;
  std::string text = "param step : Nat -o Nat\nparam m : Nat\ndef main = fun s : Nat => ", body = "s";
  std::string step = framed ? "iter { y | z => z } (m)" : "y";
  for (int p = 0; p < products; ++p) step = "step (" + step + ")";
  for (int i = 1; i <= k; ++i) {
    text += "fun n" + std::to_string(i) + " : Nat => ";
    body = "iter { " + body + " | y => " + step + " } (n" + std::to_string(i) + ")";
  }
  Program p = load(text + body + "\n");
  Iteration it{compile(p.loaded, depth), {}, dim, 1, std::min<Eigen::Index>(kMaxSteps, depth)};
  it.args.inputs.push_back(MatrixXd::Random(dim, 1));
  MatrixXd count = MatrixXd::Zero(dim, 1);
  count(it.steps, 0) = 1.0;
  for (int i = 1; i <= k; ++i) it.args.inputs.push_back(count);
  it.args.params["step"] = Eigen::VectorXd::Random(dim * dim) / static_cast<double>(dim);
  if (framed) it.args.params["m"] = Eigen::VectorXd::Unit(dim, 0);
  return it;
}
void BM_IterationNeuronChain(benchmark::State& state) {
  constexpr int kChain = 8;
  const int products = static_cast<int>(state.range(1));
  const bool framed = state.range(2) != 0;
  Iteration one = chain(state.range(0), 1, products, framed), eight = chain(state.range(0), kChain, products, framed);
  Plan p1(one.net, 1), p8(eight.net, 1);
  if (!time_runs(state, [&] { return p8.run(eight.args); })) return;
  const double t1 = seconds_per_run(p1, one.args), t8 = seconds_per_run(p8, eight.args);
  state.counters["per_neuron_us"] = (t8 - t1) / (kChain - 1) * 1e6;
  state.counters["one_neuron_run_us"] = t1 * 1e6;
  state.counters["fused"] = static_cast<double>(p8.fused_steps());
}
BENCHMARK(BM_IterationNeuronChain)
    ->Args({2, 1, 0})
    ->Args({10, 1, 0})
    ->Args({2, 2, 0})
    ->Args({10, 2, 0})
    ->Args({2, 2, 1})
    ->Args({10, 2, 1})
    ->Unit(benchmark::kMicrosecond);

// A large batch on 1 and 2 threads (wall clock): Plan cuts it into chunks of 256 columns.
void BM_IterationNeuronThreads(benchmark::State& state) {
  Iteration it = iteration(state.range(0), state.range(1));
  Plan plan(it.net, static_cast<unsigned>(state.range(2)));
  if (!time_runs(state, [&] { return plan.run(it.args); })) return;
  state.counters["FLOP/s"] = benchmark::Counter(flops(it), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_IterationNeuronThreads)
    ->ArgsProduct({{100, 1000}, {4096}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// A long chain at a large shape: K succs, `succ succ ... succ x`, on a batch of 256 states of
// dimension 100, a kept plan on one thread. A forward run keeps only the values still to be read
// (spec/denotation.md §6.4), two here, so its values stay in the caches whatever K. The memory a
// run holds is measured by bench/chain_memory.sh (peak resident memory, per process).
void BM_LongChain(benchmark::State& state) {
  std::string chain = "x";
  for (int k = 0; k < state.range(0); ++k) chain = "succ " + chain;
  Program p = load("def main = fun x : Nat => " + chain + "\n");
  const Network net = compile(p.loaded, 99);
  NetworkArgs args;
  args.inputs.push_back(MatrixXd::Random(100, 256));
  Plan plan(net, 1);
  time_runs(state, [&] { return plan.run(args); });
  state.SetItemsProcessed(state.iterations() * state.range(0));  // neurons run
}
BENCHMARK(BM_LongChain)->Arg(20)->Arg(200)->Unit(benchmark::kMicrosecond);

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
