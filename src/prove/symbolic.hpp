// The symbolic semantics shared by `prove` and `check` (internal to the library).
//
// Two symbolic interpreters over Z3 terms:
// - SourceSemantics: the big-step rules of spec/semantics.md over symbolic values (booleans,
//   naturals with an "exceeds D" flag, `iter` unrolled to D, closures applied by substitution,
//   functions on Bool or Nat as tables of symbolic entries, vectors as polynomials in the real
//   unknowns, functions on Vec as matrices: their images of the unit vectors);
// - BasicEngine: a compiled network's arithmetic (the engine's ops) on vectors of symbolic
//   scalars: Z3 terms (SymbolicEngine), whole numbers or Z3 terms (MixedEngine), or polynomials
//   in the real unknowns (PolynomialEngine).
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
#include "arith.hpp"

namespace cajal::symbolic {

// ---- the source side: big-step rules over symbolic values ------------------------------------
// A value is a boolean, a natural (an integer with a flag "a natural above D was involved"), a
// closure (applied by substitution, E-App), a table: a function on Bool or Nat given by its
// value at every argument up to D (function inputs and params, and functions that an `if` or an
// `iter` state must merge), or a vector: a polynomial per entry in the real unknowns (arith.hpp). A function on Vec n, where it must be a
// value (merged, or an input), is a table over the unit vectors e_0 … e_{n-1}: its matrix's
// columns (exact: a linear function is determined by them, spec/denotation.md §2). A function of
// a function that an `if` or an `iter` state must merge is kept as a choice, `if value then
// entries[0] else entries[1]`, applied by applying both.
//
// Soft values (spec/denotation.md §8.6): a Bool or Nat computed from real numbers (a `Vec n ⊸
// Bool` param applied, or an input taken as a matrix of real unknowns) is its encoding, one
// polynomial per basis value. The rules that consume a Bool or Nat take a soft one by linearity,
// as the denotation does: `if` weighs its branches by the condition's two entries, `iter` its
// states by the count's entries, a table its entries by the key's, `succ` shifts (what passes D
// is dropped, and `over` says that some real point drops something). A weighted choice is the
// same for a function of a function: Σ weight · (entry applied). Every input whose type the
// discrete unknowns cannot range over (a function of a function, a function from or into real
// vectors, a Bool or Nat from reals) is a matrix of real unknowns: a table over its domain's
// basis, where the basis of a function type is its matrix units (spec/denotation.md §8.6 says
// why this decides the claim for every definable value).
struct SEnv;
using SEnvPtr = std::shared_ptr<const SEnv>;
struct SVal {
  enum class Kind { Bool, Nat, Fun, Table, Vec, Choice, Soft } kind = Kind::Bool;
  std::optional<z3::expr> value;  // Bool: a boolean; Nat: an integer; Choice: the condition (none: weighted)
  std::optional<z3::expr> over;   // the value depends on a natural above D on this path
  const Lam* lam = nullptr;       // Fun: a closure...
  const Term* term = nullptr;     // ...its `fun` term (for its type)
  SEnvPtr env;
  std::vector<SVal> entries;      // Table: the value at each basis argument; Choice: then, else (or the weighted ones)
  TypePtr type;                   // Table, Choice: its function type
  std::vector<Poly> reals = {};   // Vec: its entries; Soft: its encoding; a weighted Choice: the weights
};
// A matrix given by its columns, as its encoding: row-major.
template <class T>
std::vector<T> row_major(const std::vector<std::vector<T>>& columns) {
  std::vector<T> out;
  for (std::size_t r = 0; r < columns[0].size(); ++r)
    for (const std::vector<T>& column : columns) out.push_back(column[r]);
  return out;
}

// (symbolic.cpp) A value's encoding as polynomials (constants for what is not real).
std::vector<Poly> encode_poly(PolyArith& arith, const SVal& v, int depth);

struct SEnv {
  std::string name;
  SVal value;
  SEnvPtr next;
};

class SourceSemantics {
 public:
  SourceSemantics(z3::context& ctx, const LoadedProgram& p, int depth, std::map<std::string, SVal> params)
      : ctx_(ctx), program_(p), depth_(depth), params_(std::move(params)), reals_(ctx) {
    for_each_subterm(p.program, [&](const Term& t) {
      if (const Var* v = t.as<Var>()) ++uses_[v->name];
    });
  }

