// Forward and reverse-mode evaluation of networks (spec/denotation.md, "The engine").
//
// Every value is a dim × B matrix, or dim × 1 when it does not vary over the batch; operations
// broadcast the latter. The forward pass records a tape (every neuron's value, and the tapes of
// every step of every recurrent neuron and of every materialized abstraction) that the backward
// pass walks in reverse.
#include "cajal/network/engine.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>

namespace cajal {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct EngineError {
  std::string message;
};

Index cols_of(std::initializer_list<const MatrixXd*> ms) {
  Index b = 1;
  for (const MatrixXd* m : ms)
    if (m->cols() != 1) {
      if (b != 1 && b != m->cols()) throw EngineError{"batch sizes do not agree"};
      b = m->cols();
    }
  return b;
}

// Column b of a value that may be shared by the batch.
inline auto col(const MatrixXd& m, Index b) { return m.col(m.cols() == 1 ? 0 : b); }

// Adds `delta` into the adjoint `into`, summing columns when `into` is shared by the batch (the
// adjoint of a shared value is the sum of its adjoints over the batch).
void accumulate(MatrixXd& into, const MatrixXd& delta) {
  if (into.cols() == delta.cols()) {
    into += delta;
  } else if (into.cols() == 1) {
    into += delta.rowwise().sum();
  } else {
    throw EngineError{"internal error: a summed adjoint reached a batched value"};
  }
}

// A tape holds every neuron's value. Values are read through pointers: inputs, params, constants
// and captures are not copied (a captured weight matrix may be large and is read at every step of
// a recurrent neuron); computed values are owned by the tape that computed them.
struct Tape;
struct Aux {
  std::vector<const MatrixXd*> states;         // Iterate (recorded): h_0 .. h_K
  std::vector<std::unique_ptr<Tape>> steps;    // Iterate (recorded): the step's tape producing h_k (k ≥ 1)
  std::unique_ptr<Tape> body;                  // Abstract (recorded): the body's tape over the basis batch
  std::vector<MatrixXd> inputs;                // Abstract (recorded): the body's inputs it owns
  Index outer_batch = 1;                       // Abstract: batch of the captures
};
struct Tape {
  std::vector<MatrixXd> owned;
  std::vector<const MatrixXd*> values;
  std::vector<Aux> aux;
  const MatrixXd& at(int i) const { return *values[static_cast<std::size_t>(i)]; }
};

class Engine {
 public:
  Engine(const Network& net, const std::map<std::string, VectorXd>& params, bool record)
      : net_(net), params_(params), record_(record) {}

  std::map<std::string, VectorXd> param_adjoints;

