// The symbolic semantics shared by `prove` and `check` (internal to the library).
//
// Two symbolic interpreters over Z3 terms:
// - SourceSemantics: the big-step rules of spec/semantics.md over symbolic values (booleans,
//   naturals with an "exceeds D" flag, `iter` unrolled to D, closures applied by substitution,
//   functions on Bool or Nat as tables of symbolic entries);
// - SymbolicEngine: a compiled network's arithmetic (the engine's ops) on vectors of symbolic
//   reals.
// Both throw Unsupported (with the reason) for what they cannot express; callers report it as
// an "unknown" verdict, never as a proof.
#pragma once

#include <z3++.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cajal/eval/eval.hpp"
#include "cajal/frontend/frontend.hpp"
#include "cajal/network/network.hpp"
#include "cajal/smt/solver.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal::symbolic {

struct Unsupported {
  std::string why;
  bool timeout = false;  // not a limit of the method: the deadline passed while stating the question
};

// ---- the source side: big-step rules over symbolic values ------------------------------------
// A value is a boolean, a natural (an integer with a flag "a natural above D was involved"), a
// closure (applied by substitution, E-App), a table: a function on Bool or Nat given by its
// value at every argument up to D (function inputs and params, and functions that an `if` or an
// `iter` state must merge), or a use: an input of type (A ⊸ B) ⊸ C, one of its definable values
// fun g => k (g a) (spec/equivalence.md §1) with a and the table k unknowns.
struct SEnv;
using SEnvPtr = std::shared_ptr<const SEnv>;
struct SVal {
  enum class Kind { Bool, Nat, Fun, Table, Use } kind = Kind::Bool;
  std::optional<z3::expr> value;  // Bool: a boolean; Nat: an integer
  std::optional<z3::expr> over;   // the value depends on a natural above D on this path
  const Lam* lam = nullptr;       // Fun: a closure...
  const Term* term = nullptr;     // ...its `fun` term (for its type)
  SEnvPtr env;
  std::vector<SVal> entries;      // Table: the value at each basis argument; Use: a, then k
  TypePtr type;                   // Table, Use: its function type
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

  // When the symbolic run must stop (the caller's --timeout): a program whose run grows
  // exponentially (defs that double, nested iters at a large depth) is stopped here, as unknown.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();

  SVal eval(const Term& t, const SEnvPtr& env) {
    if ((++steps_ & 1023) == 0 && std::chrono::steady_clock::now() > deadline)
      throw Unsupported{"the symbolic run of the program took longer than the timeout", true};
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
    if (const Table* table = t.as<Table>()) {  // E-Table: constant entries; none past the largest key
      TypePtr type = type_of(t);
      SVal out{SVal::Kind::Table, std::nullopt, ctx_.bool_val(false), nullptr, nullptr, nullptr, {}, type};
      const std::size_t cols = dimension(*type->from, depth_);
      std::vector<const Term*> by_key(cols, nullptr);
      for (const TableEntry& e : table->entries)
        if (table_index(*e.key) < cols) by_key[table_index(*e.key)] = e.value.get();
      for (std::size_t j = 0; j < cols; ++j)
        out.entries.push_back(by_key[j] ? eval(*by_key[j], env) : missing(type->to));
      return out;
    }
    throw Unsupported{"an unknown term"};
  }

  // A table entry that does not exist: using it is outside the claim (the interpreter stops with
  // an error there, the network loses the mass).
  SVal missing(const TypePtr& type) {
    if (!type->is_arrow()) {
      SVal v = basis(*type, 0);
      v.over = ctx_.bool_val(true);
      return v;
    }
    SVal t{SVal::Kind::Table, std::nullopt, ctx_.bool_val(true), nullptr, nullptr, nullptr, {}, type};
    for (std::size_t j = 0; j < dimension(*type->from, depth_); ++j) t.entries.push_back(missing(type->to));
    return t;
  }

