// Forward and reverse-mode evaluation of networks (spec/denotation.md, "The engine"), through an
// execution plan (cajal::Plan, engine.hpp).
//
// Every value is a dim × B matrix, or dim × 1 when it does not vary over the batch; operations
// broadcast the latter. A value is a view (a pointer and a shape): inputs, params and constants
// are read where they lie, never copied, and every computed value lies in a buffer of the frame
// that computed it. A frame is one evaluation of one graph, in node order (the graph is
// topologically ordered): the top-level graph has one frame, a recurrent neuron's step two that
// alternate (one per step when the run is recorded for gradients), a materialized abstraction's
// body one. A forward run keeps only the values still to be read: values that are not live at
// once share a buffer (Plan::Impl::share_buffers); a recorded run keeps every one. Frames belong
// to the plan and outlive a run, and buffers only grow: a second run on the same shapes
// allocates nothing. The backward pass walks the recorded frames in reverse.
//
// Batches are cut into chunks of kChunkColumns columns, run one after another or on several
// threads; every chunk is computed the same way whichever thread runs it, and what sums over the
// batch (the params' gradients, the adjoints of inputs shared by the batch) is added in chunk
// order, so results do not depend on the number of threads.
#include "cajal/network/engine.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "kernels.hpp"

namespace cajal {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using CMap = Eigen::Map<const MatrixXd>;
using CVecMap = Eigen::Map<const VectorXd>;

struct EngineError {
  std::string message;
};

// A value: rows × cols numbers, column-major and contiguous; cols == 1 when shared by the batch.
struct Val {
  const double* p = nullptr;
  Index rows = 0, cols = 0;
  CMap m() const { return CMap(p, rows, cols); }
  // Column b, or the only column when the value is shared by the batch.
  CVecMap col(Index b) const { return CVecMap(p + (cols == 1 ? 0 : b) * rows, rows); }
  double at(Index r, Index b) const { return p[(cols == 1 ? 0 : b) * rows + r]; }
};
Val view(const MatrixXd& m) { return Val{m.data(), m.rows(), m.cols()}; }
Val view(const VectorXd& v) { return Val{v.data(), v.size(), 1}; }

Index cols_of(std::initializer_list<Val> vs) {
  Index b = 1;
  for (const Val& v : vs)
    if (v.cols != 1) {
      if (b != 1 && b != v.cols) throw EngineError{"batch sizes do not agree"};
      b = v.cols;
    }
  return b;
}

// Adds `delta` into the adjoint `into`, summing columns when `into` is shared by the batch (the
// adjoint of a shared value is the sum of its adjoints over the batch).
template <class Delta>
void accumulate(MatrixXd& into, const Eigen::MatrixBase<Delta>& delta) {
  if (into.cols() == delta.cols()) {
    into += delta;
  } else if (into.cols() == 1) {
    into += delta.rowwise().sum();
  } else {
    throw EngineError{"internal error: a summed adjoint reached a batched value"};
  }
}

// y = F·x (or y += F·x) for the n columns of x: F is rows × cs, stored row-major; x is cs × n and
// y rows × n, column-major. Small products are a loop, larger ones a GEMM, each from the kernels
// chosen for this CPU (kernels.hpp).
void product(const double* f, Index rows, Index cs, const double* x, Index n, double* y, bool accumulate) {
  if (rows * cs * n <= 256) {
    kernels::Small p;
    p.rows = rows, p.cols = cs, p.n = n;
    p.f = f, p.x = x, p.y = y, p.accumulate = accumulate;
    kernels::kernels().small(p);
    return;
  }
  kernels::Gemm g;
  g.m = rows, g.n = n, g.k = cs;
  g.a = f, g.lda = cs, g.a_row_major = true;
  g.b = x, g.ldb = cs;
  g.c = y, g.ldc = rows, g.accumulate = accumulate;
  kernels::kernels().gemm(g);
}

// A computed value's numbers: the buffer grows to the largest value put in it and never shrinks,
// so values that are not live at once can share it, and a run on the shapes of the previous one
// allocates nothing.
class Buffer {
 public:
  // (operator new aligns to 16 bytes: Eigen may use aligned loads and stores, as on a MatrixXd)
  using Map = Eigen::Map<MatrixXd, Eigen::Aligned16>;
  // The buffer as a rows × cols matrix, its numbers left as they were (those in use kept when it
  // grows: add_weighted widens a value in place).
  Map shape(Index rows, Index cols) {
    if (rows * cols > capacity_) grow(rows * cols);
    rows_ = rows, cols_ = cols;
    return m();
  }
  Map m() { return Map(numbers_.get(), rows_, cols_); }
  Val view() const { return Val{numbers_.get(), rows_, cols_}; }
  Index cols() const { return cols_; }

 private:
  [[gnu::noinline, gnu::cold]] void grow(Index numbers) {
    auto larger = std::make_unique_for_overwrite<double[]>(static_cast<std::size_t>(numbers));
    std::copy_n(numbers_.get(), rows_ * cols_, larger.get());
    numbers_ = std::move(larger);
    capacity_ = numbers;
  }

  std::unique_ptr<double[]> numbers_;  // (not initialized: every value is written before it is read)
  Index capacity_ = 0, rows_ = 0, cols_ = 0;
};

// What a run keeps of its values: those still to be read (a forward run: values that are not live
// at once share a buffer, and a step of mixes, products and shifts is fused); every value of the
// top-level graph (its neurons' values, for `top_level_values`); or every value of every frame,
// with a frame per step (recorded, for gradients and traces).
enum class Keep : std::uint8_t { Live, TopLevel, All };

// Whether a neuron computes a value (the others, inputs, params and constants, are read where
// they lie and have no buffer).
bool computes(Op op) { return op != Op::Input && op != Op::Param && op != Op::Const; }

// One evaluation of one graph: every node's value, the buffers of those it computes, and what a
// recurrent neuron or an abstraction among them needs (their own frames).
struct Frame;
struct Nested {
  std::vector<std::unique_ptr<Frame>> steps;  // Iterate: a frame per step when recorded, else two
  std::vector<Val> states;                    // Iterate (recorded): h_0 .. h_K
  std::vector<Val> inputs;                    // the step's or the body's inputs
  std::unique_ptr<Frame> body;                // Abstract: the body over the basis batch
  std::vector<MatrixXd> owned;                // Abstract: the basis batch and expanded captures
  std::vector<Buffer> links;                  // Iterate with a fused step: the two alternating
                                              // states, then the step's other values
  std::vector<Val> operands;                  // Iterate with a fused step: each link's operands,
                                              // then each link's value (this step)
  Index outer_batch = 1;                      // Abstract: batch of the captures
};
struct Frame {
  std::vector<Val> values;
  std::vector<Buffer> buffers;  // per node when every value is kept, else per shared buffer
  std::vector<Nested> nested;
  std::vector<MatrixXd> adjoints;  // backward
  std::vector<char> has_adjoint;
  Frame(std::size_t nodes, std::size_t shared_buffers, std::size_t nested_nodes)
      : values(nodes), buffers(shared_buffers), nested(nested_nodes) {}
};

}  // namespace