  // ---- forward ----
  // `reuse` is a tape of the same graph from an earlier call, whose storage is recycled (an
  // unrecorded recurrent neuron runs its step graph many times on values of the same shapes).
  std::unique_ptr<Tape> forward(int gi, const std::vector<const MatrixXd*>& inputs, std::unique_ptr<Tape> reuse = nullptr) {
    const Graph& g = graph(gi);
    std::unique_ptr<Tape> tape = std::move(reuse);
    if (!tape) {
      tape = std::make_unique<Tape>();
      tape->owned.resize(g.nodes.size());
      tape->values.resize(g.nodes.size(), nullptr);
      tape->aux.resize(g.nodes.size());
    }
    for (std::size_t k = 0; k < g.inputs.size(); ++k) tape->values[static_cast<std::size_t>(g.inputs[k])] = inputs[k];
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      auto arg = [&](std::size_t k) -> const MatrixXd& { return tape->at(n.args[k]); };
      MatrixXd& out = tape->owned[i];
      switch (n.op) {
        case Op::Input: continue;  // bound above
        case Op::Param: tape->values[i] = &param(n.name); continue;
        case Op::Const: tape->values[i] = &constant(gi, i); continue;
        case Op::Shift: {  // succ: row k moves to row k+1; row D falls off
          const MatrixXd& x = arg(0);
          out = MatrixXd::Zero(x.rows(), x.cols());
          out.bottomRows(x.rows() - 1) = x.topRows(x.rows() - 1);
          break;
        }
        case Op::Mix: {  // if: c₀·t + c₁·u
          const MatrixXd &c = arg(0), &t = arg(1), &u = arg(2);
          Index b = cols_of({&c, &t, &u});
          out.resize(static_cast<Index>(n.dim), b);
          for (Index j = 0; j < b; ++j) out.col(j) = col(c, j)(0) * col(t, j) + col(c, j)(1) * col(u, j);
          break;
        }
        case Op::Apply: {  // matrix–vector product, f stored row-major
          const MatrixXd &f = arg(0), &a = arg(1);
          Index rows = static_cast<Index>(n.rows), cs = static_cast<Index>(n.cols);
          if (f.cols() == 1) {
            out.noalias() = Eigen::Map<const RowMajor>(f.data(), rows, cs) * a;  // one GEMM for the batch
          } else {
            Index b = cols_of({&f, &a});
            out.resize(rows, b);
            for (Index j = 0; j < b; ++j)
              out.col(j).noalias() = Eigen::Map<const RowMajor>(f.col(j).data(), rows, cs) * col(a, j);
          }
          break;
        }
        case Op::Iterate: iterate(n, *tape, i); break;
        case Op::Abstract: abstract(n, *tape, i); break;
      }
      tape->values[i] = &out;
    }
    return tape;
  }

  const MatrixXd& param(const std::string& name) {
    auto it = param_matrices_.find(name);
    if (it == param_matrices_.end()) it = param_matrices_.emplace(name, MatrixXd(params_.at(name))).first;
    return it->second;
  }
  const MatrixXd& constant(int gi, std::size_t i) {
    auto key = std::make_pair(gi, i);
    auto it = constants_.find(key);
    if (it == constants_.end())
      it = constants_.emplace(key, MatrixXd(graph(gi).nodes[i].value)).first;
    return it->second;
  }

  // The recurrent neuron: h₀ = b, h_{k+1} = step(h_k), out = Σ_k n_k h_k, for k up to the last
  // index where some column of n is non-zero (never past D).
  void iterate(const Node& n, Tape& tape, std::size_t i) {
    const MatrixXd& count = tape.at(n.args[1]);
    std::vector<const MatrixXd*> step_inputs(1 + n.args.size() - 2);
    for (std::size_t k = 2; k < n.args.size(); ++k) step_inputs[k - 1] = &tape.at(n.args[k]);
    // Forward only: stop at the last count row that is non-zero anywhere in the batch. Recorded
    // for gradients: every row, since ∂out/∂n_k = h_k whatever n_k is.
    Index last = record_ ? count.rows() - 1 : -1;
    for (Index k = count.rows() - 1; k >= 0 && last < 0; --k)
      if (!count.row(k).isZero(0.0)) last = k;
    const MatrixXd* h = &tape.at(n.args[0]);
    MatrixXd state;                      // unrecorded runs keep only the current state...
    std::unique_ptr<Tape> step_storage;  // ...and one step tape, recycled at every step
    MatrixXd& out = tape.owned[i];
    out = MatrixXd::Zero(h->rows(), std::max(h->cols(), count.cols()));
    Aux& aux = tape.aux[i];
    if (record_) aux.states.reserve(static_cast<std::size_t>(last + 1));
    for (Index k = 0; k <= last; ++k) {
      if (k > 0) {
        step_inputs[0] = h;
        if (record_) {
          std::unique_ptr<Tape> step = forward(n.sub, step_inputs);
          h = &step->at(graph(n.sub).output);
          aux.steps.push_back(std::move(step));
        } else {
          step_storage = forward(n.sub, step_inputs, std::move(step_storage));
          const MatrixXd& next = step_storage->at(graph(n.sub).output);
          if (&next != &state) state = next;  // same shape from the second step on: no allocation
          h = &state;
        }
      }
      add_weighted(out, count.row(k), *h);
      if (record_) aux.states.push_back(h);
    }
  }