  SVal apply(const SVal& f, const SVal& x) {
    if (f.kind == SVal::Kind::Fun) {  // E-App by substitution into the closure's body
      SVal r = eval(*f.lam->body, extend(f.env, f.lam->param, x));
      return with_over(r, *f.over);
    }
    if (f.kind == SVal::Kind::Use) {  // (fun g => k (g a)) x: k applied to x's table at a
      SVal at = apply(table(x, f.type->from), f.entries[0]);
      return with_over(apply(f.entries[1], at), *f.over);
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
    if (!type->is_arrow() || !type->from->is_finite_base())
      throw Unsupported{"a function of a function, or on a Vec, where its table is needed"};
    SVal t{SVal::Kind::Table, std::nullopt, ctx_.bool_val(false), nullptr, nullptr, nullptr, {}, type};
    for (std::size_t j = 0; j < dimension(*type->from, depth_); ++j)
      t.entries.push_back(settle(apply(f, basis(*type->from, j)), type->to));
    return t;
  }

  SVal basis(const Type& t, std::size_t j) {
    if (!t.is_finite_base()) throw Unsupported{"a basis value of " + print_type(t)};
    return t.kind == Type::Kind::Bool ? boolean(ctx_.bool_val(j == 0), ctx_.bool_val(false))
                                      : natural(ctx_.int_val(static_cast<int>(j)), ctx_.bool_val(false));
  }
  SVal boolean(z3::expr v, z3::expr over) { return SVal{SVal::Kind::Bool, v, over, nullptr, nullptr, nullptr, {}, nullptr}; }
  SVal natural(z3::expr v, z3::expr over) { return SVal{SVal::Kind::Nat, v, over, nullptr, nullptr, nullptr, {}, nullptr}; }

 private:
  std::uint64_t steps_ = 0;
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

  // When the symbolic run must stop (the caller's --timeout), as SourceSemantics::deadline: a
  // large network (mul.cj at D = 64 takes seconds to state) is stopped here, as unknown.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();

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
            // Compiled constants are 0/1; a read network may hold anything (checked before the cast).
            if (!std::isfinite(x) || std::abs(x) > 9.0e15 || x != std::trunc(x))
              throw Unsupported{"a constant that is not a whole number below 2^53"};
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
  std::uint64_t steps_ = 0;

  static bool is(const z3::expr& e, int value) {
    int64_t x;
    return e.is_numeral_i64(x) && x == value;
  }
  // Products keep to linear arithmetic where they can: a 0/1 selector ite(c, 1, 0) times x is
  // ite(c, x, 0) (the encodings of symbolic inputs are such selectors).
  z3::expr mul(const z3::expr& a, const z3::expr& b) {
    if ((++steps_ & 255) == 0 && std::chrono::steady_clock::now() > deadline)
      throw Unsupported{"the symbolic run of the network took longer than the timeout", true};
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
SVec encode(z3::context& ctx, const SVal& v, int depth);

// A symbolic value in source syntax, its booleans and integers read by `concrete` (a model's
// evaluation, or simplification when the value is already constant); functions as tables.
std::string value_text(SourceSemantics& src, const SVal& v, const TypePtr& type,
                       const std::function<z3::expr(const z3::expr&)>& concrete);

// A symbolic input (or param) of `type` named `name`: a boolean, an integer constrained to 0..D (on
// `solver`), or, for a function on Bool or Nat, a table of those. Every boolean and integer unknown
// is appended to `leaves`, in the order of counterexamples (tables entry by entry in key order).
// Throws Unsupported for a Vec or a function of a function.
SVal unknown_input(z3::context& ctx, smt::Solver& solver, const std::string& name, const TypePtr& type, int depth,
                   std::vector<z3::expr>& leaves);


// A concrete interpreter value as a symbolic constant (a function, as the table of its values up to D).
SVal constant(z3::context& ctx, SourceSemantics& src, const ValuePtr& v, const Type& type, int depth, Evaluator& values);

// Whether some part of a value needed a natural above D (for a function: some entry of its table).
bool exceeded(SourceSemantics& src, const SVal& v, const TypePtr& type);

}  // namespace cajal::symbolic