// An iteration's step graph without recurrent neurons or abstractions in it: only mixes (if),
// products and shifts (succ), on the state, on each other and on what is the same at every step
// (params, constants such as tables, captures). `y => F (succ y)`, `y => if c then F y else y`.
// With no neuron at all it is the state itself (`y => y`, which the generated programs use to
// consume a variable).
struct FusedStep {
  struct Operand {
    enum class From : std::uint8_t { State, Link, Param, Const, Capture };
    From from = From::State;
    // Link: its index among the links; Param: the param's index; Const: the constant's node;
    // Capture: its position among the step's inputs.
    int index = -1;
  };
  struct Link {
    const Node* neuron = nullptr;
    std::uint8_t arity = 0;       // the neuron's arguments: 1 to 3
    std::array<Operand, 3> args;  // as many as the neuron has
  };
  bool fused = false;
  // The step's neurons, in order, the last one its output: Plan::Impl::links[first, first + count).
  std::uint32_t first = 0, count = 0;
};

// What a plan knows of its network before any run (each node's slot: a Param's index among the
// params, a recurrent or abstraction neuron's among its graph's nested frames; the inputs'
// dimensions; the output's mass) and what it keeps between runs: one worker per thread, each
// with its top-level frame and the frames below it.
struct Plan::Impl {
  const Network& net;
  unsigned threads;
  // Per node of every graph (graph gi's from layout[gi].first): `slot`, a Param node's index in
  // param_names, an Iterate or Abstract node's index among its graph's nested frames, else -1;
  // `buffer`, the buffer a run that keeps only live values computes it in (share_buffers), -1 for
  // inputs, params and constants.
  struct NodeSlots {
    int slot = -1, buffer = -1;
  };
  std::vector<NodeSlots> slots;
  // Per graph: where its nodes' slots start, how many nested frames it has, and its shared
  // buffers: the largest dimension each holds, in buffer_dims from `buffers` — if it `shares`
  // them: a graph of at most two computed values has nothing to share, and keeps a buffer per
  // node.
  struct Layout {
    std::size_t first = 0, nested = 0, buffers = 0, buffer_count = 0;
    bool shares = false;
  };
  std::vector<Layout> layout;
  std::vector<Index> buffer_dims;
  std::vector<const std::string*> param_names;  // the Param neurons' names (the network outlives the plan)
  std::vector<Index> param_dims;
  // Numbers the top-level frame holds (per Keep): for a batch of one, and per column of a larger
  // batch (where it grows linearly). Computed when first needed (negative: not yet).
  mutable double single[3] = {-1, -1, -1}, per_column[3] = {-1, -1, -1};
  struct Worker {
    std::unique_ptr<Frame> root;
    std::vector<Val> inputs;               // the chunk's columns of each input
    std::vector<VectorXd> param_adjoints;  // per param
  };
  std::vector<Val> params;  // the run's param values, in param_names order
  std::vector<Index> input_dims;
  bool conserves_mass;      // the output has no Vec: mass_lost applies
  double expected_mass;
  Index output_dim;
  std::vector<Worker> workers;
  // Per graph: for a graph that is an iteration's step, how it is fused; the fused steps' links.
  std::vector<FusedStep> fused;
  std::vector<FusedStep::Link> links;

