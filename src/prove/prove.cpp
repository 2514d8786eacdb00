// Translation validation with Z3 (include/cajal/prove/prove.hpp).
#include "cajal/prove/prove.hpp"

#include <z3++.h>

#include <chrono>
#include <functional>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "cajal/compile/compile.hpp"
#include "cajal/network/encode.hpp"
#include "cajal/network/engine.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal {

const char* verdict_name(ProveResult::Verdict v) {
  switch (v) {
    case ProveResult::Verdict::Proved: return "proved";
    case ProveResult::Verdict::Refuted: return "refuted";
    case ProveResult::Verdict::Unknown: return "unknown";
  }
  return "unknown";
}

namespace {

struct Unsupported {
  std::string why;
};

// ---- the source side: big-step rules over symbolic values ------------------------------------
// A value is a boolean, a natural (an integer with a flag "a natural above D was involved"), a
// closure (applied by substitution, E-App), or a table: a function on Bool or Nat given by its
// value at every argument up to D (function inputs and params, and functions that an `if` or an
// `iter` state must merge).
struct SEnv;
using SEnvPtr = std::shared_ptr<const SEnv>;
struct SVal {
  enum class Kind { Bool, Nat, Fun, Table } kind = Kind::Bool;
  std::optional<z3::expr> value;  // Bool: a boolean; Nat: an integer
  std::optional<z3::expr> over;   // the value depends on a natural above D on this path
  const Lam* lam = nullptr;       // Fun: a closure...
  const Term* term = nullptr;     // ...its `fun` term (for its type)
  SEnvPtr env;
  std::vector<SVal> entries;      // Table: the value at each basis argument
  TypePtr type;                   // Table: its function type
};
struct SEnv {
  std::string name;
  SVal value;
  SEnvPtr next;
};

class SourceSemantics {
 public:
  SourceSemantics(z3::context& ctx, const LoadedProgram& p, int depth, std::map<std::string, SVal> params)
      : ctx_(ctx), program_(p), depth_(depth), params_(std::move(params)) {}

  SVal eval(const Term& t, const SEnvPtr& env) {
    if (const Var* v = t.as<Var>()) {
      for (const SEnv* e = env.get(); e; e = e->next.get())
        if (e->name == v->name) return e->value;
      if (auto it = params_.find(v->name); it != params_.end()) return it->second;
      if (const Def* d = program_.program.find_def(v->name)) return eval(*d->body, nullptr);  // E-Def
      throw Unsupported{"unbound variable " + v->name};
    }
    if (const Lam* l = t.as<Lam>()) {
      SVal f{SVal::Kind::Fun, std::nullopt, ctx_.bool_val(false), l, &t, env, {}, nullptr};
      return f;
    }
    if (const App* a = t.as<App>()) return apply(eval(*a->fn, env), eval(*a->arg, env));
    if (const BoolLit* b = t.as<BoolLit>()) return boolean(ctx_.bool_val(b->value), ctx_.bool_val(false));
    if (const NatLit* n = t.as<NatLit>())
      return natural(ctx_.int_val(static_cast<std::uint64_t>(n->value)), ctx_.bool_val(n->value > static_cast<std::uint64_t>(depth_)));
    if (const Succ* s = t.as<Succ>()) {  // E-Succ: past D the network has no room
      SVal x = eval(*s->arg, env);
      z3::expr next = *x.value + 1;
      return natural(next, *x.over || next > ctx_.int_val(depth_));
    }
    if (const If* i = t.as<If>()) {  // E-IfTrue / E-IfFalse, as one ite
      SVal c = eval(*i->cond, env);
      return merge(*c.value, *c.over, eval(*i->then_branch, env), eval(*i->else_branch, env), type_of(t));
    }
    if (const Let* l = t.as<Let>()) return eval(*l->body, extend(env, l->name, eval(*l->bound, env)));
    if (const Iter* it = t.as<Iter>()) {  // E-IterZero / E-IterSucc, unrolled to D
      TypePtr state = type_of(t);
      SVal n = eval(*it->count, env);
      std::vector<SVal> states{settle(eval(*it->base, env), state)};
      for (int k = 1; k <= depth_; ++k)
        states.push_back(settle(eval(*it->step, extend(env, it->state, states.back())), state));
      SVal result = states[static_cast<std::size_t>(depth_)];
      for (int k = depth_ - 1; k >= 0; --k)
        result = merge(*n.value == ctx_.int_val(k), ctx_.bool_val(false), states[static_cast<std::size_t>(k)], result, state);
      return with_over(result, *n.over);
    }
    throw Unsupported{"an unknown term"};
  }

