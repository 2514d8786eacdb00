// The symbolic semantics shared by `prove` and `check` (src/prove/symbolic.hpp).
#include "symbolic.hpp"


#include <algorithm>
#include <random>

#include "cajal/network/encode.hpp"
#include "definable.hpp"

namespace cajal::symbolic {

SVec encode(z3::context& ctx, const SVal& v, int depth) {
  // (A known value, a case of spec/denotation.md §8.7, is encoded by numerals.)
  if (v.kind == SVal::Kind::Bool && (v.value->is_true() || v.value->is_false()))
    return {ctx.real_val(v.value->is_true() ? 1 : 0), ctx.real_val(v.value->is_true() ? 0 : 1)};
  if (v.kind == SVal::Kind::Bool)
    return {z3::ite(*v.value, ctx.real_val(1), ctx.real_val(0)), z3::ite(*v.value, ctx.real_val(0), ctx.real_val(1))};
  if (v.kind == SVal::Kind::Nat) {
    SVec out;
    std::int64_t known;
    const bool numeral = v.value->is_numeral_i64(known);
    for (int k = 0; k <= depth; ++k)
      out.push_back(numeral ? ctx.real_val(known == k ? 1 : 0) : z3::ite(*v.value == ctx.int_val(k), ctx.real_val(1), ctx.real_val(0)));
    return out;
  }
  if (v.kind == SVal::Kind::Soft) throw Unsupported{"internal: a soft value outside the polynomial encoding"};
  if (v.kind != SVal::Kind::Table) throw Unsupported{"internal: encoding a closure"};
  std::vector<SVec> columns;
  for (const SVal& e : v.entries) columns.push_back(encode(ctx, e, depth));
  return row_major(columns);
}

PVec encode_poly(PolyArith& arith, const SVal& v, int depth) {
  if (v.kind == SVal::Kind::Vec || v.kind == SVal::Kind::Soft) return v.reals;
  if (v.kind == SVal::Kind::Table) {
    std::vector<PVec> columns;
    for (const SVal& e : v.entries) columns.push_back(encode_poly(arith, e, depth));
    return row_major(columns);
  }
  PVec out;
  for (const z3::expr& x : encode(arith.coefficients().context(), v, depth)) out.push_back(arith.constant(x));
  return out;
}

namespace {
bool discrete_type(const Type& t) {
  if (t.is_finite_base()) return true;
  return t.is_arrow() && t.from->is_finite_base() && discrete_type(*t.to);
}
}  // namespace

bool taken_as_reals(const Type& t) { return !discrete_type(t); }

namespace {
bool vector_valued(const Type& t) {
  if (t.is_vec()) return true;
  return t.is_arrow() && (t.from->is_finite_base() || t.from->is_vec()) && vector_valued(*t.to);
}
}  // namespace

bool soft_parts(const Type& t) { return taken_as_reals(t) && !vector_valued(t); }

bool of_functions(const Type& t) {
  return t.is_arrow() && (t.from->is_arrow() || of_functions(*t.from) || of_functions(*t.to));
}

namespace {
// An input taken as reals: every number of its encoding a new real unknown (a Bool or Nat part
// soft, a function a table over its domain's basis: its matrix's columns).
SVal real_unknown(z3::context& ctx, const std::string& name, const TypePtr& type, int depth, std::vector<std::string>& reals) {
  SVal v;
  v.over = ctx.bool_val(false);
  v.type = type;
  if (!type->is_arrow()) {
    v.kind = type->is_vec() ? SVal::Kind::Vec : SVal::Kind::Soft;
    const std::size_t n = type->is_vec() ? type->size : dimension(*type, depth);
    for (std::size_t k = 0; k < n; ++k) {
      v.reals.push_back(Poly{{{Monomial{static_cast<std::uint32_t>(reals.size())}, ctx.real_val(1)}}});
      reals.push_back(name + "[" + std::to_string(k) + "]");
    }
    return v;
  }
  v.kind = SVal::Kind::Table;
  for (std::size_t j = 0; j < dimension(*type->from, depth); ++j)
    v.entries.push_back(real_unknown(ctx, name + "[" + std::to_string(j) + "]", type->to, depth, reals));
  return v;
}
}  // namespace

std::string numeral_text(const z3::expr& e) {
  int64_t i = 0;
  if (e.is_numeral_i64(i)) return std::to_string(i);
  std::string s = e.get_decimal_string(20);
  if (!s.empty() && s.back() == '?') s.pop_back();
  return s;
}

double numeral_value(const z3::expr& e) {
  int64_t i = 0;
  if (e.is_numeral_i64(i)) return static_cast<double>(i);
  return std::stod(e.get_decimal_string(20));
}

Eigen::VectorXd values_at(const PVec& polys, const z3::model& m, const std::vector<z3::expr>& point) {
  Eigen::VectorXd x(static_cast<Eigen::Index>(polys.size()));
  for (std::size_t k = 0; k < polys.size(); ++k) x(static_cast<Eigen::Index>(k)) = numeral_value(at_point(polys[k], m, point));
  return x;
}

z3::expr at_point(const Poly& p, const z3::model& m, const std::vector<z3::expr>& point) {
  z3::expr sum = m.ctx().real_val(0);
  for (const auto& [monomial, coefficient] : p.terms) {
    z3::expr term = m.eval(coefficient, true);
    for (std::uint32_t u : monomial) term = term * point[u];
    sum = sum + term;
  }
  return sum.simplify();
}

std::vector<z3::expr> witness_point(const std::vector<std::pair<Poly, Poly>>& pairs, const z3::model& m,
                                    std::size_t unknowns, z3::context& ctx) {
  std::mt19937_64 rng(0x5eed);
  std::vector<z3::expr> point(unknowns, ctx.real_val(0));
  // Only pairs that differ as polynomials under m (some coefficient) can differ at a point.
  auto coefficient = [&](const Poly& p, std::size_t i) { return m.eval(p.terms[i].second, true).simplify(); };
  auto differ = [&](const Poly& a, const Poly& b) {
    std::size_t i = 0, j = 0;
    while (i < a.terms.size() || j < b.terms.size()) {
      const bool left = j == b.terms.size() || (i < a.terms.size() && a.terms[i].first < b.terms[j].first);
      const bool right = !left && (i == a.terms.size() || b.terms[j].first < a.terms[i].first);
      z3::expr x = left || !right ? coefficient(a, i) : ctx.real_val(0);
      z3::expr y = right || !left ? coefficient(b, j) : ctx.real_val(0);
      if (!z3::eq(x, y)) return true;
      i += right ? 0 : 1;
      j += left ? 0 : 1;
    }
    return false;
  };
  std::vector<std::pair<Poly, Poly>> differing;
  for (const auto& pair : pairs)
    if (differ(pair.first, pair.second)) differing.push_back(pair);
  if (differing.empty()) {  // (a point still: small nonzero integers, which tell more than 0)
    std::uniform_int_distribution<int> pick(1, 3);
    for (z3::expr& x : point) x = ctx.real_val(pick(rng));
    return point;
  }
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::uniform_int_distribution<int> pick(-(2 + attempt * attempt), 2 + attempt * attempt);
    for (z3::expr& x : point) x = ctx.real_val(pick(rng));
    for (const auto& [a, b] : differing)
      if (!z3::eq(at_point(a, m, point), at_point(b, m, point))) return point;
  }
  return point;
}