  Impl(const Network& n, unsigned t)
      : net(n), threads(t), conserves_mass(n.output_type && without_vec(*n.output_type)),
        expected_mass(n.output_type ? encoded_mass(*n.output_type, n.depth) : 0.0),
        output_dim(n.output_type ? static_cast<Index>(dimension(*n.output_type, n.depth)) : 0) {
    input_dims.reserve(net.inputs.size());
    for (const NetworkInput& in : net.inputs) input_dims.push_back(static_cast<Index>(dimension(*in.type, net.depth)));
    std::size_t nodes = 0;
    for (const Graph& g : net.graphs) nodes += g.nodes.size();
    slots.resize(nodes);
    layout.resize(net.graphs.size());
    std::vector<int> free;
    for (std::size_t gi = 0, first = 0; gi < net.graphs.size(); ++gi) {
      const Graph& g = net.graphs[gi];
      layout[gi].first = first;
      first += g.nodes.size();
      NodeSlots* of = slots.data() + layout[gi].first;
      std::size_t& nested = layout[gi].nested;
      std::size_t computed = 0;
      for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        const Op op = g.nodes[i].op;
        if (op == Op::Iterate || op == Op::Abstract) of[i].slot = static_cast<int>(nested++);
        if (computes(op)) ++computed;
        if (op != Op::Param) continue;
        auto it = std::find_if(param_names.begin(), param_names.end(), [&](const std::string* name) { return *name == g.nodes[i].name; });
        if (it == param_names.end()) {
          param_names.push_back(&g.nodes[i].name);
          param_dims.push_back(static_cast<Index>(g.nodes[i].dim));
          it = param_names.end() - 1;
        }
        of[i].slot = static_cast<int>(it - param_names.begin());
      }
      layout[gi].shares = computed > 2;
      if (layout[gi].shares) share_buffers(gi, free);
    }
    fused.resize(net.graphs.size());
    for (const Graph& g : net.graphs)
      for (const Node& node : g.nodes)
        if (node.op == Op::Iterate) fuse(node.sub);
  }
  // Which of graph gi's computed values share a buffer. In node order a value would take a free
  // buffer and give its arguments' back after their last use; the same buffers are found in one
  // walk from the last node to the first: a value takes a free buffer where it is last read (the
  // first time the walk meets it), or at the neuron that computes it when nothing reads it, and
  // gives it back at that neuron — after the neuron's arguments have taken theirs, so a neuron's
  // buffer is never one of its arguments'. The graph's output takes its buffer before the walk:
  // no later neuron writes over it (its frame's caller reads it).
  void share_buffers(std::size_t gi, std::vector<int>& free) {
    const Graph& g = net.graphs[gi];
    NodeSlots* of = slots.data() + layout[gi].first;  // (buffers all -1)
    const std::size_t first = buffer_dims.size();
    layout[gi].buffers = first;
    free.clear();
    auto take = [&](std::size_t v) {
      if (free.empty()) {
        of[v].buffer = static_cast<int>(buffer_dims.size() - first);
        buffer_dims.push_back(0);
      } else {
        of[v].buffer = free.back();
        free.pop_back();
      }
    };
    if (g.output >= 0) take(static_cast<std::size_t>(g.output));
    for (std::size_t i = g.nodes.size(); i-- > 0;) {
      const Node& n = g.nodes[i];
      if (!computes(n.op)) continue;
      if (of[i].buffer < 0) take(i);  // (read by nothing)
      for (int arg : n.args) {
        const std::size_t a = static_cast<std::size_t>(arg);
        if (of[a].buffer < 0 && computes(g.nodes[a].op)) take(a);
      }
      Index& dim = buffer_dims[first + static_cast<std::size_t>(of[i].buffer)];
      dim = std::max(dim, static_cast<Index>(n.dim));
      free.push_back(of[i].buffer);
    }
    layout[gi].buffer_count = buffer_dims.size() - first;
  }
  // Whether step graph gi (its input 0 the state) can run as a FusedStep: its neurons are
  // mixes, products and shifts, the last of them its output (or none, the output the state).
  void fuse(int gi) {
    FusedStep& f = fused[static_cast<std::size_t>(gi)];
    const std::size_t first = links.size();
    f.fused = add_links(gi);
    if (!f.fused) links.resize(first);
    f.first = static_cast<std::uint32_t>(first);
    f.count = static_cast<std::uint32_t>(links.size() - first);
  }
  // Adds the links of step graph gi to `links` and says whether it can run as a FusedStep.
  bool add_links(int gi) {
    const Graph& g = net.graphs[static_cast<std::size_t>(gi)];
    if (g.output < 0 || g.inputs.empty()) return false;
    using From = FusedStep::Operand::From;
    const std::size_t first = links.size();
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      if (!computes(n.op)) continue;
      if (n.op != Op::Mix && n.op != Op::Apply && n.op != Op::Shift) return false;
      FusedStep::Link link;
      link.neuron = &n;
      link.arity = static_cast<std::uint8_t>(n.args.size());
      for (std::size_t k = 0; k < n.args.size(); ++k) {
        const std::size_t a = static_cast<std::size_t>(n.args[k]);
        const Node* arg = &g.nodes[a];
        FusedStep::Operand& to = link.args[k];
        // (links are in node order: an earlier link is found by its neuron's address)
        const auto earlier = std::lower_bound(links.begin() + static_cast<std::ptrdiff_t>(first), links.end(), arg,
                                              [](const FusedStep::Link& l, const Node* m) { return l.neuron < m; });
        if (earlier != links.end() && earlier->neuron == arg) {
          to = {From::Link, static_cast<int>(earlier - links.begin()) - static_cast<int>(first)};
        } else if (arg->op == Op::Param) {
          to = {From::Param, static_cast<int>(slot(gi, a))};
        } else if (arg->op == Op::Const) {
          to = {From::Const, n.args[k]};
        } else {
          const auto input = std::find(g.inputs.begin(), g.inputs.end(), n.args[k]);
          if (input == g.inputs.end()) return false;  // (an input node that is not the graph's)
          to = input == g.inputs.begin() ? FusedStep::Operand{From::State, 0}
                                         : FusedStep::Operand{From::Capture, static_cast<int>(input - g.inputs.begin())};
        }
      }
      links.push_back(link);
    }
    return links.size() == first ? g.output == g.inputs[0] : links.back().neuron == &g.nodes[static_cast<std::size_t>(g.output)];
  }
  // The links of a fused step.
  const FusedStep::Link* links_of(const FusedStep& f) const { return links.data() + f.first; }
  // Whether a run that keeps `keep` gives every computed value of graph gi a buffer of its own
  // (indexed by node) rather than a shared one.
  bool keeps_every_value(int gi, Keep keep) const {
    return keep == Keep::All || (keep == Keep::TopLevel && gi == 0) || !layout[static_cast<std::size_t>(gi)].shares;
  }
  std::size_t slot(int gi, std::size_t i) const {
    return static_cast<std::size_t>(slots[layout[static_cast<std::size_t>(gi)].first + i].slot);
  }
  // A frame for graph gi, with the buffers of a run that keeps only live values (one that keeps
  // every value adds the others).
  std::unique_ptr<Frame> frame(int gi) const {
    const std::size_t nodes = net.graphs[static_cast<std::size_t>(gi)].nodes.size();
    const Layout& l = layout[static_cast<std::size_t>(gi)];
    return std::make_unique<Frame>(nodes, l.shares ? l.buffer_count : nodes, l.nested);
  }

  // The threads a batch of `batch` columns runs on (0 asked: one per core), each with its worker
  // made before any thread starts.
  unsigned prepare_count(Index batch) const {
    static const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const Index chunks = (batch + kChunkColumns - 1) / kChunkColumns;
    return chunks <= 1 ? 1u : static_cast<unsigned>(std::min<Index>(threads == 0 ? cores : threads, chunks));
  }
  unsigned prepare(Index batch) {
    const unsigned n = prepare_count(batch);
    if (workers.size() < n) workers.resize(n);
    for (Worker& w : workers)
      if (!w.root) w.root = frame(0);
    return n;
  }
  Worker& worker(unsigned w) { return workers[w]; }

  // The numbers the frames of graph gi hold for `cols` batch columns: its computed values (every
  // one, or its shared buffers, each as large as the largest value it holds), the frames of
  // recurrent neurons' steps (two, or one per step when recorded; none for a fused step, whose
  // values have a buffer each and its output two) and of abstractions' bodies (over the basis
  // batch, with the basis and the widened captures). Below the top level, TopLevel keeps what
  // Live does.
  double stored(int gi, double cols, Keep keep) const {
    const std::size_t g = static_cast<std::size_t>(gi);
    const Graph& graph = net.graphs[g];
    double total = 0;
    if (keeps_every_value(gi, keep)) {
      for (const Node& n : graph.nodes)
        if (computes(n.op)) total += static_cast<double>(n.dim) * cols;
    } else {
      for (std::size_t b = 0; b < layout[g].buffer_count; ++b) total += static_cast<double>(buffer_dims[layout[g].buffers + b]) * cols;
    }
    const Keep below = keep == Keep::All ? Keep::All : Keep::Live;
    for (const Node& n : graph.nodes) {
      if (n.op == Op::Iterate) {
        const FusedStep& f = fused[static_cast<std::size_t>(n.sub)];
        if (below == Keep::Live && f.fused) {
          const FusedStep::Link* l = links_of(f);
          for (std::uint32_t j = 0; j < f.count; ++j) total += static_cast<double>(l[j].neuron->dim) * cols;
          if (f.count > 0) total += static_cast<double>(l[f.count - 1].neuron->dim) * cols;
        } else {
          total += (below == Keep::All ? net.depth + 1.0 : 2.0) * stored(n.sub, cols, below);
        }
      } else if (n.op == Op::Abstract) {
        const double a = static_cast<double>(n.cols), inner = cols * a;
        total += a * inner + stored(n.sub, inner, below);
        if (cols > 1)  // captures that vary over the batch are widened to the basis batch
          for (int c : n.args) total += static_cast<double>(graph.nodes[static_cast<std::size_t>(c)].dim) * inner;
      }
    }
    return total;
  }
  // Bytes a run on `batch` columns holds: the workers' frames (twice, values and adjoints, when
  // recorded for gradients) over a chunk each (the whole batch when not `chunked`), and the result.
  double bytes(Index batch, unsigned workers, Keep keep, bool chunked) const {
    const bool record = keep == Keep::All;
    const double cols = static_cast<double>(chunked ? std::min(batch, kChunkColumns) : batch);
    double& per = cols == 1 ? single[static_cast<int>(keep)] : per_column[static_cast<int>(keep)];
    if (per < 0) per = cols == 1 ? stored(0, 1.0, keep) : stored(0, 2.0, keep) / 2;
    const double held = cols == 1 ? per : per * cols;
    const double frames = static_cast<double>(workers) * (record ? 2.0 : 1.0) * held;
    double result = static_cast<double>(output_dim);
    if (record)
      for (Index d : input_dims) result += static_cast<double>(d);
    return 8.0 * (frames + result * static_cast<double>(batch));
  }
};