  // out(:, b) += w(b) · h(:, b), broadcasting either side.
  static void add_weighted(MatrixXd& out, const Eigen::Ref<const Eigen::RowVectorXd>& w, const MatrixXd& h) {
    if (out.cols() < std::max(w.cols(), h.cols())) {
      MatrixXd wider = out.replicate(1, std::max(w.cols(), h.cols()));
      out = std::move(wider);
    }
    for (Index j = 0; j < out.cols(); ++j) {
      double wj = w(w.cols() == 1 ? 0 : j);
      if (wj != 0.0) out.col(j) += wj * col(h, j);
    }
  }

  // The materialized abstraction: the body runs once on a batch of basis vectors (per column of
  // the captures), and column j of the result is the body at e_j.
  void abstract(const Node& n, Tape& tape, std::size_t i) {
    Index a = static_cast<Index>(n.cols), rows = static_cast<Index>(n.rows);
    Index outer = 1;
    for (int c : n.args) outer = std::max(outer, tape.at(c).cols());
    Aux& aux = tape.aux[i];
    std::vector<MatrixXd>& owned = aux.inputs;  // the basis batch and expanded captures
    owned.assign(1 + n.args.size(), MatrixXd());
    std::vector<const MatrixXd*> inputs(1 + n.args.size());
    owned[0] = MatrixXd::Zero(a, a * outer);  // the basis e_0 .. e_{a-1}, once per capture column
    for (Index b = 0; b < outer; ++b)
      for (Index j = 0; j < a; ++j) owned[0](j, b * a + j) = 1.0;
    inputs[0] = &owned[0];
    for (std::size_t k = 0; k < n.args.size(); ++k) {
      const MatrixXd& c = tape.at(n.args[k]);
      if (c.cols() == 1) {
        inputs[k + 1] = &c;
      } else {
        owned[k + 1].resize(c.rows(), outer * a);
        for (Index b = 0; b < outer; ++b) owned[k + 1].middleCols(b * a, a) = c.col(b).replicate(1, a);
        inputs[k + 1] = &owned[k + 1];
      }
    }
    std::unique_ptr<Tape> body = forward(n.sub, inputs);
    const MatrixXd& r = body->at(graph(n.sub).output);
    MatrixXd& out = tape.owned[i];
    out.resize(rows * a, outer);
    for (Index b = 0; b < outer; ++b) {  // column b of out is R_b (rows × a), stored row-major
      Eigen::Map<RowMajor> dest(out.col(b).data(), rows, a);
      if (r.cols() == 1)
        dest = r.col(0).replicate(1, a);
      else
        dest = r.middleCols(b * a, a);
    }
    aux.outer_batch = outer;
    if (record_) aux.body = std::move(body);
    else owned.clear();
  }