  SVal apply(const SVal& f, const SVal& x) {
    if (f.kind == SVal::Kind::Fun) {  // E-App by substitution into the closure's body
      SVal r = eval(*f.lam->body, extend(f.env, f.lam->param, x));
      return with_over(r, *f.over);
    }
    if (f.kind != SVal::Kind::Table) throw Unsupported{"applying a value that is not a function"};
    if (x.kind != SVal::Kind::Bool && x.kind != SVal::Kind::Nat) throw Unsupported{"a table applied to a function"};
    // The entry selected by x: an ite over the basis values.
    SVal result = f.entries.back();
    for (std::size_t j = f.entries.size() - 1; j-- > 0;) {
      z3::expr is_j = x.kind == SVal::Kind::Bool ? (j == 0 ? *x.value : !*x.value)
                                                 : *x.value == ctx_.int_val(static_cast<int>(j));
      result = merge(is_j, ctx_.bool_val(false), f.entries[j], result, f.type->to);
    }
    return with_over(result, *f.over || *x.over);
  }

  // A function value as a table over its domain (which must be Bool or Nat).
  SVal table(const SVal& f, const TypePtr& type) {
    if (f.kind == SVal::Kind::Table) return f;
    if (!type->is_arrow() || type->from->is_arrow())
      throw Unsupported{"a function of a function where its table is needed"};
    SVal t{SVal::Kind::Table, std::nullopt, ctx_.bool_val(false), nullptr, nullptr, nullptr, {}, type};
    for (std::size_t j = 0; j < dimension(*type->from, depth_); ++j)
      t.entries.push_back(settle(apply(f, basis(*type->from, j)), type->to));
    return t;
  }

  SVal basis(const Type& t, std::size_t j) {
    return t.kind == Type::Kind::Bool ? boolean(ctx_.bool_val(j == 0), ctx_.bool_val(false))
                                      : natural(ctx_.int_val(static_cast<int>(j)), ctx_.bool_val(false));
  }
  SVal boolean(z3::expr v, z3::expr over) { return SVal{SVal::Kind::Bool, v, over, nullptr, nullptr, nullptr, {}, nullptr}; }
  SVal natural(z3::expr v, z3::expr over) { return SVal{SVal::Kind::Nat, v, over, nullptr, nullptr, nullptr, {}, nullptr}; }

 private:
  z3::context& ctx_;
  const LoadedProgram& program_;
  int depth_;
  std::map<std::string, SVal> params_;

  static SEnvPtr extend(const SEnvPtr& env, const std::string& name, SVal v) {
    return std::make_shared<const SEnv>(SEnv{name, std::move(v), env});
  }
  TypePtr type_of(const Term& t) const {
    TypePtr type = program_.checked.types.of(t);
    if (!type) throw Unsupported{"a term without a type"};
    return type;
  }
  SVal with_over(SVal v, const z3::expr& more) {
    v.over = *v.over || more;
    return v;
  }
  // Functions become tables where values must be merged (if branches, iter states).
  SVal settle(const SVal& v, const TypePtr& type) { return v.kind == SVal::Kind::Fun ? table(v, type) : v; }