namespace {
bool soft_inside(const SVal& v) {
  if (v.kind == SVal::Kind::Soft || (v.kind == SVal::Kind::Choice && !v.value)) return true;
  if (v.kind != SVal::Kind::Table) return false;
  for (const SVal& e : v.entries)
    if (soft_inside(e)) return true;
  return false;
}
}  // namespace

std::vector<z3::expr> unit_point(const std::vector<std::pair<Poly, Poly>>& pairs, const z3::model& m,
                                 std::size_t unknowns, z3::context& ctx) {
  std::vector<z3::expr> point(unknowns, ctx.real_val(0));
  const Monomial* best = nullptr;
  for (const auto& [a, b] : pairs) {
    std::size_t i = 0, j = 0;
    while (i < a.terms.size() || j < b.terms.size()) {
      const bool left = j == b.terms.size() || (i < a.terms.size() && a.terms[i].first < b.terms[j].first);
      const bool right = !left && (i == a.terms.size() || b.terms[j].first < a.terms[i].first);
      const Monomial& monomial = left || !right ? a.terms[i].first : b.terms[j].first;
      z3::expr x = left || !right ? m.eval(a.terms[i].second, true).simplify() : ctx.real_val(0);
      z3::expr y = right || !left ? m.eval(b.terms[j].second, true).simplify() : ctx.real_val(0);
      if (!z3::eq(x, y) && (!best || monomial.size() < best->size())) best = &monomial;
      i += right ? 0 : 1;
      j += left ? 0 : 1;
    }
  }
  if (best)
    for (std::uint32_t u : *best) point[u] = ctx.real_val(1);
  return point;
}