  // The arithmetic of vectors (polynomials in the real unknowns).
  PolyArith& reals() { return reals_; }
  int depth() const { return depth_; }

  // A param's value: its unknown, or the constant it is fixed to (bound after construction when
  // the constant needs reals()).
  void bind_param(const std::string& name, SVal v) { params_.insert_or_assign(name, std::move(v)); }
  const SVal& param(const std::string& name) const { return params_.at(name); }

  // Whether mass dropped past D marks a run as leaving D (with_lost).
  bool track_loss = false;

  // Induction on an iteration's count (spec/denotation.md §8.8). An `iter` term of `deferred`,
  // whose state is a vector, is not unrolled: its value is its `result` (fresh real unknowns,
  // which the network's side takes for its Iterate neuron too), and what it was given is kept:
  // the count, the base, and the step's value on the state `state` (other fresh real unknowns).
  // `evaluations` counts how often the term was met (induction needs exactly once).
  struct DeferredIter {
    std::vector<Poly> result, state;
    int evaluations = 0;
    std::optional<SVal> count, base, step;
  };
  std::map<const Iter*, DeferredIter> deferred;

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
      if (const Def* d = program_.program.find_def(v->name)) return def_value(*d, t);  // E-Def
      throw Unsupported{"internal: unbound variable " + v->name};
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
      if (x.kind == SVal::Kind::Soft) return shifted(x);
      std::int64_t k;  // (a known natural stays a numeral: the cases of §8.7 fold)
      z3::expr next = x.value->is_numeral_i64(k) && k < depth_ + 1 ? ctx_.int_val(k + 1) : *x.value + 1;
      return natural(next, either(*x.over, next.is_numeral_i64(k) ? ctx_.bool_val(k > depth_) : next > ctx_.int_val(depth_)));
    }
    if (const If* i = t.as<If>()) {  // E-IfTrue / E-IfFalse, as one ite
      SVal c = eval(*i->cond, env);
      if (c.kind == SVal::Kind::Soft)  // weighted by the condition's entries (true first)
        return with_lost(mix(c.reals, {eval(*i->then_branch, env), eval(*i->else_branch, env)}, type_of(t)), *c.over);
      return merge(*c.value, *c.over, eval(*i->then_branch, env), eval(*i->else_branch, env), type_of(t));
    }
    if (const Let* l = t.as<Let>()) return eval(*l->body, extend(env, l->name, eval(*l->bound, env)));
    if (const Iter* it = t.as<Iter>()) {  // E-IterZero / E-IterSucc, unrolled to D
      if (auto d = deferred.find(it); d != deferred.end()) return defer(*it, t, env, d->second);
      TypePtr state = type_of(t);
      SVal n = eval(*it->count, env);
      std::vector<SVal> states{settle(eval(*it->base, env), state)};
      // (A known count k needs the states up to k only: a case of spec/denotation.md §8.7.)
      std::int64_t known = depth_;
      const int last = n.kind == SVal::Kind::Nat && n.value->is_numeral_i64(known) && known < depth_ ? static_cast<int>(known) : depth_;
      if (last < depth_) {
        for (int k = 1; k <= last; ++k) states.push_back(settle(eval(*it->step, extend(env, it->state, states.back())), state));
        return with_over(states.back(), *n.over);
      }
      for (int k = 1; k <= depth_; ++k)
        states.push_back(settle(eval(*it->step, extend(env, it->state, states.back())), state));
      if (n.kind == SVal::Kind::Soft) return with_lost(mix(n.reals, states, state), *n.over);
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
    throw Unsupported{"internal: an unknown term"};
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
    if (f.kind == SVal::Kind::Choice && !f.value) {  // (Σ wₖ fₖ) x = Σ wₖ (fₖ x)
      std::vector<SVal> applied;
      for (const SVal& e : f.entries) applied.push_back(apply(e, x));
      return with_over(mix(f.reals, applied, f.type->to), *f.over);  // (weights are never lost mass)
    }
    if (f.kind == SVal::Kind::Choice)  // (if c then f₁ else f₂) x = if c then f₁ x else f₂ x
      return with_over(merge(*f.value, ctx_.bool_val(false), apply(f.entries[0], x), apply(f.entries[1], x), f.type->to), *f.over);
    if (f.kind != SVal::Kind::Table) throw Unsupported{"internal: applying a value that is not a function"};
    if (f.type->from->is_vec()) {  // E-AppMatrix: M · x = Σ_j x_j · (column j of M)
      if (x.kind != SVal::Kind::Vec) throw Unsupported{"internal: a matrix applied to something other than a vector"};
      SVal sum = scaled(x.reals[0], f.entries[0], f.type->to);
      for (std::size_t j = 1; j < f.entries.size(); ++j) sum = plus(sum, scaled(x.reals[j], f.entries[j], f.type->to), f.type->to);
      return with_over(sum, either(*f.over, *x.over));
    }
    if (f.type->from->is_arrow()) {  // a matrix applied to a function: Σ_j ⟦x⟧_j · (column j)
      z3::expr lost = ctx_.bool_val(false);
      std::vector<Poly> e = soft_encoding(table(x, f.type->from), f.type->from, lost);
      return with_lost(with_over(mix(e, f.entries, f.type->to), *f.over), lost);
    }
    if (x.kind == SVal::Kind::Soft) return with_lost(with_over(mix(x.reals, f.entries, f.type->to), *f.over), *x.over);
    if (x.kind != SVal::Kind::Bool && x.kind != SVal::Kind::Nat) throw Unsupported{"internal: a table applied to a function"};
    // The entry selected by x: an ite over the basis values.
    SVal result = f.entries.back();
    for (std::size_t j = f.entries.size() - 1; j-- > 0;) {
      z3::expr is_j = x.kind == SVal::Kind::Bool ? (j == 0 ? *x.value : !*x.value)
                                                 : *x.value == ctx_.int_val(static_cast<int>(j));
      result = merge(is_j, ctx_.bool_val(false), f.entries[j], result, f.type->to);
    }
    return with_over(result, either(*f.over, *x.over));
  }