namespace {

// Runs graphs on frames: the forward pass, and (for a recorded run) the backward pass.
class Runner {
 public:
  Runner(const Plan::Impl& plan, const std::vector<Val>& params, Keep keep, std::vector<VectorXd>* param_adjoints)
      : plan_(plan), params_(params), keep_(keep), record_(keep == Keep::All), param_adjoints_(param_adjoints) {}

  // ---- forward ----
  void forward(int gi, Frame& f, const Val* inputs) {
    const Graph& g = graph(gi);
    const Plan::Impl::NodeSlots* slot = plan_.slots.data() + plan_.layout[static_cast<std::size_t>(gi)].first;
    // Every value in a buffer of its own, or in the buffer it shares (Plan::Impl::share_buffers).
    const bool keep_all = plan_.keeps_every_value(gi, keep_);
    if (keep_all && f.buffers.size() < g.nodes.size()) f.buffers.resize(g.nodes.size());  // (values stay: numbers do not move)
    for (std::size_t k = 0; k < g.inputs.size(); ++k) f.values[static_cast<std::size_t>(g.inputs[k])] = inputs[k];
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      auto arg = [&](std::size_t k) { return f.values[static_cast<std::size_t>(n.args[k])]; };
      switch (n.op) {
        case Op::Input: continue;  // bound above
        case Op::Param: f.values[i] = params_[static_cast<std::size_t>(slot[i].slot)]; continue;
        case Op::Const: f.values[i] = view(n.value); continue;
        default: break;
      }
      Buffer& out = f.buffers[keep_all ? i : static_cast<std::size_t>(slot[i].buffer)];
      switch (n.op) {
        case Op::Shift: shift(arg(0), out); break;
        case Op::Mix: mix(n, arg(0), arg(1), arg(2), out); break;
        case Op::Apply: apply(n, arg(0), arg(1), out); break;
        case Op::Iterate: iterate(n, f, out, f.nested[static_cast<std::size_t>(slot[i].slot)]); break;
        case Op::Abstract: abstract(n, f, out, f.nested[static_cast<std::size_t>(slot[i].slot)]); break;
        default: break;
      }
      f.values[i] = out.view();
    }
  }

  // if: c₀·t + c₁·u.
  static void mix(const Node& n, const Val& c, const Val& t, const Val& u, Buffer& into) {
    const Index b = cols_of({c, t, u});
    Buffer::Map out = into.shape(static_cast<Index>(n.dim), b);
    if (c.cols == 1 && t.cols == b && u.cols == b)  // one condition for the batch
      out = c.p[0] * t.m() + c.p[1] * u.m();
    else
      for (Index j = 0; j < b; ++j) out.col(j) = c.at(0, j) * t.col(j) + c.at(1, j) * u.col(j);
  }
  // succ: row k moves to row k+1; row D falls off.
  static void shift(const Val& x, Buffer& into) {
    Buffer::Map out = into.shape(x.rows, x.cols);
    out.row(0).setZero();
    out.bottomRows(x.rows - 1) = x.m().topRows(x.rows - 1);
  }
  // The matrix–vector product of an Apply node, f stored row-major.
  static void apply(const Node& n, const Val& fv, const Val& a, Buffer& into) {
    const Index rows = static_cast<Index>(n.rows), cs = static_cast<Index>(n.cols);
    if (fv.cols == 1) {
      product(fv.p, rows, cs, a.p, a.cols, into.shape(rows, a.cols).data(), false);  // one product for the batch
    } else {
      const Index b = cols_of({fv, a});
      Buffer::Map out = into.shape(rows, b);
      for (Index j = 0; j < b; ++j) product(fv.col(j).data(), rows, cs, a.col(j).data(), 1, out.col(j).data(), false);
    }
  }

  // The recurrent neuron: h₀ = b, h_{k+1} = step(h_k), out = Σ_k n_k h_k, for k up to the last
  // index where some column of n is non-zero (never past D).
  void iterate(const Node& n, Frame& f, Buffer& out, Nested& s) {
    const Val count = f.values[static_cast<std::size_t>(n.args[1])];
    if (s.inputs.size() != n.args.size() - 1) s.inputs.resize(n.args.size() - 1);
    for (std::size_t k = 2; k < n.args.size(); ++k) s.inputs[k - 1] = f.values[static_cast<std::size_t>(n.args[k])];
    // Forward only: stop at the last count row that is non-zero anywhere in the batch. Recorded
    // for gradients: every row, since ∂out/∂n_k = h_k whatever n_k is.
    Index last = record_ ? count.rows - 1 : -1;
    for (Index k = count.rows - 1; k >= 0 && last < 0; --k)
      for (Index j = 0; j < count.cols && last < 0; ++j)
        if (count.p[j * count.rows + k] != 0.0) last = k;
    Val h = f.values[static_cast<std::size_t>(n.args[0])];
    out.shape(h.rows, std::max(h.cols, count.cols)).setZero();
    s.states.clear();
    const Graph& step = graph(n.sub);
    const FusedStep& fused = plan_.fused[static_cast<std::size_t>(n.sub)];
    if (!record_ && fused.fused) {
      // A step of mixes, products and shifts (Plan::Impl::fuse): their arithmetic in a loop, the
      // same numbers without a frame per step. The states alternate between links[0] and
      // links[1]; link j before the last writes links[2 + j]. The identity has no link, and
      // every state is the first.
      using From = FusedStep::Operand::From;
      const std::size_t links = fused.count;
      const FusedStep::Link* link_of = plan_.links_of(fused);
      if (links > 0 && s.links.size() != links + 1) s.links.resize(links + 1);
      // Link j's operands are operands[3j ...]: those the same at every step resolved here, the
      // others (the state, earlier links) at each step; its value is operands[3 links + j].
      if (s.operands.size() != 4 * links) s.operands.resize(4 * links);
      Val* link_values = s.operands.data() + 3 * links;
      for (std::size_t j = 0; j < links; ++j)
        for (std::size_t a = 0; a < link_of[j].arity; ++a) {
          const FusedStep::Operand& o = link_of[j].args[a];
          Val& v = s.operands[3 * j + a];
          if (o.from == From::Param) v = params_[static_cast<std::size_t>(o.index)];
          else if (o.from == From::Const) v = view(step.nodes[static_cast<std::size_t>(o.index)].value);
          else if (o.from == From::Capture) v = s.inputs[static_cast<std::size_t>(o.index)];
        }
      for (Index k = 0; k <= last; ++k) {
        if (k > 0 && links > 0) {
          Val value;  // (the last link's is the next state, kept in registers)
          for (std::size_t j = 0; j < links; ++j) {
            const FusedStep::Link& link = link_of[j];
            Val* a = s.operands.data() + 3 * j;
            for (std::size_t i = 0; i < link.arity; ++i) {
              if (link.args[i].from == From::State) a[i] = h;
              else if (link.args[i].from == From::Link) a[i] = link_values[link.args[i].index];
            }
            Buffer& into = j + 1 == links ? s.links[static_cast<std::size_t>(k & 1)] : s.links[2 + j];
            if (link.neuron->op == Op::Shift) shift(a[0], into);
            else if (link.neuron->op == Op::Apply) apply(*link.neuron, a[0], a[1], into);
            else mix(*link.neuron, a[0], a[1], a[2], into);
            value = into.view();
            link_values[j] = value;
          }
          h = value;
        }
        add_weighted(out, count, k, h);
      }
      return;
    }
    for (Index k = 0; k <= last; ++k) {
      if (k > 0) {
        s.inputs[0] = h;
        // Unrecorded: two frames alternate, so step k reads h_{k-1} from the other one.
        Frame& frame = nested_frame(s.steps, record_ ? static_cast<std::size_t>(k - 1) : static_cast<std::size_t>(k & 1), n.sub);
        forward(n.sub, frame, s.inputs.data());
        h = frame.values[static_cast<std::size_t>(step.output)];
      }
      add_weighted(out, count, k, h);
      if (record_) s.states.push_back(h);
    }
  }