namespace {
// The matrix of h : (A ⊸ B) ⊸ C (A, B, C Bool or Nat), given by its numbers, as the definable value
// it is when it is a matrix unit E(c, (b, a)) (k = {b ↦ c}) or 0 (k without any value); none
// otherwise, and at D = 0, where no table can lack a value.
std::optional<std::string> unit_term(const TypePtr& t, const std::vector<std::string>& numbers, int depth) {
  if (depth < 1 || !t->is_arrow() || !t->from->is_arrow() || !t->to->is_finite_base() || !t->from->from->is_finite_base() ||
      !t->from->to->is_finite_base())
    return std::nullopt;
  std::size_t ones = 0, one = 0;
  for (std::size_t j = 0; j < numbers.size(); ++j) {
    if (numbers[j] == "1") ++ones, one = j;
    else if (numbers[j] != "0") return std::nullopt;
  }
  if (ones > 1) return std::nullopt;
  const std::size_t dim_a = dimension(*t->from->from, depth), cols = dim_a * dimension(*t->from->to, depth);
  std::vector<std::optional<std::size_t>> k(dimension(*t->from->to, depth));
  if (ones) k[(one % cols) / dim_a] = one / cols;
  return print_term(*use_term(t, (one % cols) % dim_a, k));
}
}  // namespace

std::string value_text(SourceSemantics& src, const SVal& v, const TypePtr& type,
                       const std::function<z3::expr(const z3::expr&)>& concrete,
                       const std::function<std::string(const Poly&)>& real) {
  if (!without_vec(*type) || of_functions(*type) || soft_inside(v)) {
    // its encoding, as --arg and --param take it (a value taken as reals: a matrix), or the term
    // of a matrix unit that is a definable value
    z3::expr lost = src.reals().coefficients().context().bool_val(false);
    std::vector<std::string> numbers;
    for (const Poly& p : src.soft_encoding(v, type, lost)) numbers.push_back(real ? real(p) : std::string("?"));
    if (std::optional<std::string> term = unit_term(type, numbers, src.depth())) return *term;
    std::string out = "[";
    for (const std::string& x : numbers) out += (out.size() > 1 ? ", " : "") + x;
    out += "]";
    if (type->is_finite_base()) {  // a soft Bool or Nat that is one-hot is a value; one that is 0 has none
      const std::size_t ones = static_cast<std::size_t>(std::count(numbers.begin(), numbers.end(), "1"));
      const std::size_t zeros = static_cast<std::size_t>(std::count(numbers.begin(), numbers.end(), "0"));
      if (zeros == numbers.size()) return "none within D (" + out + ")";
      if (ones == 1 && ones + zeros == numbers.size())
        return key_text(*type, static_cast<std::size_t>(std::find(numbers.begin(), numbers.end(), "1") - numbers.begin()));
    }
    return out;
  }
  if (v.kind == SVal::Kind::Bool) return concrete(*v.value).is_true() ? "true" : "false";
  if (v.kind == SVal::Kind::Nat) return concrete(*v.value).to_string();
  SVal t = src.table(v, type);
  std::string out = "{";
  for (std::size_t j = 0; j < t.entries.size(); ++j)
    out += std::string(j ? ", " : "") + key_text(*type->from, j) + " ↦ " + value_text(src, t.entries[j], type->to, concrete);
  return out + "}";
}

SVal unknown_input(z3::context& ctx, smt::Solver& solver, const std::string& name, const TypePtr& type, int depth,
                   std::vector<z3::expr>& leaves, std::vector<std::string>* reals) {
  if (reals && taken_as_reals(*type)) return real_unknown(ctx, name, type, depth, *reals);
  SVal v;
  v.over = ctx.bool_val(false);
  if (type->kind == Type::Kind::Bool) {
    v.kind = SVal::Kind::Bool;
    v.value = ctx.bool_const(name.c_str());
    leaves.push_back(*v.value);
  } else if (type->kind == Type::Kind::Nat) {
    v.kind = SVal::Kind::Nat;
    v.value = ctx.int_const(name.c_str());
    solver.add(*v.value >= 0 && *v.value <= depth);
    leaves.push_back(*v.value);
  } else if (type->is_arrow() && type->from->is_finite_base()) {
    v.kind = SVal::Kind::Table;
    v.type = type;
    for (std::size_t j = 0; j < dimension(*type->from, depth); ++j)
      v.entries.push_back(unknown_input(ctx, solver, name + "[" + std::to_string(j) + "]", type->to, depth, leaves));
  } else {
    throw Unsupported{"internal: `" + name + "` : " + print_type(type) + " is taken as real unknowns, but this run has none"};
  }
  return v;
}

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

}  // namespace cajal::symbolic