  SVal merge(const z3::expr& c, const z3::expr& c_over, const SVal& t, const SVal& u, const TypePtr& type) {
    if (type->is_arrow()) {
      SVal a = table(t, type), b = table(u, type);
      SVal m{SVal::Kind::Table, std::nullopt, c_over || z3::ite(c, *a.over, *b.over), nullptr, nullptr, nullptr, {}, type};
      for (std::size_t j = 0; j < a.entries.size(); ++j)
        m.entries.push_back(merge(c, ctx_.bool_val(false), a.entries[j], b.entries[j], type->to));
      return m;
    }
    return SVal{t.kind, z3::ite(c, *t.value, *u.value), c_over || z3::ite(c, *t.over, *u.over), nullptr, nullptr, nullptr, {}, nullptr};
  }
};

// ---- the network side: the engine's arithmetic on symbolic reals ---------------------------
using SVec = std::vector<z3::expr>;

class SymbolicEngine {
 public:
  SymbolicEngine(z3::context& ctx, const Network& net, std::map<std::string, SVec> params)
      : ctx_(ctx), net_(net), params_(std::move(params)) {}

  SVec run(int gi, const std::vector<SVec>& inputs) {
    const Graph& g = net_.graphs[static_cast<std::size_t>(gi)];
    std::vector<std::optional<SVec>> v(g.nodes.size());
    for (std::size_t k = 0; k < g.inputs.size(); ++k) v[static_cast<std::size_t>(g.inputs[k])] = inputs[k];
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      auto arg = [&](std::size_t k) -> const SVec& { return *v[static_cast<std::size_t>(n.args[k])]; };
      switch (n.op) {
        case Op::Input: break;
        case Op::Param: v[i] = params_.at(n.name); break;
        case Op::Const: {
          SVec c;
          for (Eigen::Index k = 0; k < n.value.size(); ++k) {
            double x = n.value(k);
            if (x != static_cast<double>(static_cast<long long>(x))) throw Unsupported{"a non-integer constant"};
            c.push_back(ctx_.real_val(static_cast<int64_t>(x)));
          }
          v[i] = c;
          break;
        }
        case Op::Shift: {
          const SVec& x = arg(0);
          SVec out{ctx_.real_val(0)};
          for (std::size_t k = 0; k + 1 < x.size(); ++k) out.push_back(x[k]);
          v[i] = out;
          break;
        }
        case Op::Mix: {
          const SVec &c = arg(0), &t = arg(1), &u = arg(2);
          SVec out;
          for (std::size_t k = 0; k < t.size(); ++k) out.push_back(add(mul(c[0], t[k]), mul(c[1], u[k])));
          v[i] = out;
          break;
        }
        case Op::Apply: v[i] = apply(arg(0), arg(1), n.rows, n.cols); break;
        case Op::Iterate: {
          const SVec& count = arg(1);
          std::vector<SVec> ins{arg(0)};
          for (std::size_t k = 2; k < n.args.size(); ++k) ins.push_back(arg(k));
          SVec h = arg(0);
          SVec out;
          for (const z3::expr& x : h) out.push_back(mul(count[0], x));
          for (std::size_t k = 1; k < count.size(); ++k) {
            ins[0] = h;
            h = run(n.sub, ins);
            for (std::size_t c = 0; c < h.size(); ++c) out[c] = add(out[c], mul(count[k], h[c]));
          }
          v[i] = out;
          break;
        }
        case Op::Abstract: {
          std::vector<SVec> ins(1 + n.args.size());
          for (std::size_t k = 0; k < n.args.size(); ++k) ins[k + 1] = arg(k);
          SVec out(n.rows * n.cols, ctx_.real_val(0));
          for (std::size_t j = 0; j < n.cols; ++j) {
            SVec e;
            for (std::size_t k = 0; k < n.cols; ++k) e.push_back(ctx_.real_val(k == j ? 1 : 0));
            ins[0] = e;
            SVec r = run(n.sub, ins);
            for (std::size_t row = 0; row < n.rows; ++row) out[row * n.cols + j] = r[row];
          }
          v[i] = out;
          break;
        }
      }
    }
    return *v[static_cast<std::size_t>(g.output)];
  }

 private:
  z3::context& ctx_;
  const Network& net_;
  std::map<std::string, SVec> params_;