  // ---- backward ----
  // Given the adjoint of the graph's output, returns the adjoints of its inputs (and adds the
  // params' adjoints into param_adjoints).
  std::vector<MatrixXd> backward(int gi, const Tape& tape, const MatrixXd& output_adjoint) {
    const Graph& g = graph(gi);
    std::vector<MatrixXd> adj(g.nodes.size());
    auto adjoint = [&](int id) -> MatrixXd& {
      MatrixXd& a = adj[static_cast<std::size_t>(id)];
      if (a.size() == 0) a = MatrixXd::Zero(tape.at(id).rows(), tape.at(id).cols());
      return a;
    };
    accumulate(adjoint(g.output), output_adjoint);
    for (std::size_t i = g.nodes.size(); i-- > 0;) {
      if (adj[i].size() == 0) continue;  // does not reach the output
      const Node& n = g.nodes[i];
      const MatrixXd& dout = adj[i];
      auto value = [&](std::size_t k) -> const MatrixXd& { return tape.at(n.args[k]); };
      switch (n.op) {
        case Op::Input:
        case Op::Const: break;
        case Op::Param: {
          auto [it, fresh] = param_adjoints.try_emplace(n.name, VectorXd::Zero(static_cast<Index>(n.dim)));
          it->second += dout.rowwise().sum();
          break;
        }
        case Op::Shift: {
          MatrixXd d = MatrixXd::Zero(dout.rows(), dout.cols());
          d.topRows(dout.rows() - 1) = dout.bottomRows(dout.rows() - 1);
          accumulate(adjoint(n.args[0]), d);
          break;
        }
        case Op::Mix: {
          const MatrixXd &c = value(0), &t = value(1), &u = value(2);
          Index b = dout.cols();
          MatrixXd dc(2, b), dt(t.rows(), b), du(u.rows(), b);
          for (Index j = 0; j < b; ++j) {
            dc(0, j) = col(t, j).dot(dout.col(j));
            dc(1, j) = col(u, j).dot(dout.col(j));
            dt.col(j) = col(c, j)(0) * dout.col(j);
            du.col(j) = col(c, j)(1) * dout.col(j);
          }
          accumulate(adjoint(n.args[0]), dc);
          accumulate(adjoint(n.args[1]), dt);
          accumulate(adjoint(n.args[2]), du);
          break;
        }
        case Op::Apply: {
          const MatrixXd &f = value(0), &a = value(1);
          Index rows = static_cast<Index>(n.rows), cs = static_cast<Index>(n.cols);
          if (f.cols() == 1) {
            Eigen::Map<const RowMajor> fm(f.data(), rows, cs);
            accumulate(adjoint(n.args[1]), fm.transpose() * dout);
            RowMajor df = dout * col_batch(a, dout.cols()).transpose();  // Σ_b dout_b a_bᵀ, one GEMM
            accumulate(adjoint(n.args[0]), Eigen::Map<const VectorXd>(df.data(), df.size()));
          } else {
            Index b = dout.cols();
            MatrixXd da(cs, b), df(rows * cs, b);
            for (Index j = 0; j < b; ++j) {
              Eigen::Map<const RowMajor> fm(f.col(j).data(), rows, cs);
              da.col(j) = fm.transpose() * dout.col(j);
              RowMajor outer = dout.col(j) * col(a, j).transpose();
              df.col(j) = Eigen::Map<const VectorXd>(outer.data(), outer.size());
            }
            accumulate(adjoint(n.args[0]), df);
            accumulate(adjoint(n.args[1]), da);
          }
          break;
        }
        case Op::Iterate: backward_iterate(n, tape, i, dout, adjoint); break;
        case Op::Abstract: backward_abstract(n, tape, i, dout, adjoint); break;
      }
    }
    std::vector<MatrixXd> out;
    for (int in : g.inputs) {
      const MatrixXd& a = adj[static_cast<std::size_t>(in)];
      out.push_back(a.size() ? a : MatrixXd::Zero(tape.at(in).rows(), tape.at(in).cols()));
    }
    return out;
  }

  // a with `b` columns (a shared value repeated), for batched outer products.
  static MatrixXd col_batch(const MatrixXd& a, Index b) { return a.cols() == b ? a : a.replicate(1, b); }

