// Running a Network on Eigen: forward evaluation in batches, and reverse-mode gradients.
//
// Values are real: inputs need not be one-hot encodings (soft booleans, distributions over
// naturals, arbitrary matrices for function inputs). A batch is a set of columns: input k is a
// dim_k × B matrix (or dim_k × 1, shared by the whole batch); params are one vector each, shared
// by the batch (weights). The network is multilinear in its inputs and polynomial in its params.
#pragma once

#include <Eigen/Dense>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cajal/network/network.hpp"

namespace cajal {

struct NetworkArgs {
  std::vector<Eigen::MatrixXd> inputs;            // one per network input, in order
  std::map<std::string, Eigen::VectorXd> params;  // one per param the network uses
};

struct NetworkRun {
  Eigen::MatrixXd output;  // dim(output) × B (B = 1 when no input varies over the batch)
  // For inputs that encode values (one-hot, or distributions: non-negative, summing to one per
  // value), every neuron conserves probability mass except `succ` at e_D. mass_lost(b) is how
  // much of column b's output mass was lost past the depth: 0 means the run stayed within D.
  Eigen::VectorXd mass_lost;
};

// Forward evaluation. Fails (diagnostics, no throw) when the arguments do not fit the network.
// Each call builds a Plan (below) for one run; to run a network many times, keep a Plan.
Result<NetworkRun> run_network(const Network& net, const NetworkArgs& args);

// The values of every neuron of the top-level graph (graphs[0]), in node order: for locating the
// first neuron that disagrees with the program.
Result<std::vector<Eigen::MatrixXd>> top_level_values(const Network& net, const NetworkArgs& args);

// `cajal run --engine network --trace`: what each neuron of the top-level graph computed on
// batch column 0 — its value, and for a recurrent neuron (Iterate) every state h_0 … h_D its step
// computed and the weights n_0 … n_D (the count's encoding) that select the output Σ_k n_k h_k.
struct NeuronTrace {
  int node = 0;
  Eigen::VectorXd value;
  std::vector<Eigen::VectorXd> states;  // Iterate: h_0 … h_D
  Eigen::VectorXd weights;              // Iterate: n_0 … n_D
};
Result<std::vector<NeuronTrace>> trace_network(const Network& net, const NetworkArgs& args);

// The trace as text: each neuron's line as in `compile --show`, then "= [values]" (with the basis
// vector when the value is one), and under a recurrent neuron a table of k, n_k and h_k.
std::string show_trace(const Network& net, const std::vector<NeuronTrace>& trace);

struct NetworkGradients {
  NetworkRun run;
  std::vector<Eigen::MatrixXd> inputs;            // ∂(output · cotangent)/∂ input k, dim_k × B
  std::map<std::string, Eigen::VectorXd> params;  // summed over the batch
};

// Reverse mode: the gradient of Σ_b output(:, b) · cotangent(:, b) with respect to every input
// and param. `cotangent` is dim(output) × B, or dim(output) × 1 for the same one in every column.
Result<NetworkGradients> gradient(const Network& net, const NetworkArgs& args, const Eigen::MatrixXd& cotangent);

// ---- the execution plan ------------------------------------------------------------------
// A network prepared for evaluation, once, and run many times: each Param neuron resolved to its
// place in the argument list, and buffers for the neurons' values (and for the frames of the
// recurrent neurons' steps and of materialized abstractions) that stay with the plan, so a run on
// the shapes of the previous one allocates nothing. A forward run (run) keeps only the values
// still to be read: values that are not live at once share a buffer, and a chain of K neurons
// holds two values; gradient and trace keep every value, top_level_values every top-level one. run_network, gradient, top_level_values and
// trace_network are one-run plans; `cajal train`, `check --neural`, the oracle and `cajal fuzz`
// keep theirs. The network must outlive the plan. A plan is used by one thread at a time; it runs
// large batches on several (below).
//
// Batches: a batch is cut into chunks of kChunkColumns columns, computed on up to `threads`
// threads (0: one per core). Every chunk is computed the same way whichever thread runs it, and
// sums over the batch (params' gradients, adjoints of shared inputs) are added in chunk order:
// results are identical for every number of threads.
class Plan {
 public:
  static constexpr Eigen::Index kChunkColumns = 256;
  struct Impl;

  explicit Plan(const Network& net, unsigned threads = 0);
  Plan(Plan&&) noexcept;
  Plan& operator=(Plan&&) noexcept;
  ~Plan();

  const Network& network() const;
  // The recurrent neurons whose step has no recurrent neuron or abstraction in it (only ifs,
  // products and succs, on the state, on each other, on params, constants and captures), or is
  // the state itself: run forward, the step's arithmetic is a loop over buffers of its own
  // instead of a frame per step (the same numbers; a recorded run, for gradients or a trace,
  // keeps every step's frame).
  std::size_t fused_steps() const;
  Result<NetworkRun> run(const NetworkArgs& args);
  Result<NetworkGradients> gradient(const NetworkArgs& args, const Eigen::MatrixXd& cotangent);
  Result<std::vector<Eigen::MatrixXd>> top_level_values(const NetworkArgs& args);
  Result<std::vector<NeuronTrace>> trace(const NetworkArgs& args);

 private:
  std::unique_ptr<Impl> impl_;
};

// The engine's numeric kernels in use: "native" (built for the building machine, CAJAL_NATIVE),
// "x86-64-v3" (AVX2 and FMA) or "baseline" — the best this CPU supports (src/network/kernels.hpp).
const char* engine_kernels();

// The total mass of an encoded value of type t (1 for Bool and Nat; dim A · mass B for A ⊸ B).
double encoded_mass(const Type& t, int depth);

}  // namespace cajal