  static bool is(const z3::expr& e, int value) {
    int64_t x;
    return e.is_numeral_i64(x) && x == value;
  }
  // Products keep to linear arithmetic where they can: a 0/1 selector ite(c, 1, 0) times x is
  // ite(c, x, 0) (the encodings of symbolic inputs are such selectors).
  z3::expr mul(const z3::expr& a, const z3::expr& b) {
    if (is(a, 0) || is(b, 0)) return ctx_.real_val(0);
    if (is(a, 1)) return b;
    if (is(b, 1)) return a;
    if (auto lifted = select(a, b)) return *lifted;
    if (auto lifted = select(b, a)) return *lifted;
    return a * b;
  }
  std::optional<z3::expr> select(const z3::expr& a, const z3::expr& b) {
    if (!a.is_app() || a.decl().decl_kind() != Z3_OP_ITE) return std::nullopt;
    z3::expr then_ = a.arg(1), else_ = a.arg(2);
    if (!((is(then_, 1) || is(then_, 0)) && (is(else_, 1) || is(else_, 0)))) return std::nullopt;
    return z3::ite(a.arg(0), mul(then_, b), mul(else_, b));
  }
  z3::expr add(const z3::expr& a, const z3::expr& b) {
    if (is(a, 0)) return b;
    if (is(b, 0)) return a;
    return a + b;
  }
  SVec apply(const SVec& f, const SVec& a, std::size_t rows, std::size_t cols) {
    SVec out;
    for (std::size_t r = 0; r < rows; ++r) {
      z3::expr sum = ctx_.real_val(0);
      for (std::size_t c = 0; c < cols; ++c) sum = add(sum, mul(f[r * cols + c], a[c]));
      out.push_back(sum);
    }
    return out;
  }
};

// The symbolic encoding of a value: one-hot for Bool and Nat; a table's matrix, row-major.
SVec encode(z3::context& ctx, const SVal& v, int depth) {
  if (v.kind == SVal::Kind::Bool)
    return {z3::ite(*v.value, ctx.real_val(1), ctx.real_val(0)), z3::ite(*v.value, ctx.real_val(0), ctx.real_val(1))};
  if (v.kind == SVal::Kind::Nat) {
    SVec out;
    for (int k = 0; k <= depth; ++k) out.push_back(z3::ite(*v.value == ctx.int_val(k), ctx.real_val(1), ctx.real_val(0)));
    return out;
  }
  if (v.kind != SVal::Kind::Table) throw Unsupported{"encoding a closure"};
  const std::size_t cols = v.entries.size();
  std::vector<SVec> columns;
  for (const SVal& e : v.entries) columns.push_back(encode(ctx, e, depth));
  SVec out;
  for (std::size_t r = 0; r < columns[0].size(); ++r)
    for (std::size_t j = 0; j < cols; ++j) out.push_back(columns[j][r]);
  return out;
}

// Where the network's output `net` (of type t) differs from the source value `v` on a run that
// stays within D: a disjunction, one case per column of a function's table.
z3::expr differs(z3::context& ctx, SourceSemantics& src, const SVal& v, const SVec& net, const Type& t, int depth) {
  if (!t.is_arrow()) {
    SVec want = encode(ctx, v, depth);
    z3::expr_vector any(ctx);
    for (std::size_t k = 0; k < want.size(); ++k) any.push_back(net[k] != want[k]);
    return !*v.over && z3::mk_or(any);
  }
  if (t.from->is_arrow()) throw Unsupported{"a result that is a function of a function"};
  const std::size_t cols = dimension(*t.from, depth), rows = dimension(*t.to, depth);
  z3::expr_vector any(ctx);
  for (std::size_t j = 0; j < cols; ++j) {
    SVec column;
    for (std::size_t r = 0; r < rows; ++r) column.push_back(net[r * cols + j]);
    any.push_back(differs(ctx, src, src.apply(v, src.basis(*t.from, j)), column, *t.to, depth));
  }
  return z3::mk_or(any);
}

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
      if (d) return *d;
      std::ostringstream ss;
      ss << x.transpose();
      return "[" + ss.str() + "]";
    };
    return "`" + print_term_brief(*n.term, 60) + "`" + where + " (" + n.rule + "): the program gives " + shown(*want) +
           ", its neuron " + shown(got);
  }
  return "";
}