  // A function value as a table over its domain's basis (Bool, Nat, or the unit vectors of Vec n).
  SVal table(const SVal& f, const TypePtr& type) {
    if (f.kind == SVal::Kind::Table) return f;
    if (!type->is_arrow()) throw Unsupported{"internal: a table of a value that is not a function"};
    SVal t{SVal::Kind::Table, std::nullopt, ctx_.bool_val(false), nullptr, nullptr, nullptr, {}, type};
    for (std::size_t j = 0; j < dimension(*type->from, depth_); ++j)
      t.entries.push_back(settle(apply(f, basis(*type->from, j)), type->to));
    return t;
  }

  SVal basis(const Type& t, std::size_t j) {
    if (t.is_vec()) {  // the unit vector e_j
      SVal e = vector(ctx_.bool_val(false));
      for (std::size_t k = 0; k < t.size; ++k) e.reals.push_back(reals_.integer(k == j ? 1 : 0));
      return e;
    }
    if (t.is_arrow()) {  // the matrix unit j = r · cols + c: column c is the basis value r, the others 0
      const std::size_t cols = dimension(*t.from, depth_);
      SVal unit = zero(t);
      unit.entries[j % cols] = basis(*t.to, j / cols);
      return unit;
    }
    return t.kind == Type::Kind::Bool ? boolean(ctx_.bool_val(j == 0), ctx_.bool_val(false))
                                      : natural(ctx_.int_val(static_cast<int>(j)), ctx_.bool_val(false));
  }
  SVal boolean(z3::expr v, z3::expr over) { return SVal{SVal::Kind::Bool, v, over, nullptr, nullptr, nullptr, {}, nullptr}; }
  SVal natural(z3::expr v, z3::expr over) { return SVal{SVal::Kind::Nat, v, over, nullptr, nullptr, nullptr, {}, nullptr}; }
  SVal vector(z3::expr over) { return SVal{SVal::Kind::Vec, std::nullopt, over, nullptr, nullptr, nullptr, {}, nullptr}; }
  SVal soft(std::vector<Poly> encoding, z3::expr over) {
    return SVal{SVal::Kind::Soft, std::nullopt, over, nullptr, nullptr, nullptr, {}, nullptr, std::move(encoding)};
  }
  // The value whose encoding is 0 (of a Bool or Nat: a soft value with no mass).
  SVal zero(const Type& t) {
    if (t.is_vec() || t.is_finite_base()) {
      SVal z = t.is_vec() ? vector(ctx_.bool_val(false)) : soft({}, ctx_.bool_val(false));
      z.reals.assign(t.is_vec() ? t.size : dimension(t, depth_), Poly{});
      return z;
    }
    SVal z{SVal::Kind::Table, std::nullopt, ctx_.bool_val(false), nullptr, nullptr, nullptr, {}, std::make_shared<const Type>(t)};
    z.entries.assign(dimension(*t.from, depth_), zero(*t.to));
    return z;
  }

