#include "cajal/testing/generators.hpp"
#include "cajal/testing/oracle.hpp"

#include <algorithm>
#include <stdexcept>

#include "cajal/syntax/print.hpp"

namespace cajal::testing {

namespace {


TermPtr var(const std::string& x) { return make_term(Var{x}); }
TermPtr app(TermPtr f, TermPtr a) { return make_term(App{std::move(f), std::move(a)}); }
TermPtr lam(const std::string& x, TypePtr a, TermPtr body) { return make_term(Lam{x, {}, std::move(a), std::move(body)}); }
TermPtr iter(TermPtr base, const std::string& y, TermPtr step, TermPtr count) {
  return make_term(Iter{std::move(base), y, {}, std::move(step), std::move(count)});
}

bool has_name(const Context& c, const std::string& x) {
  return std::any_of(c.begin(), c.end(), [&](const auto& b) { return b.first == x; });
}

// A binder name: usually one of a few short names (so shadowing happens), never one that would
// hide a variable of Δ or Θ still to be used.
std::string pick_name(Choices& ch, const Context& delta, const Context& theta) {
  static const char* names[] = {"x", "y", "z", "f", "g", "b", "n"};
  std::string x = names[ch.pick(0, 7)];
  while (has_name(delta, x) || has_name(theta, x)) x += "'";
  return x;
}

// Splits Δ in two at random (each variable goes to one side).
std::pair<Context, Context> split(Choices& ch, const Context& delta) {
  Context left, right;
  for (const auto& b : delta) (ch.coin() ? left : right).push_back(b);
  return {left, right};
}

// The argument types and result of a (curried) function type: A1 -o ... -o Ak -o R.
std::vector<TypePtr> spine(TypePtr t) {
  std::vector<TypePtr> out;
  while (t->is_arrow()) {
    out.push_back(t->from);
    t = t->to;
  }
  out.push_back(t);
  return out;
}

// Ways to reach `type` from a variable of type `have` by applying it to k arguments.
std::vector<std::size_t> arities_reaching(const TypePtr& have, const TypePtr& type) {
  std::vector<std::size_t> out;
  const Type* t = have.get();
  for (std::size_t k = 0;; ++k) {
    if (*t == *type) out.push_back(k);
    if (!t->is_arrow()) break;
    t = t->to.get();
  }
  return out;
}
// Whether some arity reaches `type` (arities_reaching is not empty).
bool reaches(const TypePtr& have, const TypePtr& type) {
  for (const Type* t = have.get();; t = t->to.get()) {
    if (*t == *type) return true;
    if (!t->is_arrow()) return false;
  }
}

struct Builder {
  Choices& ch;
  Context theta;