  // out(:, b) += n(k, b) · h(:, b), broadcasting either side (out, one column so far, is widened
  // to h's batch).
  static void add_weighted(Buffer& into, const Val& count, Index k, const Val& h) {
    const Index width = std::max(count.cols, h.cols);
    if (into.cols() < width) {
      Buffer::Map wider = into.shape(h.rows, width);  // (column 0 kept)
      wider.rightCols(width - 1) = wider.col(0).replicate(1, width - 1);
    }
    Buffer::Map out = into.m();
    if (count.cols == 1) {  // one weight for the batch: one operation on the whole matrix
      const double w = count.p[k];
      if (w == 0.0) return;
      if (h.cols == out.cols()) out += w * h.m();
      else out.colwise() += w * h.col(0);
      return;
    }
    for (Index j = 0; j < out.cols(); ++j) {
      const double w = count.at(k, j);
      if (w != 0.0) out.col(j) += w * h.col(j);
    }
  }

  // The materialized abstraction: the body runs once on a batch of basis vectors (per column of
  // the captures), and column j of the result is the body at e_j.
  void abstract(const Node& n, Frame& f, Buffer& into, Nested& s) {
    const Index a = static_cast<Index>(n.cols), rows = static_cast<Index>(n.rows);
    Index outer = 1;
    for (int c : n.args) outer = std::max(outer, f.values[static_cast<std::size_t>(c)].cols);
    s.owned.resize(1 + n.args.size());
    s.inputs.resize(1 + n.args.size());
    // e_0 .. e_{a-1}, once per capture column: the thread's shared copy when small, else kept
    // between runs by this neuron.
    if (const MatrixXd* shared = shared_basis(a, outer)) {
      s.inputs[0] = view(*shared);
    } else {
      MatrixXd& basis = s.owned[0];
      if (basis.rows() != a || basis.cols() != a * outer) identity_blocks(basis, a, outer);
      s.inputs[0] = view(basis);
    }
    for (std::size_t k = 0; k < n.args.size(); ++k) {
      const Val c = f.values[static_cast<std::size_t>(n.args[k])];
      if (c.cols == 1) {
        s.inputs[k + 1] = c;
      } else {
        MatrixXd& wide = s.owned[k + 1];
        wide.resize(c.rows, outer * a);
        for (Index b = 0; b < outer; ++b) wide.middleCols(b * a, a) = c.col(b).replicate(1, a);
        s.inputs[k + 1] = view(wide);
      }
    }
    if (!s.body) s.body = plan_.frame(n.sub);
    forward(n.sub, *s.body, s.inputs.data());
    const Val r = s.body->values[static_cast<std::size_t>(graph(n.sub).output)];
    Buffer::Map out = into.shape(rows * a, outer);
    for (Index b = 0; b < outer; ++b) {  // column b of out is R_b (rows × a), stored row-major
      Eigen::Map<RowMajor> dest(out.col(b).data(), rows, a);
      if (r.cols == 1)
        dest = r.col(0).replicate(1, a);
      else
        dest = r.m().middleCols(b * a, a);
    }
    s.outer_batch = outer;
  }

  // outer identity matrices of size a, side by side.
  static void identity_blocks(MatrixXd& basis, Index a, Index outer) {
    basis.setZero(a, a * outer);
    for (Index b = 0; b < outer; ++b)
      for (Index j = 0; j < a; ++j) basis(j, b * a + j) = 1.0;
  }
  // The basis batch of an abstraction on a-dimensional arguments with `outer` capture columns,
  // made once per thread and shared by every plan it runs (a one-shot run, as the fuzz campaigns
  // and check make, would otherwise build it each time): bodies only read their inputs, and a
  // basis once made is never moved or freed while the thread lives, so a view of it stays valid.
  // Only small ones are kept (at most kSharedBasis numbers each, kSharedBases in all); null for
  // the others.
  static const MatrixXd* shared_basis(Index a, Index outer) {
    static constexpr Index kSharedBasis = Index{1} << 16, kSharedBases = Index{1} << 18;
    struct Kept {
      std::vector<std::unique_ptr<MatrixXd>> bases;
      Index numbers = 0;
    };
    static thread_local Kept kept;
    for (const auto& m : kept.bases)
      if (m->rows() == a && m->cols() == a * outer) return m.get();
    const Index numbers = a * a * outer;
    if (numbers > kSharedBasis || kept.numbers + numbers > kSharedBases) return nullptr;
    auto m = std::make_unique<MatrixXd>();
    identity_blocks(*m, a, outer);
    kept.numbers += numbers;
    kept.bases.push_back(std::move(m));
    return kept.bases.back().get();
  }