  // A value's encoding as polynomials, where a part that needed a natural above D (or a missing
  // table entry) is 0, as in the network: that mass is lost (its `over` joins `lost`).
  std::vector<Poly> soft_encoding(const SVal& v, const TypePtr& type, z3::expr& lost) {
    if (type->is_arrow()) {
      SVal t = table(v, type);
      lost = lost || *t.over;
      std::vector<std::vector<Poly>> columns;
      for (const SVal& e : t.entries) columns.push_back(soft_encoding(e, type->to, lost));
      std::vector<Poly> out = row_major(columns);
      if (!t.over->simplify().is_false())  // the whole table needed a natural above D: all of it is 0
        for (Poly& p : out) p = reals_.ite(*t.over, Poly{}, p);
      return out;
    }
    lost = lost || *v.over;
    std::vector<Poly> out = v.kind == SVal::Kind::Vec || v.kind == SVal::Kind::Soft ? v.reals : encode_poly(reals_, v, depth_);
    // (A soft value's `over` is mass already dropped, not a reason to drop the rest.)
    if (v.kind == SVal::Kind::Soft || v.over->simplify().is_false()) return out;
    for (Poly& p : out) p = reals_.ite(*v.over, Poly{}, p);
    return out;
  }

 private:
  std::uint64_t steps_ = 0;
  z3::context& ctx_;
  const LoadedProgram& program_;
  int depth_;
  std::map<std::string, SVal> params_;
  PolyArith reals_;
  std::map<std::string, std::size_t> uses_;    // how often each name occurs in the program
  std::map<const Def*, SVal> def_tables_;      // shared defs, each tabulated once

  // A def's value (E-Def). A def that is used more than once and is a function on Bool or Nat
  // with a small domain is evaluated once, as its table, and shared by every use: applying it is
  // a lookup, not another copy of its body (a chain of defs each applying the previous one twice
  // would otherwise unfold exponentially). The table is its value at every argument up to D, as
  // for an input function: exact within D, and a run that applies it past D is outside the
  // claim either way.
  static constexpr std::size_t kSharedDomain = 16;
  SVal def_value(const Def& d, const Term& use) {
    TypePtr type = type_of(use);
    const bool shared = uses_[d.name] > 1 && type->is_arrow() && type->from->is_finite_base() && !of_function(type) &&
                        dimension(*type->from, depth_) <= kSharedDomain;
    if (!shared) return eval(*d.body, nullptr);
    if (auto it = def_tables_.find(&d); it != def_tables_.end()) return it->second;
    SVal t = table(eval(*d.body, nullptr), type);
    def_tables_.emplace(&d, t);
    return t;
  }

  // A deferred `iter` (DeferredIter): its parts are evaluated, its value is the fresh vector,
  // out of D when its count is.
  SVal defer(const Iter& it, const Term& t, const SEnvPtr& env, DeferredIter& d) {
    ++d.evaluations;
    TypePtr state = type_of(t);
    d.count = eval(*it.count, env);
    d.base = settle(eval(*it.base, env), state);
    SVal y = vector(ctx_.bool_val(false));
    y.reals = d.state;
    d.step = settle(eval(*it.step, extend(env, it.state, y)), state);
    SVal r = vector(d.count->kind == SVal::Kind::Soft ? ctx_.bool_val(false) : *d.count->over);
    r.reals = d.result;
    return r;
  }