  // A term of `type` that uses the (linear) `delta` exactly once each.
  TermPtr term(const TypePtr& type, const Context& delta, int size) {
    if (size <= 1) return consume_all(delta, leaf(type, size), type);
    enum Choice { kLeaf, kLam, kApp, kIf, kLet, kIter, kSucc, kUseVar, kUseGlobal };
    std::pair<int, Choice> options[9] = {{1, kLeaf}, {3, kApp}, {3, kIf}, {2, kLet}, {3, kIter}};
    std::size_t count = 5;
    if (type->is_arrow()) options[count++] = {6, kLam};
    if (type->kind == Type::Kind::Nat) options[count++] = {3, kSucc};
    if (std::any_of(delta.begin(), delta.end(), [&](const auto& b) { return reaches(b.second, type); }))
      options[count++] = {8, kUseVar};
    if (std::any_of(theta.begin(), theta.end(), [&](const auto& b) { return reaches(b.second, type); }))
      options[count++] = {2, kUseGlobal};
    // A weighted pick; it shrinks towards the first option (a leaf).
    int total = 0;
    for (std::size_t o = 0; o < count; ++o) total += options[o].first;
    int r = ch.pick(0, total);
    Choice choice = kLeaf;
    for (std::size_t o = 0; o < count; ++o) {
      auto [w, c] = options[o];
      if (r < w) {
        choice = c;
        break;
      }
      r -= w;
    }
    int sub = size - 1;
    switch (choice) {
      case kLeaf: return consume_all(delta, leaf(type, sub), type);
      case kLam: {  // T-Abs
        std::string x = pick_name(ch, delta, theta);
        Context inner = delta;
        inner.emplace_back(x, type->from);
        return lam(x, type->from, term(type->to, inner, sub));
      }
      case kApp: {  // T-App: the function's domain is a fresh small type
        TypePtr a = make_type(ch, 1);
        auto [d1, d2] = split(ch, delta);
        int fs = ch.pick(0, sub + 1);
        return app(term(Type::arrow(a, type), d1, fs), term(a, d2, sub - fs));
      }
      case kIf: {  // T-If: both branches get the same Δ
        auto [dc, db] = split(ch, delta);
        int cs = ch.pick(0, sub / 2 + 1);
        int bs = (sub - cs) / 2;
        return make_term(If{term(Type::boolean(), dc, cs), term(type, db, bs), term(type, db, bs)});
      }
      case kLet: {  // T-Let
        TypePtr a = make_type(ch, 1);
        auto [d1, d2] = split(ch, delta);
        std::string x = pick_name(ch, d2, theta);
        d2.emplace_back(x, a);
        int bs = ch.pick(0, sub + 1);
        return make_term(Let{x, {}, term(a, d1, bs), term(type, d2, sub - bs)});
      }
      case kIter: {  // T-Iter: the step sees only its state variable (and Θ)
        auto [db, dn] = split(ch, delta);
        std::string y = pick_name(ch, {}, theta);
        int third = std::max(1, sub / 3);
        return iter(term(type, db, third), y, term(type, {{y, type}}, third), term(Type::nat(), dn, third));
      }
      case kSucc: return make_term(Succ{term(type, delta, sub)});  // T-Succ
      case kUseVar: {  // T-Var, applied to enough arguments to reach `type`
        std::vector<std::size_t> candidates;
        for (std::size_t i = 0; i < delta.size(); ++i)
          if (reaches(delta[i].second, type)) candidates.push_back(i);
        std::size_t i = ch.pick_of(candidates);
        Context rest = delta;
        rest.erase(rest.begin() + static_cast<long>(i));
        return apply_to_args(var(delta[i].first), delta[i].second, type, rest, sub);
      }
      case kUseGlobal: {  // T-Def / T-Param
        std::vector<std::size_t> candidates;
        for (std::size_t i = 0; i < theta.size(); ++i)
          if (reaches(theta[i].second, type)) candidates.push_back(i);
        std::size_t i = ch.pick_of(candidates);
        return apply_to_args(var(theta[i].first), theta[i].second, type, delta, sub);
      }
    }
    return leaf(type, sub);
  }

  // f a1 ... ak : type, with Δ split among the arguments.
  TermPtr apply_to_args(TermPtr f, const TypePtr& have, const TypePtr& type, Context delta, int size) {
    std::size_t k = ch.pick_of(arities_reaching(have, type));
    std::vector<TypePtr> args = spine(have);
    if (k == 0) return consume_all(delta, f, type);
    int each = std::max(1, size / static_cast<int>(k));
    for (std::size_t j = 0; j < k; ++j) {
      Context mine;
      if (j + 1 == k) {
        mine = delta;
      } else {
        auto [now, later] = split(ch, delta);
        mine = now;
        delta = later;
      }
      f = app(f, term(args[j], mine, each));
    }
    return f;
  }

  // A small closed term of `type`.
  TermPtr leaf(const TypePtr& type, int size) {
    switch (type->kind) {
      case Type::Kind::Bool: return make_term(BoolLit{ch.coin()});
      case Type::Kind::Nat: return make_term(NatLit{static_cast<std::uint64_t>(ch.pick(0, 4))});
      case Type::Kind::Vec:  // no literals: Vec programs come from make_vec_program
        throw std::logic_error("the general generator makes no Vec types");
      case Type::Kind::Arrow: {
        if (tabulable(*type) && table_leaves(*type) <= kMaxTableLeaves && ch.pick(0, 3) == 0) return table(type);  // T-Table
        std::string x = pick_name(ch, {}, theta);
        return lam(x, type->from, term(type->to, {{x, type->from}}, size - 1));
      }
    }
    return nullptr;
  }