// A symbolic value in source syntax, its booleans and integers read by `concrete` (a model's
// evaluation, or simplification when the value is already constant); functions as tables.
std::string value_text(SourceSemantics& src, const SVal& v, const TypePtr& type,
                       const std::function<z3::expr(const z3::expr&)>& concrete) {
  if (v.kind == SVal::Kind::Bool) return concrete(*v.value).is_true() ? "true" : "false";
  if (v.kind == SVal::Kind::Nat) return concrete(*v.value).to_string();
  SVal t = src.table(v, type);
  std::string out = "{";
  for (std::size_t j = 0; j < t.entries.size(); ++j)
    out += std::string(j ? ", " : "") + (type->from->kind == Type::Kind::Bool ? (j == 0 ? "true" : "false") : std::to_string(j)) +
           " ↦ " + value_text(src, t.entries[j], type->to, concrete);
  return out + "}";
}

// Runs a check under a wall-clock watchdog (Z3's own timeouts are not reliable in 4.8.12).
z3::check_result check_with_watchdog(z3::context& ctx, z3::solver& s, double seconds) {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::thread watchdog([&] {
    std::unique_lock lock(m);
    if (!cv.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return done; })) ctx.interrupt();
  });
  z3::check_result r = z3::unknown;
  try {
    r = s.check();
  } catch (const z3::exception&) {
    r = z3::unknown;
  }
  {
    std::lock_guard lock(m);
    done = true;
  }
  cv.notify_all();
  watchdog.join();
  return r;
}

}  // namespace

Result<ProveResult> prove_program(const LoadedProgram& program, const ProveOptions& options) {
  CompileOptions compile;
  compile.depth = options.depth;
  compile.mutant = options.mutant;
  compile.annotate = false;
  Result<Network> net = compile_program(program, compile);
  if (!net) return Result<ProveResult>::failure(std::move(net.diagnostics));
  return prove_network(program, *net, options);
}