  static SEnvPtr extend(const SEnvPtr& env, const std::string& name, SVal v) {
    return std::make_shared<const SEnv>(SEnv{name, std::move(v), env});
  }
  TypePtr type_of(const Term& t) const {
    TypePtr type = program_.checked.types.of(t);
    if (!type) throw Unsupported{"internal: a term without a type"};
    return type;
  }
  // `more`: the whole value needed a natural above D (the network has 0 there; a soft value's
  // encoding becomes 0 too). `with_lost`: some of a soft value's mass was dropped.
  SVal with_over(SVal v, const z3::expr& more) {
    if (v.kind == SVal::Kind::Soft && !more.simplify().is_false())
      for (Poly& p : v.reals) p = reals_.ite(more, Poly{}, p);
    v.over = either(*v.over, more);
    return v;
  }
  // Mass that passed D is dropped (the truncation of spec/denotation.md §8.6): for `prove`, whose
  // claim is the truncated denotation, nothing more; with track_loss (`check`, whose claim is the
  // big-step semantics) the value is marked as having left D, as a whole, for every discrete
  // input where some real point loses mass: those inputs are not decided by the polynomials.
  SVal with_lost(SVal v, const z3::expr& more) { return track_loss ? with_over(std::move(v), more) : v; }
  // Functions become tables where values must be merged (if branches, iter states); functions of
  // functions stay as they are (merged as a choice).
  static bool of_function(const TypePtr& type) { return type->is_arrow() && type->from->is_arrow(); }
  SVal settle(const SVal& v, const TypePtr& type) {
    return v.kind == SVal::Kind::Fun && !of_function(type) ? table(v, type) : v;
  }

  SVal merge(const z3::expr& c, const z3::expr& c_over, const SVal& t, const SVal& u, const TypePtr& type) {
    if (type->is_finite_base() && (t.kind == SVal::Kind::Soft || u.kind == SVal::Kind::Soft)) {
      z3::expr lost_t = ctx_.bool_val(false), lost_u = ctx_.bool_val(false);
      std::vector<Poly> a = soft_encoding(t, type, lost_t), b = soft_encoding(u, type, lost_u);
      SVal m = soft({}, z3::ite(c, lost_t, lost_u));
      for (std::size_t k = 0; k < a.size(); ++k) m.reals.push_back(reals_.ite(c, a[k], b[k]));
      return with_over(m, c_over);
    }
    if (std::optional<bool> known = decided(c)) return with_over(*known ? t : u, c_over);  // (a case of §8.7)
    if (type->is_vec()) {
      SVal m = vector(either(c_over, choose(c, *t.over, *u.over)));
      for (std::size_t k = 0; k < t.reals.size(); ++k) m.reals.push_back(reals_.ite(c, t.reals[k], u.reals[k]));
      return m;
    }
    if (of_function(type))
      return SVal{SVal::Kind::Choice, c, c_over, nullptr, nullptr, nullptr, {t, u}, type};
    if (type->is_arrow()) {
      SVal a = table(t, type), b = table(u, type);
      SVal m{SVal::Kind::Table, std::nullopt, either(c_over, choose(c, *a.over, *b.over)), nullptr, nullptr, nullptr, {}, type};
      for (std::size_t j = 0; j < a.entries.size(); ++j)
        m.entries.push_back(merge(c, ctx_.bool_val(false), a.entries[j], b.entries[j], type->to));
      return m;
    }
    return SVal{t.kind, z3::ite(c, *t.value, *u.value), either(c_over, choose(c, *t.over, *u.over)), nullptr, nullptr, nullptr, {}, nullptr};
  }

  // a ∨ b and ite(c, a, b) on the `over` flags, with `false` (the common case) folded: a run of
  // known values (a case of spec/denotation.md §8.7) keeps flags that are literals.
  static z3::expr either(const z3::expr& a, const z3::expr& b) {
    if (a.is_false() || b.is_true()) return b;
    if (b.is_false() || a.is_true()) return a;
    return a || b;
  }
  static z3::expr choose(const z3::expr& c, const z3::expr& a, const z3::expr& b) {
    if (a.is_false() && b.is_false()) return a;
    return z3::ite(c, a, b);
  }

  // A condition that is true or false whatever the unknowns (an equality of numerals, when prove
  // fixes an unknown to a value: spec/denotation.md §8.7); nullopt when it depends on them.
  static std::optional<bool> decided(const z3::expr& c) {
    if (c.is_true()) return true;
    if (c.is_false()) return false;
    if (!c.is_app()) return std::nullopt;
    const Z3_decl_kind kind = c.decl().decl_kind();
    if (kind == Z3_OP_NOT) {
      std::optional<bool> d = decided(c.arg(0));
      return d ? std::optional<bool>(!*d) : std::nullopt;
    }
    std::int64_t a, b;
    if (kind == Z3_OP_EQ && c.arg(0).is_numeral_i64(a) && c.arg(1).is_numeral_i64(b)) return a == b;
    return std::nullopt;
  }