  // ---- backward ----
  // Given the adjoint of the graph's output, leaves the adjoints of its inputs in
  // input_adjoint(gi, f, k) (and adds the params' adjoints into *param_adjoints).
  void backward(int gi, Frame& f, const Val& output_adjoint) {
    const Graph& g = graph(gi);
    f.adjoints.resize(g.nodes.size());
    f.has_adjoint.assign(g.nodes.size(), 0);
    auto adjoint = [&](int id) -> MatrixXd& { return adjoint_of(f, id); };
    accumulate(adjoint(g.output), output_adjoint.m());
    for (std::size_t i = g.nodes.size(); i-- > 0;) {
      if (!f.has_adjoint[i]) continue;  // does not reach the output
      const Node& n = g.nodes[i];
      const MatrixXd& dout = f.adjoints[i];
      auto value = [&](std::size_t k) { return f.values[static_cast<std::size_t>(n.args[k])]; };
      switch (n.op) {
        case Op::Input:
        case Op::Const: break;
        case Op::Param: (*param_adjoints_)[plan_.slot(gi, i)] += dout.rowwise().sum(); break;
        case Op::Shift: {
          MatrixXd d = MatrixXd::Zero(dout.rows(), dout.cols());
          d.topRows(dout.rows() - 1) = dout.bottomRows(dout.rows() - 1);
          accumulate(adjoint(n.args[0]), d);
          break;
        }
        case Op::Mix: {
          const Val c = value(0), t = value(1), u = value(2);
          const Index b = dout.cols();
          MatrixXd dc(2, b), dt(t.rows, b), du(u.rows, b);
          for (Index j = 0; j < b; ++j) {
            dc(0, j) = t.col(j).dot(dout.col(j));
            dc(1, j) = u.col(j).dot(dout.col(j));
            dt.col(j) = c.at(0, j) * dout.col(j);
            du.col(j) = c.at(1, j) * dout.col(j);
          }
          accumulate(adjoint(n.args[0]), dc);
          accumulate(adjoint(n.args[1]), dt);
          accumulate(adjoint(n.args[2]), du);
          break;
        }
        case Op::Apply: backward_apply(n, f, dout, adjoint); break;
        case Op::Iterate: backward_iterate(n, f, f.nested[plan_.slot(gi, i)], dout, adjoint); break;
        case Op::Abstract: backward_abstract(n, f, f.nested[plan_.slot(gi, i)], dout, adjoint); break;
      }
    }
  }

  // The adjoint of input k of graph gi after backward (zero when it does not reach the output).
  MatrixXd& input_adjoint(int gi, Frame& f, std::size_t k) { return adjoint_of(f, graph(gi).inputs[k]); }

 private:
  const Plan::Impl& plan_;
  const std::vector<Val>& params_;
  Keep keep_;
  bool record_;  // keep_ == Keep::All
  std::vector<VectorXd>* param_adjoints_;

  const Graph& graph(int gi) const { return plan_.net.graphs[static_cast<std::size_t>(gi)]; }

  Frame& nested_frame(std::vector<std::unique_ptr<Frame>>& frames, std::size_t k, int gi) {
    if (frames.size() <= k) frames.resize(k + 1);
    if (!frames[k]) frames[k] = plan_.frame(gi);
    return *frames[k];
  }

  static MatrixXd& adjoint_of(Frame& f, int id) {
    const std::size_t i = static_cast<std::size_t>(id);
    if (!f.has_adjoint[i]) {
      f.adjoints[i].setZero(f.values[i].rows, f.values[i].cols);
      f.has_adjoint[i] = 1;
    }
    return f.adjoints[i];
  }

  template <class Adjoint>
  void backward_apply(const Node& n, Frame& f, const MatrixXd& dout, Adjoint& adjoint) {
    const Val fv = f.values[static_cast<std::size_t>(n.args[0])], a = f.values[static_cast<std::size_t>(n.args[1])];
    const Index rows = static_cast<Index>(n.rows), cs = static_cast<Index>(n.cols);
    if (fv.cols == 1) {  // f shared by the batch: out = F·a has a's columns
      MatrixXd& da = adjoint(n.args[1]);
      MatrixXd& df = adjoint(n.args[0]);
      kernels::Gemm g;  // da += Fᵀ · dout  (Fᵀ: F's row-major storage read column-major)
      g.m = cs, g.n = dout.cols(), g.k = rows;
      g.a = fv.p, g.lda = cs;
      g.b = dout.data(), g.ldb = rows;
      g.c = da.data(), g.ldc = cs, g.accumulate = true;
      kernels::kernels().gemm(g);
      // dF += Σ_b dout_b a_bᵀ, one product: F's row-major storage is the column-major cs × rows
      // matrix a · doutᵀ.
      kernels::Gemm h;
      h.m = cs, h.n = rows, h.k = dout.cols();
      h.a = a.p, h.lda = cs;
      h.b = dout.data(), h.ldb = rows, h.b_row_major = true;
      h.c = df.data(), h.ldc = cs, h.accumulate = true;
      kernels::kernels().gemm(h);
    } else {
      const Index b = dout.cols();
      MatrixXd da(cs, b), df(rows * cs, b);
      for (Index j = 0; j < b; ++j) {
        Eigen::Map<const RowMajor> fm(fv.col(j).data(), rows, cs);
        da.col(j) = fm.transpose() * dout.col(j);
        Eigen::Map<RowMajor> outer(df.col(j).data(), rows, cs);
        outer = dout.col(j) * a.col(j).transpose();
      }
      accumulate(adjoint(n.args[0]), df);
      accumulate(adjoint(n.args[1]), da);
    }
  }

  // Back-propagation through time: g_K = n_K ⊙ dout; g_{k-1} = n_{k-1} ⊙ dout + stepᵀ(g_k);
  // the base receives g_0 and n_k receives h_k · dout.
  template <class Adjoint>
  void backward_iterate(const Node& n, Frame& f, Nested& s, const MatrixXd& dout, Adjoint& adjoint) {
    const Val count = f.values[static_cast<std::size_t>(n.args[1])];
    const Index last = static_cast<Index>(s.states.size()) - 1;
    MatrixXd dcount = MatrixXd::Zero(count.rows, dout.cols());
    for (Index k = 0; k <= last; ++k)
      for (Index j = 0; j < dout.cols(); ++j) dcount(k, j) = s.states[static_cast<std::size_t>(k)].col(j).dot(dout.col(j));
    accumulate(adjoint(n.args[1]), dcount);
    if (last < 0) return;
    auto weighted = [&](Index k) {
      MatrixXd w = dout;
      for (Index j = 0; j < w.cols(); ++j) w.col(j) *= count.at(k, j);
      return w;
    };
    MatrixXd g = weighted(last);
    for (Index k = last; k >= 1; --k) {
      Frame& step = *s.steps[static_cast<std::size_t>(k - 1)];
      backward(n.sub, step, view(g));
      for (std::size_t c = 1; c < n.args.size() - 1; ++c) accumulate(adjoint(n.args[c + 1]), input_adjoint(n.sub, step, c));
      // The state's adjoint has the shape of h_{k-1}: summed over the batch when h_{k-1} is shared.
      const MatrixXd& d0 = input_adjoint(n.sub, step, 0);
      MatrixXd next = weighted(k - 1);
      if (d0.cols() == 1 && next.cols() != 1) next = next.rowwise().sum().eval();
      accumulate(next, d0);
      g = std::move(next);
    }
    accumulate(adjoint(n.args[0]), g);
  }