  // Back-propagation through time: g_K = n_K ⊙ dout; g_{k-1} = n_{k-1} ⊙ dout + stepᵀ(g_k);
  // the base receives g_0 and n_k receives h_k · dout.
  template <class Adjoint>
  void backward_iterate(const Node& n, const Tape& tape, std::size_t i, const MatrixXd& dout, Adjoint& adjoint) {
    const Aux& aux = tape.aux[i];
    const MatrixXd& count = tape.at(n.args[1]);
    Index last = static_cast<Index>(aux.states.size()) - 1;
    MatrixXd dcount = MatrixXd::Zero(count.rows(), dout.cols());
    for (Index k = 0; k <= last; ++k)
      for (Index j = 0; j < dout.cols(); ++j) dcount(k, j) = col(*aux.states[static_cast<std::size_t>(k)], j).dot(dout.col(j));
    accumulate(adjoint(n.args[1]), dcount);
    if (last < 0) return;
    auto weighted = [&](Index k) {
      MatrixXd w = dout;
      for (Index j = 0; j < w.cols(); ++j) w.col(j) *= count(k, count.cols() == 1 ? 0 : j);
      return w;
    };
    MatrixXd g = weighted(last);
    for (Index k = last; k >= 1; --k) {
      std::vector<MatrixXd> d = backward(n.sub, *aux.steps[static_cast<std::size_t>(k - 1)], g);
      for (std::size_t c = 1; c < d.size(); ++c) accumulate(adjoint(n.args[c + 1]), d[c]);
      // d[0] has the shape of h_{k-1}: summed over the batch when h_{k-1} is shared by it.
      MatrixXd next = weighted(k - 1);
      if (d[0].cols() == 1 && next.cols() != 1) next = next.rowwise().sum().eval();
      accumulate(next, d[0]);
      g = std::move(next);
    }
    accumulate(adjoint(n.args[0]), g);
  }

  template <class Adjoint>
  void backward_abstract(const Node& n, const Tape& tape, std::size_t i, const MatrixXd& dout, Adjoint& adjoint) {
    const Aux& aux = tape.aux[i];
    Index a = static_cast<Index>(n.cols), rows = static_cast<Index>(n.rows), outer = aux.outer_batch;
    MatrixXd dr(rows, outer * a);
    for (Index b = 0; b < outer; ++b)
      dr.middleCols(b * a, a) = Eigen::Map<const RowMajor>(dout.col(dout.cols() == 1 ? 0 : b).data(), rows, a);
    std::vector<MatrixXd> d = backward(n.sub, *aux.body, dr);
    for (std::size_t k = 0; k < n.args.size(); ++k) {
      const MatrixXd& dc = d[k + 1];
      const MatrixXd& c = tape.at(n.args[k]);
      if (c.cols() == 1) {
        accumulate(adjoint(n.args[k]), dc.rowwise().sum());
      } else {
        MatrixXd folded(dc.rows(), outer);
        for (Index b = 0; b < outer; ++b) folded.col(b) = dc.middleCols(b * a, a).rowwise().sum();
        accumulate(adjoint(n.args[k]), folded);
      }
    }
  }

 private:
  const Network& net_;
  const std::map<std::string, VectorXd>& params_;
  bool record_;
  std::map<std::string, MatrixXd> param_matrices_;
  std::map<std::pair<int, std::size_t>, MatrixXd> constants_;

  const Graph& graph(int gi) const { return net_.graphs[static_cast<std::size_t>(gi)]; }
};

// Checks the arguments against the network: count, dimensions, batch sizes, params.
std::optional<std::string> check_args(const Network& net, const NetworkArgs& args) {
  if (args.inputs.size() != net.inputs.size())
    return "the network takes " + std::to_string(net.inputs.size()) + " input" + (net.inputs.size() == 1 ? "" : "s") +
           ", got " + std::to_string(args.inputs.size());
  Index batch = 1;
  for (std::size_t k = 0; k < args.inputs.size(); ++k) {
    std::size_t want = dimension(*net.inputs[k].type, net.depth);
    const MatrixXd& m = args.inputs[k];
    if (static_cast<std::size_t>(m.rows()) != want)
      return "input " + net.inputs[k].name + " needs " + std::to_string(want) + " rows, got " + std::to_string(m.rows());
    if (m.cols() == 0) return "input " + net.inputs[k].name + " has no columns";
    if (m.cols() != 1) {
      if (batch != 1 && batch != m.cols()) return "inputs have different batch sizes";
      batch = m.cols();
    }
    if (!m.allFinite()) return "input " + net.inputs[k].name + " has a value that is not finite";
  }
  // The estimate before the run: no run stores more numbers than it computes.
  if (const double bytes = 8.0 * net.work() * static_cast<double>(batch); bytes > static_cast<double>(memory_budget()))
    return over_budget("running this network on a batch of " + std::to_string(batch), bytes);
  for (const Graph& g : net.graphs)
    for (const Node& n : g.nodes)
      if (n.op == Op::Param) {
        auto it = args.params.find(n.name);
        if (it == args.params.end()) return "param `" + n.name + "` has no value";
        if (static_cast<std::size_t>(it->second.size()) != n.dim)
          return "param `" + n.name + "` needs " + std::to_string(n.dim) + " values, got " + std::to_string(it->second.size());
      }
  return std::nullopt;
}