Result<ProveResult> prove_network(const LoadedProgram& program, const Network& network, const ProveOptions& options) {
  using R = Result<ProveResult>;
  auto start = std::chrono::steady_clock::now();
  if (network.depth != options.depth)
    return R::failure(error_at(Span{}, "the network is at depth " + std::to_string(network.depth) + ", not " +
                                           std::to_string(options.depth)));
  const Network* net = &network;

  ProveResult out;
  out.depth = options.depth;
  auto finish = [&](ProveResult::Verdict v, std::string reason = "") {
    out.verdict = v;
    out.reason = std::move(reason);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return R::success(out);
  };

  z3::context ctx;
  try {
    z3::solver solver(ctx);
    solver.set("random_seed", options.seed);
    // Symbolic inputs and params: booleans, naturals ≤ D, and tables of functions on Bool or Nat.
    std::vector<std::pair<std::string, SVal>> unknowns;  // name, symbolic value (for the model)
    z3::expr_vector leaves(ctx);                         // every boolean and integer unknown
    std::function<SVal(const std::string&, const TypePtr&)> symbol = [&](const std::string& name, const TypePtr& type) -> SVal {
      SVal v;
      v.over = ctx.bool_val(false);
      if (type->kind == Type::Kind::Bool) {
        v.kind = SVal::Kind::Bool;
        v.value = ctx.bool_const(name.c_str());
        leaves.push_back(*v.value);
      } else if (type->kind == Type::Kind::Nat) {
        v.kind = SVal::Kind::Nat;
        v.value = ctx.int_const(name.c_str());
        solver.add(*v.value >= 0 && *v.value <= options.depth);
        leaves.push_back(*v.value);
      } else if (!type->from->is_arrow()) {
        v.kind = SVal::Kind::Table;
        v.type = type;
        for (std::size_t j = 0; j < dimension(*type->from, options.depth); ++j)
          v.entries.push_back(symbol(name + "[" + std::to_string(j) + "]", type->to));
      } else {
        throw Unsupported{"`" + name + "` has type " + print_type(type) + " (functions of functions as inputs)"};
      }
      return v;
    };
    std::map<std::string, SVal> params;
    std::map<std::string, SVec> param_vectors;
    for (const NetworkInput& p : net->params) {
      params.emplace(p.name, symbol(p.name, p.type));
      param_vectors.emplace(p.name, encode(ctx, params.at(p.name), options.depth));
      unknowns.emplace_back(p.name, params.at(p.name));
    }
    SourceSemantics source(ctx, program, options.depth, params);
    std::vector<SVec> input_vectors;
    SVal value = source.eval(*program.program.find_def("main")->body, nullptr);
    for (const NetworkInput& in : net->inputs) {
      SVal x = symbol(in.name, in.type);
      input_vectors.push_back(encode(ctx, x, options.depth));
      unknowns.emplace_back(in.name, x);
      value = source.apply(value, x);
    }
    SymbolicEngine engine(ctx, *net, param_vectors);
    SVec output = engine.run(0, input_vectors);

    auto dump = [&](const std::string& name, const std::string& question) {
      if (!options.smt_dump_dir) return;
      std::filesystem::create_directories(*options.smt_dump_dir);
      std::ofstream f(std::filesystem::path(*options.smt_dump_dir) / name);
      f << "; cajal prove, depth " << options.depth << ": " << question << "\n; sat = yes (with a model), unsat = no\n"
        << solver.to_smt2();
    };
    // A symbolic value under a model, in source syntax (functions as tables {a ↦ b, ...}).
    auto show = [&](const z3::model& m, const SVal& v, const TypePtr& type) {
      return value_text(source, v, type, [&](const z3::expr& e) { return m.eval(e, true); });
    };
    auto type_of_unknown = [&](const std::string& name) {
      for (const NetworkInput& p : net->params)
        if (p.name == name) return p.type;
      for (const NetworkInput& in : net->inputs)
        if (in.name == name) return in.type;
      return TypePtr{};
    };
    auto model_inputs = [&](const z3::model& m) {
      std::vector<std::pair<std::string, std::string>> values;
      for (const auto& [name, v] : unknowns) values.emplace_back(name, show(m, v, type_of_unknown(name)));
      return values;
    };

    // Outside the claim: inputs whose run needs naturals above D.
    solver.push();
    solver.add(*value.over);
    dump("outside.smt2", "is there an input whose run needs a natural above D?");
    if (check_with_watchdog(ctx, solver, options.timeout_seconds) == z3::sat) {
      std::string e;
      for (const auto& [n, v] : model_inputs(solver.get_model())) e += (e.empty() ? "" : ", ") + n + " = " + v;
      // How many: enumerate the inputs outside, each blocked once found, up to a cap.
      constexpr std::size_t kCap = 1000;
      std::size_t count = 0;
      auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(options.timeout_seconds);
      z3::check_result more = z3::sat;
      while (more == z3::sat && count < kCap && std::chrono::steady_clock::now() < deadline) {
        ++count;
        if (leaves.empty()) break;
        z3::model m = solver.get_model();
        z3::expr_vector differ(ctx);
        for (unsigned k = 0; k < leaves.size(); ++k) differ.push_back(leaves[k] != m.eval(leaves[k], true));
        solver.add(z3::mk_or(differ));
        more = solver.check();
      }
      bool exact = more == z3::unsat || leaves.empty();
      out.warnings.push_back(std::string(exact ? "" : "at least ") + std::to_string(count) + " input" +
                             (count == 1 ? " needs" : "s need") + " naturals above D = " + std::to_string(options.depth) +
                             " and " + (count == 1 ? "is" : "are") + " outside this claim" + (e.empty() ? "" : ", e.g. " + e));
    }
    solver.pop();

    // The question: does some input within D make the network differ from the program?
    solver.add(differs(ctx, source, value, output, *net->output_type, options.depth));
    dump("differ.smt2", "is there an input, within D, on which the network's output differs from the program's value?");
    out.obligation = "; cajal obligation, depth " + std::to_string(options.depth) +
                     ": is there an input, within D, on which the network's output differs from the program's value?\n"
                     "; unsat = no: the network is correct for every input within D\n" +
                     solver.to_smt2();
    z3::check_result r = check_with_watchdog(ctx, solver, options.timeout_seconds);
    if (r == z3::unsat) return finish(ProveResult::Verdict::Proved);
    if (r == z3::unknown)
      return finish(ProveResult::Verdict::Unknown,
                    "Z3 answered unknown (" + solver.reason_unknown() + ", timeout " + std::to_string(options.timeout_seconds) + " s)");

    // A counterexample: the program's value under the model (the big-step rules), and the network
    // run concretely on the inputs' encodings.
    z3::model m = solver.get_model();
    out.inputs = model_inputs(m);
    out.interpreter_value = show(m, value, net->output_type);
    NetworkArgs args;
    auto concrete = [&](const SVec& symbolic) {
      Eigen::VectorXd x(static_cast<Eigen::Index>(symbolic.size()));
      for (std::size_t k = 0; k < symbolic.size(); ++k) {
        int64_t entry = 0;  // encodings are 0/1
        (void)m.eval(symbolic[k], true).is_numeral_i64(entry);
        x(static_cast<Eigen::Index>(k)) = static_cast<double>(entry);
      }
      return x;
    };
    for (const SVec& v : input_vectors) args.inputs.push_back(concrete(v));
    for (const auto& [name, v] : param_vectors) args.params.emplace(name, concrete(v));
    Result<NetworkRun> run = run_network(*net, args);
    if (run) {
      Eigen::VectorXd y = run->output.col(0);
      std::optional<std::string> decoded = decode(y, *net->output_type, options.depth);
      out.network_value = decoded ? *decoded : std::string("(not an exact encoding)");
    } else {
      out.network_value = render(run.diagnostics);
    }
    out.first_disagreement = first_disagreement(program, *net, args, unknowns, m, options.depth);
  } catch (const Unsupported& u) {
    return finish(ProveResult::Verdict::Unknown, "not supported yet: " + u.why);
  } catch (const z3::exception& e) {
    return finish(ProveResult::Verdict::Unknown, std::string("Z3: ") + e.msg());
  }
  return finish(ProveResult::Verdict::Refuted);
}

}  // namespace cajal