  // Σₖ weights[k] · values[k], for values of one type: the linear structure of E-AppMatrix and of
  // the soft rules. A function of a function stays a weighted choice (applied by applying each).
  SVal mix(const std::vector<Poly>& weights, const std::vector<SVal>& values, const TypePtr& type) {
    if (of_function(type)) {
      SVal choice{SVal::Kind::Choice, std::nullopt, ctx_.bool_val(false), nullptr, nullptr, nullptr, {}, type};
      for (std::size_t k = 0; k < values.size(); ++k)
        if (!weights[k].terms.empty()) {
          choice.entries.push_back(values[k]);
          choice.reals.push_back(weights[k]);
        }
      return choice;
    }
    SVal sum = zero(*type);
    for (std::size_t k = 0; k < values.size(); ++k)
      if (!weights[k].terms.empty()) sum = plus(sum, scaled(weights[k], values[k], type), type);
    return sum;
  }

  // succ on a soft natural: its entries move up one; the entry at D is lost (`over` where it is
  // not 0 as a polynomial).
  SVal shifted(const SVal& x) {
    SVal out = soft({Poly{}}, *x.over);
    out = with_lost(std::move(out), reals_.differ(x.reals.back(), Poly{}));
    out.reals.insert(out.reals.end(), x.reals.begin(), x.reals.end() - 1);
    return out;
  }

  // c · v and v + w (the linear structure of the encodings). A Bool or Nat scaled is soft.
  SVal scaled(const Poly& c, const SVal& v, const TypePtr& type) {
    if (type->is_vec()) {
      SVal out = v;
      for (Poly& r : out.reals) r = reals_.mul(c, r);
      return out;
    }
    if (type->is_finite_base()) {
      z3::expr lost = ctx_.bool_val(false);
      SVal out = soft(soft_encoding(v, type, lost), ctx_.bool_val(false));
      for (Poly& r : out.reals) r = reals_.mul(c, r);
      if (!lost.simplify().is_false()) out = with_lost(std::move(out), lost && reals_.differ(c, Poly{}));
      return out;
    }
    SVal out = table(v, type);
    for (SVal& e : out.entries) e = scaled(c, e, type->to);
    return out;
  }
  SVal plus(const SVal& a, const SVal& b, const TypePtr& type) {
    if (type->is_finite_base()) {
      z3::expr lost = *a.over || *b.over;
      std::vector<Poly> x = soft_encoding(a, type, lost), y = soft_encoding(b, type, lost);
      SVal out = soft({}, lost);
      for (std::size_t k = 0; k < x.size(); ++k) out.reals.push_back(reals_.add(x[k], y[k]));
      return out;
    }
    if (type->is_vec()) {
      SVal out = vector(*a.over || *b.over);
      for (std::size_t k = 0; k < a.reals.size(); ++k) out.reals.push_back(reals_.add(a.reals[k], b.reals[k]));
      return out;
    }
    SVal x = table(a, type), y = table(b, type);
    x.over = *x.over || *y.over;
    for (std::size_t j = 0; j < x.entries.size(); ++j) x.entries[j] = plus(x.entries[j], y.entries[j], type->to);
    return x;
  }
};

// ---- the network side: the engine's arithmetic on symbolic scalars -------------------------
// Arith is ExprArith (Z3 terms), MixedArith (whole numbers, Z3 terms) or PolyArith (polynomials
// in the real unknowns): arith.hpp.
template <class Arith>
class BasicEngine {
 public:
  using Scalar = typename Arith::Scalar;
  using Vector = std::vector<Scalar>;
  BasicEngine(z3::context& ctx, const Network& net, std::map<std::string, Vector> params)
      : arith_(ctx), net_(net), params_(std::move(params)) {}

  // The scalars' arithmetic; its deadline (the caller's --timeout) stops a large network (mul.cj
  // at D = 64 takes seconds to state) as unknown.
  Arith& arith() { return arith_; }

  // Induction on an iteration's count (SourceSemantics::DeferredIter): an Iterate neuron of the
  // top-level graph in `deferred` (by index) is not unrolled. Its value is its `result`, and its
  // arguments (the state's start, the count, the captures) are kept in `args`.
  struct DeferredNeuron {
    Vector result;
    std::vector<Vector> args;
    int runs = 0;
  };
  std::map<std::size_t, DeferredNeuron> deferred;

