// Translation validation with Z3 (include/cajal/prove/prove.hpp).
#include "cajal/prove/prove.hpp"

#include <z3++.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <type_traits>
#include <set>
#include <sstream>

#include "cajal/compile/compile.hpp"
#include "cajal/network/encode.hpp"
#include "cajal/network/engine.hpp"
#include "cajal/smt/context.hpp"
#include "cajal/smt/solver.hpp"
#include "cajal/syntax/print.hpp"
#include "symbolic.hpp"

namespace cajal {

namespace {

using namespace symbolic;

// Scalars are whole numbers or Z3 terms (Sides<MixedArith>) or, for a program with real inputs,
// polynomials in them (Sides<PolyArith>, whose coefficients must all agree).
template <class Arith>
struct Sides {
  using Vector = std::vector<typename Arith::Scalar>;
  struct Leaf {  // a value that is not a function, on both sides
    z3::expr over;
    Vector net, want;
  };
  z3::context& ctx;
  SourceSemantics& src;
  Arith& arith;
  int depth;
  std::vector<Leaf> leaves = {};  // every comparison made, for a counterexample's witness

  Vector encoding(const SVal& v) {
    if constexpr (std::is_same_v<Arith, PolyArith>) {
      return encode_poly(arith, v, depth);
    } else {
      Vector out;
      for (const z3::expr& x : encode(ctx, v, depth)) out.push_back(MixedArith::of(x));
      return out;
    }
  }
  z3::expr differ(const typename Arith::Scalar& a, const typename Arith::Scalar& b) {
    if constexpr (std::is_same_v<Arith, PolyArith>) {
      return arith.differ(a, b);
    } else {
      if (!a.term && !b.term) return ctx.bool_val(a.whole != b.whole);
      return arith.term(a) != arith.term(b);
    }
  }

  // Where the network's output `net` (of type t) differs from the source value `v` on a run that
  // stays within D: a disjunction, one case per column of a function's table (for a function on
  // Vec n, per unit vector: both sides are linear in it).
  z3::expr differs(const SVal& v, const Vector& net, const Type& t) {
    if (!t.is_arrow()) {
      Vector want = encoding(v);
      z3::expr_vector any(ctx);
      for (std::size_t k = 0; k < want.size(); ++k) any.push_back(differ(net[k], want[k]));
      // A soft value is compared whole: what it dropped past D, the network drops too (the
      // claim of spec/denotation.md §8.6); a value that left D is outside the claim.
      z3::expr outside = v.kind == SVal::Kind::Soft ? ctx.bool_val(false) : *v.over;
      leaves.push_back(Leaf{outside, net, want});
      return !outside && z3::mk_or(any);
    }
    const std::size_t cols = dimension(*t.from, depth), rows = dimension(*t.to, depth);
    z3::expr_vector any(ctx);
    for (std::size_t j = 0; j < cols; ++j) {
      Vector column;
      for (std::size_t r = 0; r < rows; ++r) column.push_back(net[matrix_index(cols, r, j)]);
      any.push_back(differs(src.apply(v, src.basis(*t.from, j)), column, *t.to));
    }
    return z3::mk_or(any);
  }
};

// The first neuron of the top-level graph, in evaluation order, whose value is not the encoding of
// its term's value on the counterexample. Only terms directly in main's body (not under a binder
// other than main's own parameters) are compared, with booleans and naturals as inputs; "" when
// none can be located that way.
std::string first_disagreement(const LoadedProgram& program, const Network& net, const NetworkArgs& args,
                               const std::vector<std::pair<std::string, SVal>>& unknowns, const z3::model& m, int depth) {
  const Def* main = program.program.find_def("main");
  std::set<const Term*> top;
  const Term* body = main->body.get();
  for (std::size_t k = 0; k < net.inputs.size() && body->is<Lam>(); ++k) body = body->as<Lam>()->body.get();
  std::vector<const Term*> todo{body};
  while (!todo.empty()) {
    const Term* t = todo.back();
    todo.pop_back();
    top.insert(t);
    if (const App* a = t->as<App>()) todo.insert(todo.end(), {a->fn.get(), a->arg.get()});
    if (const If* i = t->as<If>()) todo.insert(todo.end(), {i->cond.get(), i->then_branch.get(), i->else_branch.get()});
    if (const Succ* s = t->as<Succ>()) todo.push_back(s->arg.get());
    if (const Iter* it = t->as<Iter>()) todo.insert(todo.end(), {it->base.get(), it->count.get()});
    if (const Let* l = t->as<Let>()) todo.push_back(l->bound.get());
  }
  Env env;
  std::map<std::string, ValuePtr> params;
  for (const auto& [name, v] : unknowns) {
    ValuePtr value;
    if (v.kind == SVal::Kind::Bool) value = make_bool(m.eval(*v.value, true).is_true());
    else if (v.kind == SVal::Kind::Nat) value = make_nat(m.eval(*v.value, true).get_numeral_uint64());
    else return "";  // a function input: the interpreter cannot take its table
    if (program.program.find_param(name)) params.emplace(name, value);
    else env = env.bind(name, value);
  }
  Evaluator ev(program.program, params);
  Result<std::vector<Eigen::MatrixXd>> values = top_level_values(net, args);
  if (!values) return "";
  const Graph& g = net.graphs[0];
  std::map<const Term*, std::size_t> value_node;  // a term's value is its last neuron (helpers come first)
  for (std::size_t i = 0; i < g.nodes.size(); ++i)
    if (g.nodes[i].term) value_node[g.nodes[i].term] = i;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (!n.term || !top.count(n.term) || value_node[n.term] != i || n.op == Op::Input || n.op == Op::Param) continue;
    TypePtr type = program.checked.types.of(*n.term);
    if (!type || (type->is_arrow() && type->from->is_arrow())) continue;
    Result<ValuePtr> v = ev.eval(*n.term, env);
    if (!v) continue;
    Result<Eigen::VectorXd> want = encode_value(*v, *type, depth, ev);
    if (!want) continue;
    Eigen::VectorXd got = (*values)[i].col(0);
    if (got.size() != want->size() || got == *want) continue;
    std::string where = n.term->span.known() ? " at " + n.term->span.line_col() : "";
    auto shown = [&](const Eigen::VectorXd& x) {
      std::optional<std::string> d = decode(x, *type, depth);
      return d ? *d : vector_text(x);
    };
    return "`" + print_term_brief(*n.term, 60) + "`" + where + " (" + n.rule + "): the program gives " + shown(*want) +
           ", its neuron " + shown(got);
  }
  return "";
}

}  // namespace