  template <class Adjoint>
  void backward_abstract(const Node& n, Frame& f, Nested& s, const MatrixXd& dout, Adjoint& adjoint) {
    const Index a = static_cast<Index>(n.cols), rows = static_cast<Index>(n.rows), outer = s.outer_batch;
    MatrixXd dr(rows, outer * a);
    for (Index b = 0; b < outer; ++b)
      dr.middleCols(b * a, a) = Eigen::Map<const RowMajor>(dout.col(dout.cols() == 1 ? 0 : b).data(), rows, a);
    backward(n.sub, *s.body, view(dr));
    for (std::size_t k = 0; k < n.args.size(); ++k) {
      const MatrixXd& dc = input_adjoint(n.sub, *s.body, k + 1);
      const Val c = f.values[static_cast<std::size_t>(n.args[k])];
      if (c.cols == 1) {
        accumulate(adjoint(n.args[k]), dc.rowwise().sum());
      } else {
        MatrixXd folded(dc.rows(), outer);
        for (Index b = 0; b < outer; ++b) folded.col(b) = dc.middleCols(b * a, a).rowwise().sum();
        accumulate(adjoint(n.args[k]), folded);
      }
    }
  }
};

// The checks of a run's arguments against the plan's network: count, dimensions, batch sizes,
// values, params, and the memory the run needs. Returns the batch size.
Index check_args(Plan::Impl& plan, const NetworkArgs& args, Keep keep, bool chunked = true) {
  std::vector<Val>& params = plan.params;
  const Network& net = plan.net;
  if (net.graphs.empty() || !net.output_type) throw EngineError{"the network is empty (it has no graph or no output type)"};
  if (args.inputs.size() != net.inputs.size())
    throw EngineError{"the network takes " + std::to_string(net.inputs.size()) + " input" + (net.inputs.size() == 1 ? "" : "s") +
                      ", got " + std::to_string(args.inputs.size())};
  Index batch = 1;
  for (std::size_t k = 0; k < args.inputs.size(); ++k) {
    const Index want = plan.input_dims[k];
    const MatrixXd& m = args.inputs[k];
    if (m.rows() != want)
      throw EngineError{"input " + net.inputs[k].name + " needs " + std::to_string(want) + " rows, got " + std::to_string(m.rows())};
    if (m.cols() == 0) throw EngineError{"input " + net.inputs[k].name + " has no columns"};
    if (m.cols() != 1) {
      if (batch != 1 && batch != m.cols()) throw EngineError{"inputs have different batch sizes"};
      batch = m.cols();
    }
    if (!m.allFinite()) throw EngineError{"input " + net.inputs[k].name + " has a value that is not finite"};
  }
  // The estimate before the run (of what its frames hold, on the threads it will use).
  if (const double bytes = plan.bytes(batch, chunked ? plan.prepare_count(batch) : 1u, keep, chunked); bytes > static_cast<double>(memory_budget()))
    throw EngineError{over_budget("running this network on a batch of " + std::to_string(batch), bytes)};
  params.clear();
  for (std::size_t p = 0; p < plan.param_names.size(); ++p) {
    const std::string& name = *plan.param_names[p];
    auto it = args.params.find(name);
    if (it == args.params.end()) throw EngineError{"param `" + name + "` has no value"};
    if (it->second.size() != plan.param_dims[p])
      throw EngineError{"param `" + name + "` needs " + std::to_string(plan.param_dims[p]) + " values, got " +
                        std::to_string(it->second.size())};
    params.push_back(view(it->second));
  }
  return batch;
}

Eigen::VectorXd mass_lost(const Plan::Impl& plan, const MatrixXd& output) {
  // A vector has no mass to conserve: for a Vec in the output the check does not apply.
  if (!plan.conserves_mass) return VectorXd::Zero(output.cols());
  VectorXd lost(output.cols());
  for (Index b = 0; b < output.cols(); ++b) lost(b) = plan.expected_mass - output.col(b).sum();
  return lost;
}

// Columns [first, first + n) of a value, or the value itself when it is shared by the batch.
Val columns(const Val& v, Index first, Index n) { return v.cols == 1 ? v : Val{v.p + first * v.rows, v.rows, n}; }

// Binds a worker's top-level inputs to columns [first, first + n) of the arguments.
void bind_chunk(Plan::Impl::Worker& worker, const NetworkArgs& args, Index first, Index n) {
  worker.inputs.clear();
  for (const MatrixXd& x : args.inputs) worker.inputs.push_back(columns(view(x), first, n));
}

// Copies chunk c's output y into the batch's output (sized by chunk 0: one column when the output
// does not vary over the batch).
void gather(MatrixXd& out, const Val& y, Index c, Index batch) {
  if (c == 0) out.resize(y.rows, y.cols == 1 ? 1 : batch);
  if (y.cols != 1 || c == 0) out.middleCols(c * Plan::kChunkColumns, y.cols) = y.m();
}