  Vector run(int gi, const std::vector<Vector>& inputs) {
    const Graph& g = net_.graphs[static_cast<std::size_t>(gi)];
    std::vector<std::optional<Vector>> v(g.nodes.size());
    for (std::size_t k = 0; k < g.inputs.size(); ++k) v[static_cast<std::size_t>(g.inputs[k])] = inputs[k];
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      auto arg = [&](std::size_t k) -> const Vector& { return *v[static_cast<std::size_t>(n.args[k])]; };
      switch (n.op) {
        case Op::Input: break;
        case Op::Param: v[i] = params_.at(n.name); break;
        case Op::Const: {
          Vector c;
          for (Eigen::Index k = 0; k < n.value.size(); ++k) {
            double x = n.value(k);
            // Compiled constants are 0/1; a read network may hold anything (checked before the cast).
            if (!std::isfinite(x) || std::abs(x) > 9.0e15 || x != std::trunc(x))
              throw Unsupported{"a constant that is not a whole number below 2^53"};
            c.push_back(arith_.integer(static_cast<int64_t>(x)));
          }
          v[i] = c;
          break;
        }
        case Op::Shift: {
          const Vector& x = arg(0);
          Vector out{arith_.integer(0)};
          for (std::size_t k = 0; k + 1 < x.size(); ++k) out.push_back(x[k]);
          v[i] = out;
          break;
        }
        case Op::Mix: {
          const Vector &c = arg(0), &t = arg(1), &u = arg(2);
          Vector out;
          for (std::size_t k = 0; k < t.size(); ++k) out.push_back(arith_.add(arith_.mul(c[0], t[k]), arith_.mul(c[1], u[k])));
          v[i] = out;
          break;
        }
        case Op::Apply: v[i] = apply(arg(0), arg(1), n.rows, n.cols); break;
        case Op::Iterate: {
          if (auto d = gi == 0 ? deferred.find(i) : deferred.end(); d != deferred.end()) {
            ++d->second.runs;
            d->second.args.clear();
            for (std::size_t k = 0; k < n.args.size(); ++k) d->second.args.push_back(arg(k));
            v[i] = d->second.result;
            break;
          }
          const Vector& count = arg(1);
          std::vector<Vector> ins{arg(0)};
          for (std::size_t k = 2; k < n.args.size(); ++k) ins.push_back(arg(k));
          Vector h = arg(0);
          Vector out;
          for (const Scalar& x : h) out.push_back(arith_.mul(count[0], x));
          // States past the count's last entry that may be non-zero are weighted by 0: not run.
          std::size_t last = count.size();
          while (last > 1 && arith_.is_zero(count[last - 1])) --last;
          for (std::size_t k = 1; k < last; ++k) {
            ins[0] = h;
            h = run(n.sub, ins);
            for (std::size_t c = 0; c < h.size(); ++c) out[c] = arith_.add(out[c], arith_.mul(count[k], h[c]));
          }
          v[i] = out;
          break;
        }
        case Op::Abstract: {
          std::vector<Vector> ins(1 + n.args.size());
          for (std::size_t k = 0; k < n.args.size(); ++k) ins[k + 1] = arg(k);
          Vector out(n.rows * n.cols, arith_.integer(0));
          for (std::size_t j = 0; j < n.cols; ++j) {
            Vector e;
            for (std::size_t k = 0; k < n.cols; ++k) e.push_back(arith_.integer(k == j ? 1 : 0));
            ins[0] = e;
            Vector r = run(n.sub, ins);
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
  Arith arith_;
  const Network& net_;
  std::map<std::string, Vector> params_;

  Vector apply(const Vector& f, const Vector& a, std::size_t rows, std::size_t cols) {
    Vector out;
    for (std::size_t r = 0; r < rows; ++r) {
      Scalar sum = arith_.integer(0);
      for (std::size_t c = 0; c < cols; ++c) sum = arith_.add(sum, arith_.mul(f[r * cols + c], a[c]));
      out.push_back(sum);
    }
    return out;
  }
};

using SVec = std::vector<z3::expr>;
using PVec = std::vector<Poly>;
using SymbolicEngine = BasicEngine<ExprArith>;  // (check --neural: two networks on the same unknowns)
using MixedEngine = BasicEngine<MixedArith>;
using PolynomialEngine = BasicEngine<PolyArith>;


// The symbolic encoding of a value: one-hot for Bool and Nat; a table's matrix, row-major.
SVec encode(z3::context& ctx, const SVal& v, int depth);
// The same as polynomials in the real unknowns: a vector is itself, the rest as `encode` gives it.
PVec encode_poly(PolyArith& arith, const SVal& v, int depth);

// The types whose inputs are taken as real unknowns (their encodings' numbers): every type that the
// discrete unknowns cannot range over, i.e. other than Bool, Nat and tables of those (Vec n, and
// every function of a function: spec/denotation.md §8.5, §8.6).
bool taken_as_reals(const Type& t);
// Whether a value of t taken as reals has Bool or Nat parts (soft ones): t is taken as reals and is
// not Vec n or a function from Bool, Nat or a Vec into such a type. Counterexamples for such
// inputs are matrix units (unit_point), which the interpreter runs.
bool soft_parts(const Type& t);
// Whether some function in t takes a function (its matrix's columns are indexed by matrix units,
// whose Bool and Nat parts may be 0: soft values).
bool of_functions(const Type& t);

// A rational numeral as a plain number: 3, -2, 1.5 (exact up to 20 decimals).
std::string numeral_text(const z3::expr& e);

// A rational numeral as the nearest double.
double numeral_value(const z3::expr& e);

// A polynomial's value under a model, at a point (one numeral per real unknown), exactly.
z3::expr at_point(const Poly& p, const z3::model& m, const std::vector<z3::expr>& point);
// The values of polynomials (an encoding) under a model at a point, as doubles.
Eigen::VectorXd values_at(const PVec& polys, const z3::model& m, const std::vector<z3::expr>& point);

// A point where, under the model, some pair of polynomials differs. Pairs that differ as
// polynomials differ at almost every point (Schwartz–Zippel): small integers are tried first
// (readable), then wider ranges; when no pair differs under m, a point of small positive integers.
std::vector<z3::expr> witness_point(const std::vector<std::pair<Poly, Poly>>& pairs, const z3::model& m,
                                    std::size_t unknowns, z3::context& ctx);
// A point of 0s and 1s where, under the model, some pair differs: the unknowns of a monomial of
// fewest unknowns whose coefficients differ are 1, the rest 0 (every other monomial is then 0 or
// has coefficients that agree). For multilinear polynomials in matrices, their matrix units: the
// interpreter runs them (a Bool or Nat part is one-hot or 0). All 0 when no pair differs under m.
std::vector<z3::expr> unit_point(const std::vector<std::pair<Poly, Poly>>& pairs, const z3::model& m,
                                 std::size_t unknowns, z3::context& ctx);

// A symbolic value in source syntax, its booleans and integers read by `concrete` (a model's
// evaluation, or simplification when the value is already constant); functions as tables.
// A value involving Vec prints as its encoding, [x₁, …], the syntax --arg and --param take, each
// polynomial printed by `real` (e.g. at a point).
std::string value_text(SourceSemantics& src, const SVal& v, const TypePtr& type,
                       const std::function<z3::expr(const z3::expr&)>& concrete,
                       const std::function<std::string(const Poly&)>& real = {});

// A symbolic input (or param) of `type` named `name`: a boolean, an integer constrained to 0..D (on
// `solver`), or for a function on Bool or Nat a table of those. Every boolean and integer unknown
// is appended to `leaves`, in the order of counterexamples (tables entry by entry in key order).
// With `reals`, a value of a type taken_as_reals is its encoding, each number a new real unknown
// whose name is appended to `reals` (its index is its position there); without, such a type is an
// internal error (Unsupported).
SVal unknown_input(z3::context& ctx, smt::Solver& solver, const std::string& name, const TypePtr& type, int depth,
                   std::vector<z3::expr>& leaves, std::vector<std::string>* reals = nullptr);


// A concrete interpreter value as a symbolic constant (a function, as the table of its values up to D).
SVal constant(z3::context& ctx, SourceSemantics& src, const ValuePtr& v, const Type& type, int depth, Evaluator& values);

// Whether some part of a value needed a natural above D (for a function: some entry of its table).
bool exceeded(SourceSemantics& src, const SVal& v, const TypePtr& type);

}  // namespace cajal::symbolic