namespace {
// The depth cap (kMaxProveDepth), checked before anything is compiled or asked.
std::optional<Diagnostic> depth_out_of_range(const ProveOptions& options) {
  if (options.depth <= kMaxProveDepth) return std::nullopt;
  return error_at(Span{}, "`cajal prove` handles depths up to " + std::to_string(kMaxProveDepth) + ", got " +
                              std::to_string(options.depth));
}
}  // namespace

Result<ProveResult> prove_program(const LoadedProgram& program, const ProveOptions& options) {
  if (std::optional<Diagnostic> d = depth_out_of_range(options)) return Result<ProveResult>::failure(std::move(*d));
  CompileOptions compile;
  compile.depth = options.depth;
  compile.annotate = false;
  Result<Network> net = compile_program(program, compile);
  if (!net) return Result<ProveResult>::failure(std::move(net.diagnostics));
  if (options.rewrite) options.rewrite(*net);
  return prove_network(program, *net, options);
}

namespace {

// The unknowns of the obligation: every param and every network input as a symbolic value
// (booleans, naturals ≤ D, tables of functions on Bool or Nat, vectors and matrices as polynomials
// in real unknowns), their encodings, and main's value applied to them under the symbolic
// big-step rules. A param given a value (ProveOptions::params) is that constant instead.
struct ProofInputs {
  bool real = false;                                   // some input or param involves Vec: scalars are polynomials
  std::vector<std::string> reals;                      // the real unknowns' names, by index
  std::vector<std::pair<std::string, SVal>> unknowns;  // name, symbolic value (for the model), params first
  std::vector<z3::expr> leaves;                        // every boolean and integer unknown
  std::map<std::string, SVec> param_vectors;           // the encodings, without reals...
  std::vector<SVec> input_vectors;
  std::map<std::string, PVec> param_polys;             // ...and with them
  std::vector<PVec> input_polys;
  std::optional<SourceSemantics> source;               // the big-step rules, with the params bound
  std::optional<SVal> value;                           // main applied to the inputs
};

// The double x as an exact Z3 rational (a double is m · 2^e with m an integer).
z3::expr exact(z3::context& ctx, double x) {
  int e = 0;
  const double m = std::ldexp(std::frexp(x, &e), 53);  // x = m · 2^(e − 53), m whole
  e -= 53;
  auto mantissa = static_cast<std::int64_t>(m);
  while (e < 0 && mantissa % 2 == 0 && mantissa != 0) mantissa /= 2, ++e;
  if (mantissa == 0) return ctx.real_val(0);
  std::string power = "1";  // 2^|e| in decimal
  for (int k = 0; k < std::abs(e); ++k) {
    int carry = 0;
    for (auto digit = power.rbegin(); digit != power.rend(); ++digit) {
      const int d = (*digit - '0') * 2 + carry;
      *digit = static_cast<char>('0' + d % 10);
      carry = d / 10;
    }
    if (carry) power.insert(power.begin(), static_cast<char>('0' + carry));
  }
  if (e >= 0) return (ctx.real_val(mantissa) * ctx.real_val(power.c_str())).simplify();
  return ctx.real_val((std::to_string(mantissa) + "/" + power).c_str());
}

// Whether x's Bool and Nat parts are one-hot: values of the type, not soft ones.
bool one_hot_parts(const Type& type, const Eigen::VectorXd& x, int depth) {
  if (type.is_vec()) return true;
  if (type.is_finite_base()) return ((x.array() == 0.0) || (x.array() == 1.0)).all() && x.sum() == 1.0;
  const std::size_t cols = dimension(*type.from, depth);
  for (std::size_t j = 0; j < cols; ++j)
    if (!one_hot_parts(*type.to, matrix_column(x, cols, j), depth)) return false;
  return true;
}

// A param fixed to `x` is taken as its numbers (a matrix, soft Bool and Nat parts) when its type
// is taken as reals, takes a function, or x has a part that is not one-hot (a trained `Bool ⊸
// Bool` step before --extract): the claim is then the denotation at those numbers
// (spec/denotation.md §8.6). Otherwise it is the value x encodes.
bool fixed_as_reals(const Type& type, const Eigen::VectorXd& x, int depth) {
  return taken_as_reals(type) || of_functions(type) || !one_hot_parts(type, x, depth);
}

// A param fixed to `x` (its encoding), as a constant: numbers, each double the exact rational it
// is, or (not `reals`) the value of one-hot parts.
SVal fixed_value(z3::context& ctx, SourceSemantics& src, const Type& type, const Eigen::VectorXd& x, int depth, bool reals) {
  if (type.is_vec() || (reals && type.is_finite_base())) {
    SVal v = type.is_vec() ? src.vector(ctx.bool_val(false)) : src.soft({}, ctx.bool_val(false));
    for (Eigen::Index k = 0; k < x.size(); ++k) v.reals.push_back(src.reals().constant(exact(ctx, x(k))));
    return v;
  }
  if (type.is_finite_base()) {
    Eigen::Index hot = 0;
    x.maxCoeff(&hot);
    return src.basis(type, static_cast<std::size_t>(hot));
  }
  SVal t{SVal::Kind::Table, std::nullopt, ctx.bool_val(false), nullptr, nullptr, nullptr, {}, std::make_shared<const Type>(type)};
  const std::size_t cols = dimension(*type.from, depth);
  for (std::size_t j = 0; j < cols; ++j) t.entries.push_back(fixed_value(ctx, src, *type.to, matrix_column(x, cols, j), depth, reals));
  return t;
}

// Why `x` cannot be the value of a param of `type` ("" when it can): its size, or a number that is
// not finite.
std::string fixed_param_problem(const Type& type, const Eigen::VectorXd& x, int depth) {
  if (static_cast<std::size_t>(x.size()) != dimension(type, depth))
    return "it has " + std::to_string(x.size()) + " numbers; " + print_type(type) + " at depth " + std::to_string(depth) +
           " has " + std::to_string(dimension(type, depth));
  if (!x.allFinite()) return "a number in it is not finite";
  return "";
}

// Whether the obligation has real unknowns (polynomials): a value taken as reals, or a function's
// basis holding soft values (the matrix units of a function type, for a result or a fixed param
// that takes one).
bool has_reals(const Network& net, const ProveOptions& options) {
  bool real = of_functions(*net.output_type);
  for (const NetworkInput& p : net.params) {
    auto fixed = options.params.find(p.name);
    real = real || (fixed == options.params.end() ? taken_as_reals(*p.type) : fixed_as_reals(*p.type, fixed->second, options.depth));
  }
  for (const NetworkInput& x : net.inputs) real = real || taken_as_reals(*x.type);
  return real;
}

// The unknowns, in order: the params not fixed by ProveOptions::params, then the inputs. A case of
// the obligation (spec/denotation.md §8.7) gives some of the Bool and Nat ones a value: `fixed`,
// by position in that order (a Bool's value is its basis index, 0 for true).
using Case = std::vector<std::optional<std::int64_t>>;

// Induction on an iteration's count (spec/denotation.md §8.8): an `iter` whose state is `Vec n`,
// compiled to a recurrent neuron (Iterate) of the network's top-level graph (paired by the term
// the neuron was made from). Both sides give that iteration the same fresh value (`result`), and
// the obligation adds what makes the two iterations equal for every count: the same count, the
// same start, and the same step on a state of fresh unknowns (`state`). The pairing only chooses
// what to compare: a wrong one fails the comparison, and the case is unrolled.
struct Inducted {
  const Iter* term = nullptr;
  std::size_t node = 0;  // the Iterate neuron, in graphs[0]
  std::size_t dim = 0;   // n
};
using Induction = std::vector<Inducted>;
// The fresh real unknowns of an induction, by index: far above those of the program's inputs and
// params (which are numbered from 0), so that no monomial mixes them up; 2n for each iteration.
constexpr std::uint32_t kInductionUnknowns = std::uint32_t{1} << 31;

Induction induction_for(const LoadedProgram& program, const Network& net, int depth) {
  std::set<const Term*> iters;
  for_each_subterm(program.program, [&](const Term& t) {
    if (t.as<Iter>()) iters.insert(&t);
  });
  Induction out;
  std::size_t unknowns = 0;
  const Graph& top = net.graphs[0];
  for (std::size_t i = 0; i < top.nodes.size(); ++i) {
    const Node& n = top.nodes[i];
    if (n.op != Op::Iterate || !n.term || !iters.count(n.term)) continue;
    const TypePtr type = program.checked.types.of(*n.term);
    if (!type || !type->is_vec()) continue;
    const std::size_t dim = dimension(*type, depth);
    unknowns += 2 * dim;
    if (unknowns >= kInductionUnknowns) break;  // (never: a network that large is refused before)
    out.push_back(Inducted{n.term->as<Iter>(), i, dim});
  }
  return out;
}

void symbolic_inputs(ProofInputs& in, smt::Solver& solver, const LoadedProgram& program, const Network& net,
                     const ProveOptions& options, const Case& fixed, const Induction* induction = nullptr) {
  z3::context& ctx = solver.context();
  const int depth = options.depth;
  in.real = has_reals(net, options);
  std::size_t position = 0;
  auto symbol = [&](const std::string& name, const TypePtr& type) {
    const std::size_t at = position++;
    if (at < fixed.size() && fixed[at]) {
      const std::int64_t k = *fixed[at];
      SVal v;
      v.kind = type->kind == Type::Kind::Bool ? SVal::Kind::Bool : SVal::Kind::Nat;
      v.value = type->kind == Type::Kind::Bool ? ctx.bool_val(k == 0) : ctx.int_val(k);
      v.over = ctx.bool_val(false);
      return v;
    }
    return unknown_input(ctx, solver, name, type, depth, in.leaves, in.real ? &in.reals : nullptr);
  };
  std::map<std::string, SVal> params;
  for (const NetworkInput& p : net.params)
    if (!options.params.count(p.name)) params.emplace(p.name, symbol(p.name, p.type));
  in.source.emplace(ctx, program, depth, params);
  SourceSemantics& source = *in.source;
  for (const NetworkInput& p : net.params)  // (fixed values need the source's arithmetic)
    if (auto fixed = options.params.find(p.name); fixed != options.params.end())
      source.bind_param(p.name, fixed_value(ctx, source, *p.type, fixed->second, depth, fixed_as_reals(*p.type, fixed->second, depth)));
  for (const NetworkInput& p : net.params) {
    const SVal& v = source.param(p.name);
    if (in.real) in.param_polys.emplace(p.name, encode_poly(source.reals(), v, depth));
    else in.param_vectors.emplace(p.name, encode(ctx, v, depth));
    if (!options.params.count(p.name)) in.unknowns.emplace_back(p.name, v);
  }
  source.deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                           std::chrono::duration<double>(std::min(solver.seconds_left(), 1e6)));
  source.reals().deadline() = source.deadline;
  if (induction) {
    std::uint32_t next = kInductionUnknowns;
    for (const Inducted& it : *induction) {
      SourceSemantics::DeferredIter& d = source.deferred[it.term];
      for (std::size_t j = 0; j < it.dim; ++j) d.result.push_back(source.reals().variable(next++));
      for (std::size_t j = 0; j < it.dim; ++j) d.state.push_back(source.reals().variable(next++));
    }
  }
  in.value = source.eval(*program.program.find_def("main")->body, nullptr);
  for (const NetworkInput& input : net.inputs) {
    SVal x = symbol(input.name, input.type);
    if (in.real) in.input_polys.push_back(encode_poly(source.reals(), x, depth));
    else in.input_vectors.push_back(encode(ctx, x, depth));
    in.unknowns.emplace_back(input.name, x);
    in.value = source.apply(*in.value, x);
  }
}