std::vector<const MatrixXd*> pointers(const std::vector<MatrixXd>& ms) {
  std::vector<const MatrixXd*> out;
  for (const MatrixXd& m : ms) out.push_back(&m);
  return out;
}

Eigen::VectorXd mass_lost(const Network& net, const MatrixXd& output) {
  // A vector has no mass to conserve: for a Vec in the output the check does not apply.
  if (!without_vec(*net.output_type)) return VectorXd::Zero(output.cols());
  double expected = encoded_mass(*net.output_type, net.depth);
  VectorXd lost(output.cols());
  for (Index b = 0; b < output.cols(); ++b) lost(b) = expected - output.col(b).sum();
  return lost;
}

}  // namespace

namespace {
// How many encoded values the basis of t stands for, as seen by the mass of a function's table:
// a function on Bool or Nat has one column per basis value; on a function type A ⊸ B, whose
// basis vectors are matrix units rather than encodings, the columns add up to as many as B has.
double basis_weight(const Type& t, int depth) {
  if (!t.is_arrow()) return static_cast<double>(dimension(t, depth));
  return basis_weight(*t.to, depth);
}
}  // namespace

double encoded_mass(const Type& t, int depth) {
  if (!t.is_arrow()) return 1.0;
  return basis_weight(*t.from, depth) * encoded_mass(*t.to, depth);
}

Result<NetworkRun> run_network(const Network& net, const NetworkArgs& args) {
  if (auto problem = check_args(net, args)) return Result<NetworkRun>::failure(error_at(Span{}, *problem));
  try {
    Engine engine(net, args.params, false);
    std::unique_ptr<Tape> tape = engine.forward(0, pointers(args.inputs));
    MatrixXd out = tape->at(net.graphs[0].output);
    VectorXd lost = mass_lost(net, out);
    return Result<NetworkRun>::success(NetworkRun{std::move(out), std::move(lost)});
  } catch (const EngineError& e) {
    return Result<NetworkRun>::failure(error_at(Span{}, e.message));
  }
}

Result<std::vector<MatrixXd>> top_level_values(const Network& net, const NetworkArgs& args) {
  using R = Result<std::vector<MatrixXd>>;
  if (auto problem = check_args(net, args)) return R::failure(error_at(Span{}, *problem));
  try {
    Engine engine(net, args.params, false);
    std::unique_ptr<Tape> tape = engine.forward(0, pointers(args.inputs));
    std::vector<MatrixXd> out;
    for (const MatrixXd* v : tape->values) out.push_back(*v);
    return R::success(std::move(out));
  } catch (const EngineError& e) {
    return R::failure(error_at(Span{}, e.message));
  }
}

Result<std::vector<NeuronTrace>> trace_network(const Network& net, const NetworkArgs& args) {
  using R = Result<std::vector<NeuronTrace>>;
  if (auto problem = check_args(net, args)) return R::failure(error_at(Span{}, *problem));
  try {
    Engine engine(net, args.params, true);  // recorded: every state of every recurrent neuron
    std::unique_ptr<Tape> tape = engine.forward(0, pointers(args.inputs));
    const Graph& g = net.graphs[0];
    std::vector<NeuronTrace> out;
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      NeuronTrace t;
      t.node = static_cast<int>(i);
      t.value = tape->values[i]->col(0);
      if (g.nodes[i].op == Op::Iterate) {
        for (const MatrixXd* h : tape->aux[i].states) t.states.push_back(h->col(0));
        t.weights = tape->at(g.nodes[i].args[1]).col(0);
      }
      out.push_back(std::move(t));
    }
    return R::success(std::move(out));
  } catch (const EngineError& e) {
    return R::failure(error_at(Span{}, e.message));
  }
}