namespace cajal {

namespace {
// A concrete value as a symbolic constant (a function, as the table of its values up to D).
SVal constant(z3::context& ctx, SourceSemantics& src, const ValuePtr& v, const Type& type, int depth, Evaluator& values) {
  if (const BoolValue* b = v->as<BoolValue>()) return src.boolean(ctx.bool_val(b->value), ctx.bool_val(false));
  if (const NatValue* n = v->as<NatValue>())
    return src.natural(ctx.int_val(static_cast<std::uint64_t>(n->value)), ctx.bool_val(false));
  if (!type.is_arrow() || type.from->is_arrow()) throw Unsupported{"a function of a function as an input"};
  SVal t;
  t.kind = SVal::Kind::Table;
  t.over = ctx.bool_val(false);
  t.type = std::make_shared<const Type>(type);
  for (std::size_t j = 0; j < dimension(*type.from, depth); ++j) {
    Result<ValuePtr> image = values.apply(v, basis_value(*type.from, j));
    if (!image) throw Unsupported{"an input function that fails: " + image.diagnostics.front().message};
    t.entries.push_back(constant(ctx, src, *image, *type.to, depth, values));
  }
  return t;
}


// Whether some part of a value needed a natural above D (for a function: some entry of its table).
bool exceeded(SourceSemantics& src, const SVal& v, const TypePtr& type) {
  if (v.over->simplify().is_true()) return true;
  if (!type->is_arrow()) return false;
  SVal t = src.table(v, type);
  for (const SVal& e : t.entries)
    if (exceeded(src, e, type->to)) return true;
  return false;
}
}  // namespace

Result<SymbolicRun> symbolic_run(const LoadedProgram& program, const std::vector<std::pair<ValuePtr, TypePtr>>& args,
                                 const std::map<std::string, ValuePtr>& params, int depth, Evaluator& values) {
  using R = Result<SymbolicRun>;
  z3::context ctx;
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
    return R::failure(error_at(Span{}, "not supported: " + u.why));
  } catch (const z3::exception& e) {
    return R::failure(error_at(Span{}, std::string("Z3: ") + e.msg()));
  }
}

}  // namespace cajal