// The inputs, under a model (and, for real unknowns, at a point), in source syntax (functions as
// tables {a ↦ b, ...}; values with vectors as their encodings, [x₁, …]).
std::vector<std::pair<std::string, std::string>> model_inputs(SourceSemantics& source, const ProofInputs& in,
                                                              const Network& net, const z3::model& m,
                                                              const std::vector<z3::expr>& point) {
  auto type_of_unknown = [&](const std::string& name) {
    for (const NetworkInput& p : net.params)
      if (p.name == name) return p.type;
    for (const NetworkInput& input : net.inputs)
      if (input.name == name) return input.type;
    return TypePtr{};
  };
  auto real = [&](const Poly& p) { return numeral_text(at_point(p, m, point)); };
  std::vector<std::pair<std::string, std::string>> values;
  for (const auto& [name, v] : in.unknowns)
    values.emplace_back(name, value_text(source, v, type_of_unknown(name), [&](const z3::expr& e) { return m.eval(e, true); }, real));
  return values;
}

// Writes the solver's assertions, with a banner saying what they ask, as DIR/NAME (--smt-dump).
void dump(const ProveOptions& options, smt::Solver& solver, const std::string& name, const std::string& question) {
  if (!options.smt_dump_dir) return;
  std::ofstream f(std::filesystem::path(*options.smt_dump_dir) / name);
  f << "; cajal prove, depth " << options.depth << ": " << question << "\n; sat = yes (with a model), unsat = no\n"
    << solver.smtlib();
}

