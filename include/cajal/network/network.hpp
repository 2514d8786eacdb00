// The neuron network: the compiler's output, an explicit and inspectable graph (spec/denotation.md).
//
// A Network is a list of Graphs. graphs[0] computes the program; the others are the bodies of
// recurrent neurons (an `iter` step) and of materialized abstractions (a `fun` turned into its
// matrix). Every node computes one vector per batch column: its value is a dim × B matrix, or
// dim × 1 when it is the same for the whole batch (constants, params, and what depends only on
// them), broadcast where it meets batch-dependent values.
//
// Encodings (fixed, so results compare across implementations), with depth D:
//   Bool = ℝ², true = (1,0), false = (0,1);  Nat = ℝ^(D+1), k = e_k;
//   A ⊸ B = ℝ^(dim B · dim A), the dim B × dim A matrix stored row-major, whose column j is the
//   image of basis vector j of A.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "cajal/syntax/ast.hpp"
#include "cajal/syntax/diagnostic.hpp"

namespace cajal {

// dim ⟦A⟧ at depth D: `dimension` is declared with the types (cajal/syntax/ast.hpp).

enum class Op {
  Input,     // a linear input of the graph (main's argument; a subgraph's state / binder / capture)
  Param,     // a `param` of the program: an unrestricted input (a weight)
  Const,     // a constant vector
  Shift,     // succ: e_k ↦ e_{k+1}; the component at e_D is lost (overflow past the depth)
  Mix,       // if: c₀·t + c₁·u                                  args: c, t, u
  Apply,     // matrix–vector product, f reshaped rows × cols     args: f, a
  Iterate,   // recurrent neuron: Σ_k n_k · s^k(b)                args: b, n, captures...; sub: s
  Abstract,  // materialized `fun`: column j = body(e_j)          args: captures...; sub: body
};
const char* op_name(Op op);

struct Node {
  Op op = Op::Const;
  std::size_t dim = 0;
  std::vector<int> args;      // node ids in the same graph
  std::string name;           // Input / Param: the source name
  Eigen::VectorXd value;      // Const
  std::size_t rows = 0;       // Apply: f is rows × cols; Abstract: dim B (rows) × dim A (cols)
  std::size_t cols = 0;
  int sub = -1;               // Iterate / Abstract: index of the subgraph
  std::string rule;           // the compilation rule that made it (C-If, C-Iter, ...)
  std::string source;         // the source text it came from (for --show)
  const Term* term = nullptr; // the term it came from, while the compiled program lives (not serialized)
  std::uint32_t line = 0, column = 0;  // where that text starts (0 when made by the compiler)
};

struct Graph {
  std::vector<Node> nodes;    // topologically ordered: args precede their users
  // The graph's inputs, in order. graphs[0]: main's arguments. An Iterate step: the state, then
  // one per capture. An Abstract body: the binder, then one per capture.
  std::vector<int> inputs;
  int output = -1;
};

struct NetworkInput {
  std::string name;
  TypePtr type;
};

struct Network {
  int depth = 9;
  std::vector<Graph> graphs;           // graphs[0] is the program
  std::vector<NetworkInput> inputs;    // graphs[0].inputs, with names and types
  std::vector<NetworkInput> params;    // every Param node refers to one of these by name
  TypePtr output_type;

  std::size_t node_count() const;
  // An estimate of the numbers one forward run computes per batch column: every neuron's
  // dimension, times the basis batch of each materialized abstraction and the D steps of each
  // recurrent neuron around it (plus a matrix's size for each matrix–vector product).
  double work() const;
};

// `cajal compile --show`: one line a node, subgraphs indented under their neuron.
std::string show(const Network& net);
// Node i of g as `--show` prints it: "%3 = iterate(%1, %0, %2)  : 2  C-Iter @20:41  `iter ...`".
std::string node_line(const Graph& g, std::size_t i);

// The network as a Graphviz graph (`cajal compile --emit dot`): a box per neuron labelled with its
// operation, rule and source text; a cluster per subgraph (an `iter` step, a materialized `fun`)
// drawn beside its neuron, with dashed edges from the neuron to the subgraph's inputs and from
// its output back; the recurrence as a loop on the recurrent neuron (h_{k+1} = step(h_k));
// each edge labelled with the dimension it carries. Deterministic: the same network, the same text.
std::string to_dot(const Network& net);

// ---- the memory budget ------------------------------------------------------------------------
// Sizes that come from input (depth, dimensions, batch, network size) are estimated before
// anything is allocated from them, and refused when the estimate passes the budget: compiling
// (the numbers of every neuron, CompileOptions), running (Network::work() per batch column,
// 8 bytes a number: no run stores more numbers than it computes), reading a network (its
// neurons' numbers) and proving (a symbolic term per number). Process-wide, like an rlimit:
// `--max-memory` sets it; the default is half the machine's physical memory.
std::uint64_t memory_budget();
void set_memory_budget(std::uint64_t bytes);
// "1.5 GiB", "512 MiB", "3 KiB", "20 bytes": for messages.
std::string bytes_text(double bytes);
// The message for an estimate past a budget (the process's unless given): "<what> needs about X,
// more than the memory budget of Y (raise it with --max-memory)".
std::string over_budget(const std::string& what, double bytes, double budget = static_cast<double>(memory_budget()));
// Whether a diagnostic is such a refusal (the fuzzing oracle counts those as "too large").
bool is_over_budget(const Diagnostic& d);

// Serialization (`cajal compile --emit json`) and reading back. Reading validates everything
// (dimensions, ids, topological order) and reports problems as diagnostics, never by crashing.
std::string to_json(const Network& net);
Result<Network> network_from_json(const std::string& text, const std::string& name = "<network>");

}  // namespace cajal
