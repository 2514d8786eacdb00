// Mutants as rewrites of a correct network (include/cajal/testing/mutant.hpp).
#include "cajal/testing/mutant.hpp"

#include <functional>
#include <utility>
#include <vector>

namespace cajal {

std::optional<Mutant> mutant_from_name(const std::string& name) {
  for (Mutant m : kAllMutants)
    if (name == mutant_name(m)) return m;
  if (name == "none") return Mutant::None;
  return std::nullopt;
}

const char* mutant_name(Mutant m) {
  switch (m) {
    case Mutant::None: return "none";
    case Mutant::SwapIfBranches: return "swap-if";
    case Mutant::SuccBackwards: return "succ-backwards";
    case Mutant::IterExtraStep: return "iter-extra-step";
    case Mutant::TransposedMatrix: return "transposed-matrix";
  }
  return "none";
}

namespace {

// Rebuilds a graph node by node. `edit` sees each node (its args already renumbered) with an
// `emit` that appends a node to the new graph and returns its id; it returns the id that stands
// for the old node from now on (usually emit(node)).
using Emit = std::function<int(Node)>;
std::size_t rewrite(Graph& g, const std::function<int(Node, const Emit&, std::size_t&)>& edit) {
  Graph out;
  std::vector<int> id(g.nodes.size(), -1);
  std::size_t changed = 0;
  Emit emit = [&](Node n) {
    out.nodes.push_back(std::move(n));
    return static_cast<int>(out.nodes.size() - 1);
  };
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    Node n = g.nodes[i];
    for (int& a : n.args) a = id[static_cast<std::size_t>(a)];
    id[i] = edit(std::move(n), emit, changed);
  }
  for (int in : g.inputs) out.inputs.push_back(id[static_cast<std::size_t>(in)]);
  out.output = id[static_cast<std::size_t>(g.output)];
  g = std::move(out);
  return changed;
}

// Whether the compiler's rule `rule` made n (its label starts with the rule's name, as in
// "C-Abs (def f)"; a mutant's own neurons are not rewritten again).
bool made_by(const Node& n, const std::string& rule) {
  return n.rule.rfind(rule, 0) == 0 && n.rule.find("(mutant)") == std::string::npos;
}

// A neuron of the mutant, labelled like the one it replaces.
Node like(const Node& original, Op op, std::size_t dim) {
  Node n;
  n.op = op;
  n.dim = dim;
  n.rule = original.rule + " (mutant)";
  n.source = original.source;
  n.term = original.term;
  n.line = original.line;
  n.column = original.column;
  return n;
}

int edit(Node n, const Emit& emit, std::size_t& changed, Mutant m, int depth) {
  const auto d = static_cast<Eigen::Index>(n.dim);
  if (m == Mutant::SwapIfBranches && n.op == Op::Mix && made_by(n, "C-If")) {  // c₀·u + c₁·t
    std::swap(n.args[1], n.args[2]);
    ++changed;
  } else if (m == Mutant::SuccBackwards && n.op == Op::Shift && made_by(n, "C-Succ")) {  // a down-shift matrix
    Node down = like(n, Op::Const, n.dim * n.dim);
    down.value = Eigen::VectorXd::Zero(d * d);
    for (Eigen::Index k = 1; k < d; ++k) down.value((k - 1) * d + k) = 1.0;
    Node apply = like(n, Op::Apply, n.dim);
    apply.rows = apply.cols = n.dim;
    apply.args = {emit(std::move(down)), n.args[0]};
    ++changed;
    return emit(std::move(apply));
  } else if (m == Mutant::IterExtraStep && n.op == Op::Iterate && made_by(n, "C-Iter")) {  // count + 1
    Node shifted = like(n, Op::Shift, static_cast<std::size_t>(depth) + 1);
    shifted.args = {n.args[1]};
    n.args[1] = emit(std::move(shifted));
    ++changed;
  } else if (m == Mutant::TransposedMatrix && n.op == Op::Abstract && made_by(n, "C-Abs") && n.rows > 1 && n.cols > 1 &&
             n.rows * n.cols <= 256) {  // the row-major matrix reordered column-major
    const std::size_t r = n.rows, c = n.cols, size = r * c;
    Node perm = like(n, Op::Const, size * size);
    perm.value = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(size * size));
    for (std::size_t row = 0; row < r; ++row)
      for (std::size_t col = 0; col < c; ++col)  // output index col*r+row reads input index row*c+col
        perm.value(static_cast<Eigen::Index>((col * r + row) * size + row * c + col)) = 1.0;
    Node apply = like(n, Op::Apply, size);
    apply.rows = apply.cols = size;
    int matrix = emit(std::move(n));
    apply.args = {emit(std::move(perm)), matrix};
    ++changed;
    return emit(std::move(apply));
  }
  return emit(std::move(n));
}

}  // namespace

std::size_t apply_mutant(Network& net, Mutant m) {
  if (m == Mutant::None) return 0;
  std::size_t changed = 0;
  for (Graph& g : net.graphs)
    changed += rewrite(g, [&](Node n, const Emit& emit, std::size_t& count) { return edit(std::move(n), emit, count, m, net.depth); });
  return changed;
}

}  // namespace cajal