// Outside the claim: the inputs whose run needs naturals above D, counted up to `cap` (within half
// the time left) with an example. (Whether a run stays within D depends on the discrete unknowns
// only: the example's reals are 0.) Asked of a solver of its own: the obligation's stays one-shot.
struct Outside {
  std::size_t count = 0;
  bool complete = true;  // every such input was counted
  std::string example;
};
Outside outside_inputs(smt::Solver& solver, SourceSemantics& source, const ProofInputs& in, const Network& net,
                       const ProveOptions& options, std::size_t cap, const std::string& dump_name) {
  Outside out;
  // (A soft result is compared whole, dropped mass included: no input is outside its claim.)
  if (in.value->kind == SVal::Kind::Soft || cap == 0) return out;
  const z3::expr over = in.value->over->simplify();
  if (over.is_false()) return out;
  smt::Solver side(solver.context(), smt::Budget{solver.seconds_left(), 0, options.seed});
  for (const z3::expr& a : solver.assertions()) side.add(a);
  side.add(over);
  dump(options, side, dump_name, "is there an input whose run needs a natural above D?");
  const std::vector<z3::expr> zeros(in.reals.size(), solver.context().real_val(0));
  smt::Solver::Enumeration n = side.enumerate(in.leaves, cap, side.seconds_left() / 2, [&](const z3::model& m) {
    if (out.example.empty())
      for (const auto& [name, v] : model_inputs(source, in, net, m, zeros))
        out.example += (out.example.empty() ? "" : ", ") + name + " = " + v;
    return true;
  });
  out.count = n.count;
  out.complete = n.complete;
  return out;
}

