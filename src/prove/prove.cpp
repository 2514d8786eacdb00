// Translation validation with Z3 (include/cajal/prove/prove.hpp).
#include "cajal/prove/prove.hpp"

#include <z3++.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "cajal/compile/compile.hpp"
#include "cajal/network/encode.hpp"
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
struct SEnv;
using SEnvPtr = std::shared_ptr<const SEnv>;
struct SVal {
  enum class Kind { Bool, Nat, Fun } kind = Kind::Bool;
  std::optional<z3::expr> value;  // Bool: a boolean; Nat: an integer
  std::optional<z3::expr> over;   // the value depends on a natural above D on this path
  const Lam* lam = nullptr;       // Fun: a closure
  SEnvPtr env;
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
    if (const Lam* l = t.as<Lam>()) return SVal{SVal::Kind::Fun, std::nullopt, ctx_.bool_val(false), l, env};
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
      return merge(*c.value, *c.over, eval(*i->then_branch, env), eval(*i->else_branch, env));
    }
    if (const Let* l = t.as<Let>()) return eval(*l->body, extend(env, l->name, eval(*l->bound, env)));
    if (const Iter* it = t.as<Iter>()) {  // E-IterZero / E-IterSucc, unrolled to D
      SVal h = eval(*it->base, env);
      SVal n = eval(*it->count, env);
      if (h.kind == SVal::Kind::Fun) throw Unsupported{"an `iter` whose state is a function"};
      std::vector<SVal> states{h};
      for (int k = 1; k <= depth_; ++k) states.push_back(eval(*it->step, extend(env, it->state, states.back())));
      SVal result = states[static_cast<std::size_t>(depth_)];
      for (int k = depth_ - 1; k >= 0; --k)
        result = merge(*n.value == ctx_.int_val(k), ctx_.bool_val(false), states[static_cast<std::size_t>(k)], result);
      result.over = *n.over || *result.over;
      return result;
    }
    throw Unsupported{"an unknown term"};
  }

  SVal apply(const SVal& f, const SVal& x) {  // E-App by substitution into the closure's body
    if (f.kind != SVal::Kind::Fun) throw Unsupported{"applying a value that is not a known function"};
    SVal r = eval(*f.lam->body, extend(f.env, f.lam->param, x));
    r.over = *r.over || *f.over;
    return r;
  }

  SVal boolean(z3::expr v, z3::expr over) { return SVal{SVal::Kind::Bool, v, over, nullptr, nullptr}; }
  SVal natural(z3::expr v, z3::expr over) { return SVal{SVal::Kind::Nat, v, over, nullptr, nullptr}; }

 private:
  z3::context& ctx_;
  const LoadedProgram& program_;
  int depth_;
  std::map<std::string, SVal> params_;

  static SEnvPtr extend(const SEnvPtr& env, const std::string& name, SVal v) {
    return std::make_shared<const SEnv>(SEnv{name, std::move(v), env});
  }

  SVal merge(const z3::expr& c, const z3::expr& c_over, const SVal& t, const SVal& u) {
    if (t.kind == SVal::Kind::Fun || u.kind == SVal::Kind::Fun) throw Unsupported{"an `if` whose branches are functions"};
    return SVal{t.kind, z3::ite(c, *t.value, *u.value), c_over || z3::ite(c, *t.over, *u.over), nullptr, nullptr};
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

// The symbolic encoding of a base value (a one-hot vector of reals).
SVec encode(z3::context& ctx, const SVal& v, int depth) {
  if (v.kind == SVal::Kind::Bool)
    return {z3::ite(*v.value, ctx.real_val(1), ctx.real_val(0)), z3::ite(*v.value, ctx.real_val(0), ctx.real_val(1))};
  SVec out;
  for (int k = 0; k <= depth; ++k) out.push_back(z3::ite(*v.value == ctx.int_val(k), ctx.real_val(1), ctx.real_val(0)));
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
    SVal x = t.from->kind == Type::Kind::Bool ? src.boolean(ctx.bool_val(j == 0), ctx.bool_val(false))
                                              : src.natural(ctx.int_val(static_cast<int>(j)), ctx.bool_val(false));
    SVec column;
    for (std::size_t r = 0; r < rows; ++r) column.push_back(net[r * cols + j]);
    any.push_back(differs(ctx, src, src.apply(v, x), column, *t.to, depth));
  }
  return z3::mk_or(any);
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
  using R = Result<ProveResult>;
  auto start = std::chrono::steady_clock::now();
  CompileOptions compile;
  compile.depth = options.depth;
  compile.mutant = options.mutant;
  compile.annotate = false;
  Result<Network> net = compile_program(program, compile);
  if (!net) return R::failure(std::move(net.diagnostics));

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
    // Symbolic inputs and params: Bool and Nat only (for now).
    std::vector<z3::expr> unknowns;
    std::vector<std::pair<std::string, TypePtr>> named;
    auto symbol = [&](const std::string& name, const TypePtr& type, z3::solver& s) -> SVal {
      if (type->kind == Type::Kind::Bool) {
        z3::expr b = ctx.bool_const(name.c_str());
        unknowns.push_back(b);
        return SVal{SVal::Kind::Bool, b, ctx.bool_val(false), nullptr, nullptr};
      }
      if (type->kind == Type::Kind::Nat) {
        z3::expr n = ctx.int_const(name.c_str());
        s.add(n >= 0 && n <= options.depth);
        unknowns.push_back(n);
        return SVal{SVal::Kind::Nat, n, ctx.bool_val(false), nullptr, nullptr};
      }
      throw Unsupported{"`" + name + "` has type " + print_type(type) + " (only Bool and Nat inputs and params so far)"};
    };
    z3::solver solver(ctx);
    solver.set("random_seed", options.seed);
    std::map<std::string, SVal> params;
    std::map<std::string, SVec> param_vectors;
    for (const NetworkInput& p : net->params) {
      params.emplace(p.name, symbol(p.name, p.type, solver));
      param_vectors.emplace(p.name, encode(ctx, params.at(p.name), options.depth));
      named.emplace_back(p.name, p.type);
    }
    SourceSemantics source(ctx, program, options.depth, params);
    std::vector<SVal> inputs;
    std::vector<SVec> input_vectors;
    for (const NetworkInput& in : net->inputs) {
      inputs.push_back(symbol(in.name, in.type, solver));
      input_vectors.push_back(encode(ctx, inputs.back(), options.depth));
      named.emplace_back(in.name, in.type);
    }
    SVal value = source.eval(*program.program.find_def("main")->body, nullptr);
    for (const SVal& x : inputs) value = source.apply(value, x);
    SymbolicEngine engine(ctx, *net, param_vectors);
    SVec output = engine.run(0, input_vectors);

    auto dump = [&](const std::string& name, const std::string& question) {
      if (!options.smt_dump_dir) return;
      std::filesystem::create_directories(*options.smt_dump_dir);
      std::ofstream f(std::filesystem::path(*options.smt_dump_dir) / name);
      f << "; cajal prove, depth " << options.depth << ": " << question << "\n; sat = yes (with a model), unsat = no\n"
        << solver.to_smt2();
    };
    auto model_inputs = [&](const z3::model& m) {
      std::vector<std::pair<std::string, std::string>> values;
      for (std::size_t k = 0; k < named.size(); ++k) {
        z3::expr v = m.eval(unknowns[k], true);
        values.emplace_back(named[k].first, named[k].second->kind == Type::Kind::Bool ? (v.is_true() ? "true" : "false")
                                                                                      : v.to_string());
      }
      return values;
    };

    // Outside the claim: inputs whose run needs naturals above D.
    solver.push();
    solver.add(*value.over);
    dump("outside.smt2", "is there an input whose run needs a natural above D?");
    if (check_with_watchdog(ctx, solver, options.timeout_seconds) == z3::sat) {
      auto example = model_inputs(solver.get_model());
      std::string e;
      for (const auto& [n, v] : example) e += (e.empty() ? "" : ", ") + n + " = " + v;
      out.warnings.push_back("some inputs need naturals above D = " + std::to_string(options.depth) +
                             " and are outside this claim" + (e.empty() ? "" : ", e.g. " + e));
    }
    solver.pop();

    // The question: does some input within D make the network differ from the program?
    solver.add(differs(ctx, source, value, output, *net->output_type, options.depth));
    dump("differ.smt2", "is there an input, within D, on which the network's output differs from the program's value?");
    z3::check_result r = check_with_watchdog(ctx, solver, options.timeout_seconds);
    if (r == z3::unsat) return finish(ProveResult::Verdict::Proved);
    if (r == z3::unknown)
      return finish(ProveResult::Verdict::Unknown,
                    "Z3 answered unknown (" + solver.reason_unknown() + ", timeout " + std::to_string(options.timeout_seconds) + " s)");
    out.inputs = model_inputs(solver.get_model());
  } catch (const Unsupported& u) {
    return finish(ProveResult::Verdict::Unknown, "not supported yet: " + u.why);
  } catch (const z3::exception& e) {
    return finish(ProveResult::Verdict::Unknown, std::string("Z3: ") + e.msg());
  }

  // A counterexample: both sides run concretely on it, to show the difference.
  RunRequest request;
  request.depth = options.depth;
  request.mutant = options.mutant;
  for (const auto& [name, value] : out.inputs) {
    if (program.program.find_param(name))
      request.params.emplace_back(name, std::make_shared<const Source>("<param " + name + ">", value));
    else
      request.args.push_back(std::make_shared<const Source>("<input " + name + ">", value));
  }
  Result<RunResult> reference = run_main(program, request);
  out.interpreter_value = reference ? print_term(*reference->value_term) : render(reference.diagnostics);
  Result<NetworkRunResult> network = run_main_on_network(program, request);
  out.network_value = network ? (network->value ? *network->value : std::string("(not an exact encoding)"))
                              : render(network.diagnostics);
  return finish(ProveResult::Verdict::Refuted);
}

}  // namespace cajal