  // A table literal of `type`: keys true/false, or 0..kTableKeys-1 for Nat (every oracle depth
  // is below kTableKeys, so the network never sees a natural the table lacks).
  static constexpr std::uint64_t kTableKeys = 10;
  static bool tabulable(const Type& t) {
    return t.is_finite_base() || (t.is_arrow() && t.from->is_finite_base() && tabulable(*t.to));
  }
  // The values a (nested) table literal of a tabulable type lists: 10 per Nat key, 2 per Bool.
  // Tables are written only up to kMaxTableLeaves of them (Nat -o Nat -o Bool is 100): a table
  // on six naturals would list a million, which no program of size 50 should be.
  static constexpr std::uint64_t kMaxTableLeaves = 100;
  static std::uint64_t table_leaves(const Type& t) {  // (stops counting past the cap)
    if (!t.is_arrow()) return 1;
    return std::min(kMaxTableLeaves + 1, (t.from->kind == Type::Kind::Bool ? 2 : kTableKeys) * table_leaves(*t.to));
  }
  TermPtr table(const TypePtr& type) {
    Table out;
    const std::uint64_t keys = type->from->kind == Type::Kind::Bool ? 2 : kTableKeys;
    for (std::uint64_t j = 0; j < keys; ++j) {
      TermPtr key = type->from->kind == Type::Kind::Bool ? make_term(BoolLit{j == 0}) : make_term(NatLit{j});
      TermPtr value = type->to->is_arrow() ? table(type->to) : leaf(type->to, 1);
      out.entries.push_back(TableEntry{key, value});
    }
    return make_term(std::move(out));
  }

  // Uses up every variable of Δ around `t : type` without changing its value:
  //   x : Nat        iter { t | y => y } (x)
  //   x : Bool       iter { t | y => y } (if x then 0 else 1)
  //   x : A -o B     consume (x a) where a is a closed A
  TermPtr consume_all(const Context& delta, TermPtr t, const TypePtr& type) {
    for (const auto& [x, a] : delta) t = consume(var(x), a, t, type);
    return t;
  }
  TermPtr consume(TermPtr v, const TypePtr& a, TermPtr t, const TypePtr& type) {
    std::string y = pick_name(ch, {}, theta);
    switch (a->kind) {
      case Type::Kind::Nat: return iter(t, y, var(y), v);
      case Type::Kind::Bool:
        return iter(t, y, var(y), make_term(If{v, make_term(NatLit{0}), make_term(NatLit{1})}));
      case Type::Kind::Arrow: return consume(app(v, leaf(a->from, 1)), a->to, t, type);
      case Type::Kind::Vec: throw std::logic_error("the general generator makes no Vec types");
    }
    return t;
  }
};

}  // namespace

TypePtr make_type(Choices& ch, int depth) {
  int k = ch.pick(0, depth > 0 ? 4 : 2);
  if (k == 0) return Type::boolean();
  if (k == 1) return Type::nat();
  TypePtr from = make_type(ch, depth - 1);
  return Type::arrow(from, make_type(ch, depth - 1));
}

TypePtr make_encodable_type(Choices& ch, int depth) {
  int k = ch.pick(0, depth > 0 ? 4 : 2);
  if (k == 0) return Type::boolean();
  if (k == 1) return Type::nat();
  TypePtr from = ch.pick(0, 2) ? Type::nat() : Type::boolean();
  return Type::arrow(from, make_encodable_type(ch, depth - 1));
}

TermPtr make_term(Choices& ch, const TypePtr& type, const Context& delta, const Context& theta, int size) {
  return Builder{ch, theta}.term(type, delta, size);
}

namespace {
// Params (each with a value) and defs, the Θ that main may use.
Context prologue(Choices& ch, int size, GeneratedProgram& out) {
  Context theta;
  int params = ch.pick(0, 3);
  for (int i = 0; i < params; ++i) {
    std::string name = "p" + std::to_string(i);
    TypePtr t = make_type(ch, 1);
    out.program.decls.push_back(Param{name, {}, t});
    out.param_values.emplace_back(name, Builder{ch, {}}.term(t, {}, 3));
    theta.emplace_back(name, t);
  }
  int defs = ch.pick(0, 3);
  for (int i = 0; i < defs; ++i) {
    std::string name = "d" + std::to_string(i);
    TypePtr t = make_type(ch, 2);
    out.program.decls.push_back(Def{name, {}, nullptr, Builder{ch, theta}.term(t, {}, std::max(1, size / 8))});
    theta.emplace_back(name, t);
  }
  return theta;
}
}  // namespace

GeneratedProgram make_program(Choices& ch, int size) {
  GeneratedProgram out;
  Context theta = prologue(ch, size, out);
  out.main_type = make_type(ch, 2);
  out.program.decls.push_back(Def{"main", {}, nullptr, Builder{ch, theta}.term(out.main_type, {}, std::max(1, size / 2))});
  return out;
}

namespace {
// Programs over vectors (make_vec_program): every Vec variable flows into the result, since a
// vector can only be moved, selected, or mapped by a param's matrix.
struct VecBuilder {
  Choices& ch;
  int fresh = 0;
  const TypePtr vec2 = Type::vec(2);