// The warning for the inputs outside the claim; "" when there are none.
std::string outside_warning(const Outside& o, int depth) {
  if (o.count == 0) return "";
  return std::string(o.complete ? "" : "at least ") + std::to_string(o.count) + " input" + (o.count == 1 ? " needs" : "s need") +
         " naturals above D = " + std::to_string(depth) + " and " + (o.count == 1 ? "is" : "are") + " outside this claim" +
         (o.example.empty() ? "" : ", e.g. " + o.example);
}

// A counterexample: the inputs, the program's value under the model (the big-step rules), the
// network run concretely on the inputs' encodings, and the first neuron that disagrees.
void counterexample(const z3::model& m, const std::vector<z3::expr>& point, SourceSemantics& source, const ProofInputs& in,
                    const LoadedProgram& program, const Network& net, int depth, ProveResult& out) {
  out.inputs = model_inputs(source, in, net, m, point);
  auto real = [&](const Poly& p) { return numeral_text(at_point(p, m, point)); };
  out.interpreter_value =
      value_text(source, *in.value, net.output_type, [&](const z3::expr& e) { return m.eval(e, true); }, real);
  auto concrete = [&](const SVec& symbolic) {  // (encodings are 0/1)
    Eigen::VectorXd x(static_cast<Eigen::Index>(symbolic.size()));
    for (std::size_t k = 0; k < symbolic.size(); ++k) x(static_cast<Eigen::Index>(k)) = numeral_value(m.eval(symbolic[k], true));
    return x;
  };
  auto concrete_poly = [&](const PVec& symbolic) { return values_at(symbolic, m, point); };
  NetworkArgs args;
  for (const SVec& v : in.input_vectors) args.inputs.push_back(concrete(v));
  for (const auto& [name, v] : in.param_vectors) args.params.emplace(name, concrete(v));
  for (const PVec& v : in.input_polys) args.inputs.push_back(concrete_poly(v));
  for (const auto& [name, v] : in.param_polys) args.params.emplace(name, concrete_poly(v));
  Result<NetworkRun> run = run_network(net, args);
  if (run) {
    std::optional<std::string> decoded = decode(run->output.col(0), *net.output_type, depth);
    out.network_value = decoded ? *decoded : vector_text(run->output.col(0));
  } else {
    out.network_value = render(run.diagnostics);
  }
  if (!in.real) out.first_disagreement = first_disagreement(program, net, args, in.unknowns, m, depth);
}

}  // namespace