// Runs every chunk of a batch: work(worker, chunk, first column, columns) computes the chunk,
// then add(chunk) folds its result in, in chunk order (whichever thread computed it).
template <class Work, class Add>
void for_each_chunk(unsigned workers, Index batch, Work work, Add add) {
  const Index chunks = (batch + Plan::kChunkColumns - 1) / Plan::kChunkColumns;
  auto span = [&](Index c) { return std::pair{c * Plan::kChunkColumns, std::min(Plan::kChunkColumns, batch - c * Plan::kChunkColumns)}; };
  if (workers <= 1) {
    for (Index c = 0; c < chunks; ++c) {
      auto [first, n] = span(c);
      work(0u, c, first, n);
      add(0u, c);
    }
    return;
  }
  std::atomic<Index> next{0};
  std::mutex m;
  std::condition_variable turn;
  Index to_add = 0;
  std::exception_ptr failure;
  auto loop = [&](unsigned w) {
    for (Index c = next++; c < chunks; c = next++) {
      auto [first, n] = span(c);
      std::exception_ptr mine;
      try {
        work(w, c, first, n);
      } catch (...) {
        mine = std::current_exception();
      }
      std::unique_lock lock(m);
      turn.wait(lock, [&] { return to_add == c; });
      if (mine && !failure) failure = mine;
      if (!failure) {
        try {
          add(w, c);
        } catch (...) {
          failure = std::current_exception();
        }
      }
      ++to_add;
      turn.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < workers; ++w) pool.emplace_back(loop, w);
  loop(0);
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

Plan::Plan(const Network& net, unsigned threads) : impl_(std::make_unique<Impl>(net, threads)) {}
Plan::Plan(Plan&&) noexcept = default;
Plan& Plan::operator=(Plan&&) noexcept = default;
Plan::~Plan() = default;

const Network& Plan::network() const { return impl_->net; }

Result<NetworkRun> Plan::run(const NetworkArgs& args) {
  Impl& plan = *impl_;
  try {
    const Index batch = check_args(plan, args, Keep::Live);
    const std::vector<Val>& params = plan.params;
    const Graph& top = plan.net.graphs[0];
    const unsigned workers = plan.prepare(batch);
    MatrixXd out;
    for_each_chunk(
        workers, batch,
        [&](unsigned w, Index, Index first, Index n) {
          Impl::Worker& worker = plan.worker(w);
          bind_chunk(worker, args, first, n);
          Runner(plan, params, Keep::Live, nullptr).forward(0, *worker.root, worker.inputs.data());
        },
        [&](unsigned w, Index c) { gather(out, plan.worker(w).root->values[static_cast<std::size_t>(top.output)], c, batch); });
    VectorXd lost = mass_lost(plan, out);
    return Result<NetworkRun>::success(NetworkRun{std::move(out), std::move(lost)});
  } catch (const EngineError& e) {
    return Result<NetworkRun>::failure(error_at(Span{}, e.message));
  }
}

Result<NetworkGradients> Plan::gradient(const NetworkArgs& args, const MatrixXd& cotangent) {
  using R = Result<NetworkGradients>;
  Impl& plan = *impl_;
  const Network& net = plan.net;
  try {
    const Index batch = check_args(plan, args, Keep::All);
    const std::vector<Val>& params = plan.params;
    if (cotangent.rows() != plan.output_dim)
      throw EngineError{"the cotangent needs " + std::to_string(plan.output_dim) + " rows"};
    if (cotangent.cols() != 1 && cotangent.cols() != batch)
      throw EngineError{"the cotangent's batch does not match the output's"};
    if (!cotangent.allFinite()) throw EngineError{"the cotangent has a value that is not finite"};
    const Graph& top = net.graphs[0];
    NetworkGradients g;
    MatrixXd out;
    for (std::size_t k = 0; k < args.inputs.size(); ++k) g.inputs.push_back(MatrixXd::Zero(args.inputs[k].rows(), args.inputs[k].cols()));
    std::vector<VectorXd> param_sums;
    for (Index d : plan.param_dims) param_sums.push_back(VectorXd::Zero(d));
    const unsigned workers = plan.prepare(batch);
    for_each_chunk(
        workers, batch,
        [&](unsigned w, Index, Index first, Index n) {
          Impl::Worker& worker = plan.worker(w);
          worker.param_adjoints.clear();
          for (Index d : plan.param_dims) worker.param_adjoints.push_back(VectorXd::Zero(d));
          bind_chunk(worker, args, first, n);
          Runner runner(plan, params, Keep::All, &worker.param_adjoints);
          runner.forward(0, *worker.root, worker.inputs.data());
          const Val y = worker.root->values[static_cast<std::size_t>(top.output)];
          // A single cotangent column stands for the same cotangent in every column of the output.
          Val seed = columns(view(cotangent), first, n);
          MatrixXd wide;
          if (seed.cols == 1 && y.cols != 1) {
            wide = seed.m().replicate(1, y.cols);
            seed = view(wide);
          }
          runner.backward(0, *worker.root, seed);
        },
        [&](unsigned w, Index c) {
          Impl::Worker& worker = plan.worker(w);
          Frame& f = *worker.root;
          gather(out, f.values[static_cast<std::size_t>(top.output)], c, batch);
          for (std::size_t k = 0; k < top.inputs.size(); ++k) {
            const std::size_t id = static_cast<std::size_t>(top.inputs[k]);
            if (!f.has_adjoint[id]) continue;
            const MatrixXd& d = f.adjoints[id];
            if (g.inputs[k].cols() == 1)
              g.inputs[k] += d;  // shared by the batch: the sum over the chunks, in chunk order
            else
              g.inputs[k].middleCols(c * kChunkColumns, d.cols()) = d;
          }
          for (std::size_t p = 0; p < param_sums.size(); ++p) param_sums[p] += worker.param_adjoints[p];
        });
    VectorXd lost = mass_lost(plan, out);
    g.run = NetworkRun{std::move(out), std::move(lost)};
    for (std::size_t p = 0; p < plan.param_names.size(); ++p) g.params.emplace(*plan.param_names[p], std::move(param_sums[p]));
    for (const NetworkInput& p : net.params)
      if (args.params.count(p.name) && !g.params.count(p.name))
        g.params.emplace(p.name, VectorXd::Zero(args.params.at(p.name).size()));
    return R::success(std::move(g));
  } catch (const EngineError& e) {
    return R::failure(error_at(Span{}, e.message));
  }
}

namespace {
// The whole batch in one frame, on this thread (for the per-neuron views of a run).
Frame& forward_unchunked(Plan::Impl& plan, const NetworkArgs& args, Keep keep) {
  check_args(plan, args, keep, false);
  plan.prepare(1);
  std::vector<Val>& inputs = plan.worker(0).inputs;
  inputs.clear();
  for (const MatrixXd& x : args.inputs) inputs.push_back(view(x));
  Frame& f = *plan.worker(0).root;
  Runner(plan, plan.params, keep, nullptr).forward(0, f, inputs.data());
  return f;
}
}  // namespace

Result<std::vector<MatrixXd>> Plan::top_level_values(const NetworkArgs& args) {
  using R = Result<std::vector<MatrixXd>>;
  Impl& plan = *impl_;
  try {
    Frame& f = forward_unchunked(plan, args, Keep::TopLevel);
    std::vector<MatrixXd> out;
    for (const Val& v : f.values) out.push_back(v.m());
    return R::success(std::move(out));
  } catch (const EngineError& e) {
    return R::failure(error_at(Span{}, e.message));
  }
}

Result<std::vector<NeuronTrace>> Plan::trace(const NetworkArgs& args) {
  using R = Result<std::vector<NeuronTrace>>;
  Impl& plan = *impl_;
  try {
    Frame& f = forward_unchunked(plan, args, Keep::All);  // recorded: every state
    const Graph& g = plan.net.graphs[0];
    std::vector<NeuronTrace> out;
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      NeuronTrace t;
      t.node = static_cast<int>(i);
      t.value = f.values[i].col(0);
      if (g.nodes[i].op == Op::Iterate) {
        for (const Val& h : f.nested[plan.slot(0, i)].states) t.states.push_back(h.col(0));
        t.weights = f.values[static_cast<std::size_t>(g.nodes[i].args[1])].col(0);
      }
      out.push_back(std::move(t));
    }
    return R::success(std::move(out));
  } catch (const EngineError& e) {
    return R::failure(error_at(Span{}, e.message));
  }
}

std::size_t Plan::fused_steps() const {
  return static_cast<std::size_t>(std::count_if(impl_->fused.begin(), impl_->fused.end(),
                                                [](const FusedStep& f) { return f.fused; }));
}

const char* engine_kernels() { return kernels::kernels().name; }

Result<NetworkRun> run_network(const Network& net, const NetworkArgs& args) { return Plan(net).run(args); }

Result<std::vector<MatrixXd>> top_level_values(const Network& net, const NetworkArgs& args) {
  return Plan(net).top_level_values(args);
}

Result<std::vector<NeuronTrace>> trace_network(const Network& net, const NetworkArgs& args) { return Plan(net).trace(args); }

Result<NetworkGradients> gradient(const Network& net, const NetworkArgs& args, const MatrixXd& cotangent) {
  return Plan(net).gradient(args, cotangent);
}

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

}  // namespace cajal