  std::string name(const char* base) { return base + std::to_string(++fresh); }

  // A Bool that uses exactly the Bool and Nat variables of `vars`.
  TermPtr condition(const Context& vars) {
    TermPtr c;
    std::vector<std::string> nats;
    for (const auto& [x, t] : vars) {
      if (t->kind == Type::Kind::Nat) {
        nats.push_back(x);
        continue;
      }
      c = c ? make_term(If{var(x), c, c}) : var(x);  // both branches use c's variables
    }
    if (!c) c = make_term(BoolLit{ch.coin()});
    for (const std::string& n : nats) {  // parity-like: flip the state n times
      std::string s = name("s");
      c = iter(c, s, make_term(If{var(s), make_term(BoolLit{false}), make_term(BoolLit{true})}), var(n));
    }
    return c;
  }

  // A Vec 2 that uses exactly the variables of `vars` (Bool, Nat and Vec 2 ones).
  TermPtr term(Context vars, int size) {
    Context vecs, others;
    for (const auto& b : vars) (b.second->is_vec() ? vecs : others).push_back(b);
    if (size <= 1) {
      TermPtr t;
      for (const auto& [x, _] : vecs) t = t ? app(app(var("u"), t), var(x)) : var(x);
      if (!t) t = ch.coin() ? var("v") : app(var("g"), make_term(BoolLit{ch.coin()}));
      return others.empty() ? t : make_term(If{condition(others), t, t});
    }
    const int sub = size - 1;
    switch (ch.pick(0, 6)) {
      case 0: return app(var("w"), term(vars, sub));  // a linear map
      case 1: {                                        // a bilinear map: its arguments split the variables
        Context a, b;
        for (const auto& x : vars) (ch.coin() ? a : b).push_back(x);
        return app(app(var("u"), term(a, sub / 2)), term(b, sub / 2));
      }
      case 2: {  // if: the condition takes some Bool and Nat variables, both branches the rest
        Context cond, rest = vecs;
        for (const auto& x : others) (ch.coin() ? cond : rest).push_back(x);
        return make_term(If{condition(cond), term(rest, sub / 2), term(rest, sub / 2)});
      }
      case 3: {  // iter: a Nat variable (or a numeral) counts, the step sees only its state
        Context rest;
        TermPtr count;
        for (const auto& x : vars)
          if (!count && x.second->kind == Type::Kind::Nat && ch.coin()) count = var(x.first);
          else rest.push_back(x);
        if (!count) count = make_term(NatLit{static_cast<std::uint64_t>(ch.pick(0, 3))});
        std::string s = name("s");
        TermPtr step;
        switch (ch.pick(0, 4)) {
          case 0: step = var(s); break;
          case 1: step = app(var("w"), var(s)); break;
          case 2: step = app(app(var("u"), var(s)), var("v")); break;
          default: step = app(app(var("u"), app(var("g"), make_term(BoolLit{ch.coin()}))), var(s)); break;
        }
        return iter(term(rest, sub / 2), s, step, count);
      }
      case 4: {  // let: the bound vector joins the body's variables
        Context a, b;
        for (const auto& x : vars) (ch.coin() ? a : b).push_back(x);
        std::string z = name("z");
        b.emplace_back(z, vec2);
        return make_term(Let{z, {}, term(a, sub / 2), term(b, sub / 2)});
      }
      default: {  // a function applied: (fun z : Vec 2 => body) arg
        Context a, b;
        for (const auto& x : vars) (ch.coin() ? a : b).push_back(x);
        std::string z = name("z");
        b.emplace_back(z, vec2);
        return app(lam(z, vec2, term(b, sub / 2)), term(a, sub / 2));
      }
    }
  }
};
}  // namespace

namespace {
// def main = fun x₁ : A₁ => … => body, with body : result over the variables `vars`.
void add_main(GeneratedProgram& out, const Context& vars, TermPtr body, TypePtr result) {
  for (std::size_t i = vars.size(); i-- > 0;) {
    body = lam(vars[i].first, vars[i].second, body);
    result = Type::arrow(vars[i].second, result);
  }
  out.main_type = result;
  out.program.decls.push_back(Def{"main", {}, nullptr, body});
}
}  // namespace

GeneratedProgram make_vec_program(Choices& ch, int size) {
  GeneratedProgram out;
  TypePtr vec2 = Type::vec(2);
  for (auto [name, type] : std::vector<std::pair<const char*, TypePtr>>{
           {"w", Type::arrow(vec2, vec2)},
           {"u", Type::arrow(vec2, Type::arrow(vec2, vec2))},
           {"v", vec2},
           {"g", Type::arrow(Type::boolean(), vec2)}})
    out.program.decls.push_back(Param{name, {}, type});
  Context vars{{"b", Type::boolean()}, {"n", Type::nat()}, {"x", vec2}, {"y", vec2}};
  add_main(out, vars, VecBuilder{ch}.term(vars, std::max(1, size / 2)), vec2);
  return out;
}

GeneratedProgram make_higher_order_program(Choices& ch, int size) {
  GeneratedProgram out;
  auto base = [&] { return ch.coin() ? Type::boolean() : Type::nat(); };
  // (A ⊸ B) ⊸ C, or (Bool ⊸ Bool) ⊸ Bool ⊸ D (its definable values are pairs of those).
  Context vars{{"h", ch.coin() ? Type::arrow(Type::arrow(base(), base()), base())
                               : Type::arrow(Type::arrow(Type::boolean(), Type::boolean()), Type::arrow(Type::boolean(), base()))}};
  if (ch.coin()) vars.emplace_back("x", base());
  TypePtr type = base();
  add_main(out, vars, Builder{ch, {}}.term(type, vars, std::max(2, size / 2)), type);
  return out;
}

GeneratedProgram make_matrix_input_program(Choices& ch, int size) {
  GeneratedProgram out;
  auto base = [&] { return ch.coin() ? Type::boolean() : Type::nat(); };
  const TypePtr b = Type::boolean(), n = Type::nat(), not_ = Type::arrow(b, b);
  TypePtr h;
  switch (ch.pick(0, 4)) {
    case 0: h = Type::arrow(Type::arrow(not_, b), base()); break;
    case 1: h = Type::arrow(not_, Type::arrow(n, base())); break;
    case 2: h = Type::arrow(Type::arrow(b, not_), base()); break;
    default: h = Type::arrow(Type::arrow(n, b), Type::arrow(n, base())); break;
  }
  Context vars{{"h", h}};
  if (ch.coin()) vars.emplace_back("x", base());
  TypePtr type = base();
  add_main(out, vars, Builder{ch, {}}.term(type, vars, std::max(2, size / 2)), type);
  return out;
}

Case make_case(Choices& ch, int size) {
  Case c;
  Context theta = prologue(ch, size, c.program);
  Context delta;
  int inputs = ch.pick(0, 4);
  for (int i = 0; i < inputs; ++i) {
    std::string name = "x" + std::to_string(i + 1);
    TypePtr t = make_encodable_type(ch, 1);
    delta.emplace_back(name, t);
    c.arg_types.push_back(t);
    c.args.push_back(Builder{ch, {}}.term(t, {}, 3));
  }
  TypePtr result = make_encodable_type(ch, 2);
  TermPtr body = Builder{ch, theta}.term(result, delta, std::max(1, size / 2));
  TypePtr type = result;
  for (std::size_t i = delta.size(); i-- > 0;) {
    body = lam(delta[i].first, delta[i].second, body);
    type = Type::arrow(delta[i].second, type);
  }
  c.program.main_type = type;
  c.program.program.decls.push_back(Def{"main", {}, nullptr, body});
  return c;
}

// ---- recorded choices ---------------------------------------------------------------------------

int RecordedChoices::pick(int lo, int hi) {
  int v;
  if (next_ < choices_.size()) {
    v = choices_[next_];  // replayed (clamped into range: a shrunk sequence may not fit)
  } else if (random_) {
    v = static_cast<int>((*random_)() % static_cast<std::uint64_t>(hi - lo)) + lo;
    choices_.push_back(v);
  } else {
    v = lo;  // past the end of a replayed sequence: the smallest choice
  }
  ++next_;
  return std::clamp(v, lo, hi - 1);
}

std::string to_source(const GeneratedProgram& p) {
  std::string out;
  for (const auto& [name, value] : p.param_values) out += "-- --param " + name + "=" + print_term(*value) + "\n";
  return out + format_program(p.program);
}

}  // namespace cajal::testing