namespace {
using Clock = std::chrono::steady_clock;
constexpr double kSymbolicBytes = 128;
constexpr double kMixedBytes = sizeof(Mixed) + 16;
constexpr double kFreeInBackgroundAfter = 1.0;  // seconds
constexpr std::size_t kOutsideCap = 1000;       // inputs outside the claim counted, at most
constexpr std::size_t kMaxCases = 1024;         // cases of one obligation, at most (§8.7)

// The unknowns in the order of Case: the params not fixed by ProveOptions::params, then the inputs.
std::vector<const NetworkInput*> case_unknowns(const Network& net, const ProveOptions& options) {
  std::vector<const NetworkInput*> unknowns;
  for (const NetworkInput& p : net.params)
    if (!options.params.count(p.name)) unknowns.push_back(&p);
  for (const NetworkInput& x : net.inputs) unknowns.push_back(&x);
  return unknowns;
}

// How many values each unknown (by position, as in Case) takes in the cases of the obligation
// (spec/denotation.md §8.7), 0 for one that stays unknown: the Bool and Nat unknowns, params
// first, all but the last (all of them when there are real unknowns: those stay unknown), while
// there are at most kMaxCases cases. None (one question) when the obligation is wanted whole.
std::vector<std::size_t> case_split(const Network& net, const ProveOptions& options) {
  const std::vector<const NetworkInput*> unknowns = case_unknowns(net, options);
  std::vector<std::size_t> sizes(unknowns.size(), 0);
  if (options.whole || options.obligation_only) return sizes;
  std::size_t last = unknowns.size();
  if (!has_reals(net, options))
    for (std::size_t i = 0; i < unknowns.size(); ++i)
      if (unknowns[i]->type->is_finite_base()) last = i;
  std::size_t cases = 1;
  for (std::size_t i = 0; i < last; ++i) {
    if (!unknowns[i]->type->is_finite_base()) continue;
    const std::size_t size = dimension(*unknowns[i]->type, options.depth);
    if (cases * size > kMaxCases) break;
    cases *= size;
    sizes[i] = size;
  }
  return sizes;
}

// A case in words: "m = 3, b = true" (the unknowns it fixes, by name).
std::string case_text(const Network& net, const ProveOptions& options, const Case& fixed) {
  const std::vector<const NetworkInput*> unknowns = case_unknowns(net, options);
  std::string text;
  for (std::size_t i = 0; i < fixed.size(); ++i)
    if (fixed[i])
      text += (text.empty() ? "" : ", ") + unknowns[i]->name + " = " +
              (unknowns[i]->type->kind == Type::Kind::Bool ? (*fixed[i] == 0 ? "true" : "false") : std::to_string(*fixed[i]));
  return text;
}

struct CaseVerdict {
  ProveResult::Verdict verdict = ProveResult::Verdict::Unknown;
  std::string reason;  // for Unknown
};

// The obligation for one case (all of it when `fixed` fixes nothing): does some input of this case,
// within D, make the network differ from the program? Refuted fills out's counterexample; the
// inputs outside the claim are added to `outside`; a whole obligation is kept in out.obligation.
CaseVerdict prove_case(z3::context& ctx, const LoadedProgram& program, const Network& network, const ProveOptions& options,
                       const Case& fixed, const std::string& name, Clock::time_point deadline, Outside& outside,
                       ProveResult& out, const Induction* induction = nullptr) {
  const bool whole = name.empty();
  const double seconds = std::chrono::duration<double>(deadline - Clock::now()).count();
  smt::Solver solver(ctx, smt::Budget{std::max(seconds, 0.0), 0, options.seed});
  ProofInputs in;
  symbolic_inputs(in, solver, program, network, options, fixed, induction);
  // By induction, a verdict other than proved is no verdict: the caller unrolls the iteration.
  const CaseVerdict not_by_induction{ProveResult::Verdict::Unknown, "not by induction"};
  if (induction && !in.real) return not_by_induction;
  SourceSemantics& source = *in.source;
  std::string suffix = whole ? "" : "." + name;  // (--smt-dump's file names: differ.m=3,b=true.smt2)
  suffix.erase(std::remove(suffix.begin(), suffix.end(), ' '), suffix.end());
  if (induction) suffix += ".induction";
  auto count_outside = [&] {
    if (outside.count >= kOutsideCap) {
      outside.complete = false;
      return;
    }
    Outside o = outside_inputs(solver, source, in, network, options, kOutsideCap - outside.count, "outside" + suffix + ".smt2");
    outside.count += o.count;
    outside.complete = outside.complete && o.complete;
    if (outside.example.empty()) outside.example = o.example;
  };
  // The network run on the same unknowns, and the obligation: does some input within D make the
  // network differ from the program? (With real unknowns: some coefficient of some entry.)
  std::optional<z3::expr> obligation;
  std::optional<Sides<PolyArith>> real_sides;
  if (!in.real) {
    auto mixed = [](const SVec& v) {
      std::vector<Mixed> out;
      for (const z3::expr& x : v) out.push_back(MixedArith::of(x));
      return out;
    };
    std::map<std::string, std::vector<Mixed>> params;
    for (const auto& [p, v] : in.param_vectors) params.emplace(p, mixed(v));
    std::vector<std::vector<Mixed>> inputs;
    for (const SVec& v : in.input_vectors) inputs.push_back(mixed(v));
    MixedEngine engine(ctx, network, params);
    engine.arith().deadline() = source.deadline;
    std::vector<Mixed> output = engine.run(0, inputs);
    count_outside();
    Sides<MixedArith> sides{ctx, source, engine.arith(), options.depth};
    obligation = sides.differs(*in.value, output, *network.output_type);
  } else {
    PolynomialEngine engine(ctx, network, in.param_polys);
    engine.arith().deadline() = source.deadline;
    if (induction)
      for (const Inducted& it : *induction) engine.deferred[it.node].result = source.deferred.at(it.term).result;
    PVec output = engine.run(0, in.input_polys);
    std::optional<z3::expr> steps;  // by induction: where two iterations' parts differ
    for (const Inducted& it : induction ? *induction : Induction{}) {
      const SourceSemantics::DeferredIter& d = source.deferred.at(it.term);
      const BasicEngine<PolyArith>::DeferredNeuron& neuron = engine.deferred.at(it.node);
      // Each side met the iteration once, with a count that is a natural (not soft), and the
      // source's start and step stay within D whatever the state: the step's value is then a
      // polynomial in the state's unknowns, which the state after k steps may be substituted in.
      // The network's neuron must have the shapes the argument counts on: a count of D + 1
      // entries (the neuron sums over every entry it has, and the comparison below looks at the
      // first D + 1), and a start and a step of n entries. (A network read from a file is
      // validated; one given to prove_network, or rewritten, need not be.)
      const std::size_t counts = static_cast<std::size_t>(options.depth) + 1;
      if (d.evaluations != 1 || neuron.runs != 1 || d.count->kind != SVal::Kind::Nat ||
          !d.base->over->simplify().is_false() || !d.step->over->simplify().is_false() || neuron.args.size() < 2 ||
          neuron.args[1].size() != counts || neuron.args[0].size() != it.dim)
        return not_by_induction;
      std::vector<PVec> ins{d.state};
      for (std::size_t k = 2; k < neuron.args.size(); ++k) ins.push_back(neuron.args[k]);
      const Node& iterate = network.graphs[0].nodes[it.node];
      if (iterate.sub <= 0 || static_cast<std::size_t>(iterate.sub) >= network.graphs.size()) return not_by_induction;
      PVec step = engine.run(iterate.sub, ins);
      if (step.size() != it.dim) return not_by_induction;
      const TypePtr state = program.checked.types.of(*iterate.term);
      Sides<PolyArith> parts{ctx, source, source.reals(), options.depth};
      z3::expr differ = parts.differs(*d.count, neuron.args[1], *Type::nat()) || parts.differs(*d.base, neuron.args[0], *state) ||
                        parts.differs(*d.step, step, *state);
      steps = steps ? *steps || differ : differ;
    }
    count_outside();
    real_sides.emplace(Sides<PolyArith>{ctx, source, source.reals(), options.depth});
    obligation = real_sides->differs(*in.value, output, *network.output_type);
    if (steps) obligation = *obligation || *steps;
  }
  if (!whole) {  // a case's question, with its known values folded: often no question at all
    obligation = obligation->simplify();
    if (obligation->is_false()) return {ProveResult::Verdict::Proved, ""};
  }
  // Asked of a solver that has asked nothing yet (Z3's one-shot path: smt::Solver::assertions).
  smt::Solver question(ctx, smt::Budget{std::max(solver.seconds_left(), 0.0), 0, options.seed});
  for (const z3::expr& a : solver.assertions()) question.add(a);
  question.add(*obligation);
  const std::string asked = "is there an input, within D, on which the network's output differs from the program's value?";
  dump(options, question, "differ" + suffix + ".smt2", whole ? asked : "in the case " + name + ", " + asked);
  if (whole && (options.obligation_text || options.obligation_only))
    out.obligation = "; cajal obligation, depth " + std::to_string(options.depth) + ": " + asked + "\n" +
                     (in.real ? "; (as polynomials in the real inputs and params: is some coefficient different?)\n" : "") +
                     "; unsat = no: the network is correct for every input within D\n" + question.smtlib();
  if (options.obligation_only) return {ProveResult::Verdict::Unknown, "the obligation was stated, not checked"};
  z3::check_result r = question.check();
  if (r == z3::unsat) return {ProveResult::Verdict::Proved, ""};
  if (induction) return not_by_induction;
  if (r == z3::unknown) {  // (the solver's budget is what was left of --timeout: the reason names --timeout)
    std::ostringstream limit;
    limit << options.timeout_seconds;
    const std::string why = question.reason_unknown().rfind("timeout", 0) == 0 ? "timeout (" + limit.str() + " s)" : question.reason_unknown();
    return {ProveResult::Verdict::Unknown, "Z3 answered unknown (" + why + ")"};
  }
  const z3::model model = question.model();
  std::vector<z3::expr> point;
  if (real_sides) {  // a point where a compared entry differs, on a run within D
    std::vector<std::pair<Poly, Poly>> compared;
    for (const auto& leaf : real_sides->leaves)
      if (!model.eval(leaf.over, true).is_true())
        for (std::size_t k = 0; k < leaf.net.size(); ++k) compared.emplace_back(leaf.net[k], leaf.want[k]);
    bool units = false;  // (inputs with soft parts: at matrix units, whose Bool and Nat parts are values or 0)
    for (const auto& [unknown, v] : in.unknowns) units = units || (v.type && soft_parts(*v.type));
    point = units ? unit_point(compared, model, in.reals.size(), ctx) : witness_point(compared, model, in.reals.size(), ctx);
  }
  counterexample(model, point, source, in, program, network, options.depth, out);
  return {ProveResult::Verdict::Refuted, ""};
}

}  // namespace