namespace {
// Up to six significant digits, "0" for zero, no trailing zeros.
std::string number(double x) {
  if (x == 0.0) return "0";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}
std::string numbers(const VectorXd& v) {
  std::string out = "[";
  for (Index k = 0; k < v.size(); ++k) out += (k ? ", " : "") + number(v(k));
  return out + "]";
}
// "e_3" when v is the basis vector e_3, else empty.
std::string basis_name(const VectorXd& v) {
  Index hot = -1;
  for (Index k = 0; k < v.size(); ++k) {
    if (v(k) == 1.0 && hot < 0) hot = k;
    else if (v(k) != 0.0) return {};
  }
  return hot < 0 ? std::string() : "e_" + std::to_string(hot);
}
}  // namespace

std::string show_trace(const Network& net, const std::vector<NeuronTrace>& trace) {
  std::string out;
  const Graph& g = net.graphs[0];
  for (const NeuronTrace& t : trace) {
    std::size_t i = static_cast<std::size_t>(t.node);
    std::string hot = basis_name(t.value);
    out += node_line(g, i) + "\n    = " + numbers(t.value) + (hot.empty() ? "" : "  (" + hot + ")") + "\n";
    if (g.nodes[i].op != Op::Iterate) continue;
    out += "    the recurrent neuron: h_0 = its base, h_{k+1} = step(h_k), output = Σ_k n_k · h_k\n";
    out += "      k   n_k        h_k\n";
    for (std::size_t k = 0; k < t.states.size(); ++k) {
      std::string n = number(t.weights(static_cast<Index>(k)));
      std::string line = "      " + std::to_string(k);
      line.resize(std::max<std::size_t>(line.size() + 1, 10), ' ');
      line += n;
      line.resize(std::max<std::size_t>(line.size() + 1, 21), ' ');
      line += numbers(t.states[k]);
      if (t.weights(static_cast<Index>(k)) != 0.0) line += "  ← selected";
      out += line + "\n";
    }
  }
  return out;
}

Result<NetworkGradients> gradient(const Network& net, const NetworkArgs& args, const MatrixXd& cotangent) {
  using R = Result<NetworkGradients>;
  if (auto problem = check_args(net, args)) return R::failure(error_at(Span{}, *problem));
  std::size_t out_dim = dimension(*net.output_type, net.depth);
  if (static_cast<std::size_t>(cotangent.rows()) != out_dim)
    return R::failure(error_at(Span{}, "the cotangent needs " + std::to_string(out_dim) + " rows"));
  try {
    Engine engine(net, args.params, true);
    std::unique_ptr<Tape> tape = engine.forward(0, pointers(args.inputs));
    const MatrixXd& out = tape->at(net.graphs[0].output);
    if (cotangent.cols() != 1 && out.cols() != 1 && cotangent.cols() != out.cols())
      return R::failure(error_at(Span{}, "the cotangent's batch does not match the output's"));
    NetworkGradients g;
    // A single cotangent column stands for the same cotangent in every column of the output.
    MatrixXd seed = cotangent.cols() == 1 && out.cols() != 1 ? MatrixXd(cotangent.replicate(1, out.cols())) : cotangent;
    g.inputs = engine.backward(0, *tape, seed);
    g.params = std::move(engine.param_adjoints);
    for (const NetworkInput& p : net.params)
      if (args.params.count(p.name) && !g.params.count(p.name))
        g.params.emplace(p.name, VectorXd::Zero(args.params.at(p.name).size()));
    g.run = NetworkRun{out, mass_lost(net, out)};
    return R::success(std::move(g));
  } catch (const EngineError& e) {
    return R::failure(error_at(Span{}, e.message));
  }
}

}  // namespace cajal