Result<ProveResult> prove_network(const LoadedProgram& program, const Network& network, const ProveOptions& options) {
  using R = Result<ProveResult>;
  auto start = Clock::now();
  if (std::optional<Diagnostic> d = depth_out_of_range(options)) return R::failure(std::move(*d));
  if (network.depth != options.depth)
    return R::failure(error_at(Span{}, "the network is at depth " + std::to_string(network.depth) + ", not " +
                                           std::to_string(options.depth)));
  if (!program.program.find_def("main")) return R::failure(error_at(Span{}, "the program has no `def main` to prove"));
  for (const auto& [name, x] : options.params) {
    const NetworkInput* declared = nullptr;
    for (const NetworkInput& p : network.params)
      if (p.name == name) declared = &p;
    if (!declared) return R::failure(error_at(Span{}, "the value given for param `" + name + "`: main uses no param `" + name + "`"));
    if (std::string why = fixed_param_problem(*declared->type, x, options.depth); !why.empty())
      return R::failure(error_at(Span{}, "the value given for param `" + name + "` : " + print_type(declared->type) +
                                             " is not a value of its type: " + why));
  }
  // Asked whole, the symbolic run makes a Z3 term for every number the network computes on one
  // column (kSymbolicBytes, a Z3 application node and our reference to it); case by case, at most
  // a whole number or a reference to a term (kMixedBytes, every one alive at once at worst).
  // Sized before anything is built.
  const std::vector<std::size_t> sizes = case_split(network, options);
  const bool by_cases = std::any_of(sizes.begin(), sizes.end(), [](std::size_t n) { return n > 0; });
  if (const double bytes = (by_cases ? kMixedBytes : kSymbolicBytes) * network.work(); bytes > static_cast<double>(memory_budget()))
    return R::failure(error_at(Span{}, over_budget("proving this network symbolically", bytes)));
  if (options.smt_dump_dir) {  // one new directory at most, in one that exists
    std::error_code ec;
    std::filesystem::create_directory(*options.smt_dump_dir, ec);
    if (ec || !std::filesystem::is_directory(*options.smt_dump_dir))
      return R::failure(error_at(Span{}, "--smt-dump " + *options.smt_dump_dir + ": not a directory, and cannot be made one (" +
                                             (ec ? ec.message() : std::string("a file of that name exists")) +
                                             "; its parent must exist)"));
  }
  ProveResult out;
  out.depth = options.depth;
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::clamp(options.timeout_seconds, 0.0, smt::kMaxSeconds)));
  std::size_t total = 1;
  for (std::size_t size : sizes) total *= std::max<std::size_t>(size, 1);
  Case fixed(sizes.size());
  for (std::size_t i = 0; i < sizes.size(); ++i)
    if (sizes[i]) fixed[i] = 0;
  Outside outside;
  std::size_t proved = 0;  // cases proved, in order
  std::string last_proved;
  smt::Context context;
  auto finish = [&](ProveResult::Verdict v, std::string reason = "") {
    // A context that took long to fill takes long to free (the 14-def doubling chain: longer than
    // the timeout): it is freed in the background, so the verdict is not held back.
    if (std::chrono::duration<double>(Clock::now() - start).count() > kFreeInBackgroundAfter) context.abandon();
    out.verdict = v;
    out.reason = std::move(reason);
    if (v == ProveResult::Verdict::Unknown && by_cases && proved > 0)  // the partial result
      out.reason += "; proved for " + std::to_string(proved) + " of the " + std::to_string(total) + " cases, up to " + last_proved;
    if (std::string w = outside_warning(outside, options.depth); !w.empty()) out.warnings.push_back(w);
    out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return R::success(out);
  };
  // Case by case, the iterations of vectors in the top-level graph are first proved by induction
  // on their counts (§8.8); where that does not prove the case, they are unrolled as usual.
  const Induction induction = by_cases ? induction_for(program, network, options.depth) : Induction{};
  // (One context for every case: freeing one is slow in Z3 4.8.12.)
  for (;;) {
    const std::string name = by_cases ? case_text(network, options, fixed) : "";
    CaseVerdict verdict;
    try {
      if (!induction.empty()) {
        Outside trial = outside;  // (counted once: only when the induction proves the case)
        try {
          verdict = prove_case(context, program, network, options, fixed, name, deadline, trial, out, &induction);
        } catch (const Unsupported& u) {
          if (u.timeout || u.why.rfind("internal", 0) == 0) throw;
          verdict = {};  // (a part the symbolic rules cannot state: unrolled below)
        } catch (const z3::exception&) {
          context.abandon();  // (a Z3 error, e.g. out of memory, in the induction's question: unrolled below)
          verdict = {};
        }
        if (verdict.verdict == ProveResult::Verdict::Proved) outside = trial;
      }
      if (verdict.verdict != ProveResult::Verdict::Proved)
        verdict = prove_case(context, program, network, options, fixed, name, deadline, outside, out);
    } catch (const Unsupported& u) {
      if (u.why.rfind("internal", 0) == 0) {  // a bug of ours, never a verdict (exit 4)
        Diagnostic d = error_at(Span{}, u.why);
        d.internal = true;
        return R::failure(std::move(d));
      }
      context.abandon();  // (the terms stated so far may be slow to free)
      std::ostringstream limit;
      limit << options.timeout_seconds;
      verdict.reason = u.cap ? "size cap: " + u.why : u.timeout ? "timeout (" + limit.str() + " s): " + u.why : u.why;
    } catch (const z3::exception& e) {
      context.abandon();  // (a Z3 error, e.g. out of memory: freeing the context may be slow)
      verdict.reason = smt::z3_failure(e.msg());
    }
    if (verdict.verdict != ProveResult::Verdict::Proved) {
      outside.complete = outside.complete && !by_cases;  // (the later cases' inputs were not counted)
      if (verdict.verdict == ProveResult::Verdict::Refuted || !by_cases) return finish(verdict.verdict, verdict.reason);
      return finish(verdict.verdict, verdict.reason + " (in the case " + name + ")");
    }
    ++proved;
    last_proved = name;
    // The next case, in lexicographic order (the last unknown split runs fastest).
    std::size_t i = sizes.size();
    while (i-- > 0) {
      if (!sizes[i]) continue;
      if (static_cast<std::size_t>(++*fixed[i]) < sizes[i]) break;
      fixed[i] = 0;
    }
    if (i == static_cast<std::size_t>(-1) || !by_cases) return finish(ProveResult::Verdict::Proved);
  }
}

}  // namespace cajal

namespace cajal {

using namespace symbolic;

Result<SymbolicRun> symbolic_run(const LoadedProgram& program, const std::vector<std::pair<ValuePtr, TypePtr>>& args,
                                 const std::map<std::string, ValuePtr>& params, int depth, Evaluator& values) {
  using R = Result<SymbolicRun>;
  smt::Context context;
  z3::context& ctx = context;
  try {
    std::map<std::string, SVal> symbolic_params;
    SourceSemantics bootstrap(ctx, program, depth, {});
    for (const auto& [name, v] : params)
      symbolic_params.emplace(name, constant(ctx, bootstrap, v, *program.program.find_param(name)->type, depth, values));
    SourceSemantics source(ctx, program, depth, symbolic_params);
    const Def* main = program.program.find_def("main");
    if (!main) return R::failure(error_at(Span{}, "no `def main`"));
    SVal value = source.eval(*main->body, nullptr);
    TypePtr type = program.checked.globals.find("main")->type;
    for (const auto& [v, t] : args) {
      value = source.apply(value, constant(ctx, source, v, *t, depth, values));
      type = type->to;
    }
    std::string text = value_text(source, value, type, [](const z3::expr& e) { return e.simplify(); });
    return R::success(SymbolicRun{text, exceeded(source, value, type)});
  } catch (const Unsupported& u) {
    return R::failure(error_at(Span{}, u.why));
  } catch (const z3::exception& e) {
    context.abandon();
    return R::failure(error_at(Span{}, smt::z3_failure(e.msg())));
  }
}

}  // namespace cajal
