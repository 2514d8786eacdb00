// The values of a type in the order of counterexamples (spec/equivalence.md §5), and the
// interpreter run on both sides of one input tuple.
#include "check_internal.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "cajal/network/encode.hpp"
#include "cajal/syntax/print.hpp"
#include "../prove/definable.hpp"

namespace cajal::check_impl {


std::size_t saturating_mul(std::size_t a, std::size_t b, std::size_t cap) {
  if (a == 0 || b == 0) return 0;
  return a > cap / b ? cap + 1 : std::min(a * b, cap + 1);
}

bool listed_higher_order(const Type& t) {
  return t.is_arrow() && t.from->is_arrow() && t.to->is_finite_base() && t.from->to->is_finite_base() &&
         t.from->from->is_finite_base();
}

namespace {
// For (A ⊸ B) ⊸ C (listed_higher_order): |V(A)|; the choices for each entry of k : B ⇀ C, a value
// of C or, at D ≥ 1, none (`c`); the functions k, c^|V(B)|, and those that are not constant, each
// capped at cap + 1.
struct HigherOrderCounts {
  std::size_t a = 0, c = 0, tables = 0, nonconstant = 0;
};
HigherOrderCounts higher_order_counts(const Type& t, int depth, std::size_t cap) {
  HigherOrderCounts n;
  n.a = count_values(*t.from->from, depth, cap);
  n.c = count_values(*t.to, depth, cap) + (depth >= 1 ? 1 : 0);
  n.tables = 1;
  for (std::size_t j = 0; j < dimension(*t.from->to, depth); ++j) n.tables = saturating_mul(n.tables, n.c, cap);
  n.nonconstant = n.tables > cap ? cap + 1 : n.tables - n.c;
  return n;
}
}  // namespace

// The number of values of t at depth D, or cap + 1 when there are more than cap. 0 when t's
// values cannot be listed (a Vec, or a function of a function other than (A ⊸ B) ⊸ C with A
// first-order and B, C Bool or Nat).
std::size_t count_values(const Type& t, int depth, std::size_t cap) {
  if (t.kind == Type::Kind::Bool) return 2;
  if (t.kind == Type::Kind::Nat) return static_cast<std::size_t>(depth) + 1;
  if (listed_higher_order(t)) {  // the definable values: the constants, and k (g a) for k not constant
    HigherOrderCounts n = higher_order_counts(t, depth, cap);
    std::size_t total = saturating_mul(n.a, n.nonconstant, cap);
    return total > cap || n.c > cap - total ? cap + 1 : total + n.c;
  }
  if (t.kind == Type::Kind::Vec || !t.from->is_finite_base()) return 0;
  std::size_t base = count_values(*t.to, depth, cap), n = 1;
  for (std::size_t j = 0; j < dimension(*t.from, depth); ++j) n = saturating_mul(n, base, cap);
  return n;
}

namespace {
// A listed value as a term: a literal, or a table literal (T-Table) of its entries.
TermPtr value_term(const ValuePtr& v) {
  if (const BoolValue* b = v->as<BoolValue>()) return make_term(BoolLit{b->value});
  if (const NatValue* n = v->as<NatValue>()) return make_term(NatLit{n->value});
  const TableValue& t = *v->as<TableValue>();
  Table table;
  for (std::size_t j = 0; j < t.entries.size(); ++j)
    table.entries.push_back(TableEntry{t.type->from->kind == Type::Kind::Bool ? make_term(BoolLit{j == 0})
                                                                             : make_term(NatLit{j}),
                                       value_term(t.entries[j])});
  return make_term(std::move(table));
}

// The index, among all functions k : B ⇀ C in order, of the j-th one that is not constant. The
// constant ones are c · R for c < n, R = (n^|V(B)| - 1) / (n - 1), n the choices per entry: k's
// entries are its index's digits in base n, the first entry the most significant.
std::size_t nonconstant_table(std::size_t j, std::size_t tables, std::size_t c) {
  const std::size_t r = (tables - 1) / (c - 1);
  std::size_t index = j;
  for (;;) {
    std::size_t next = j + index / r + 1;  // j plus the constant tables at or before `index`
    if (next == index) return index;
    index = next;
  }
}

}  // namespace

ValuePtr value_at(const TypePtr& t, std::size_t index, int depth) {
  if (t->kind == Type::Kind::Bool) return make_bool(index == 1);
  if (t->kind == Type::Kind::Nat) return make_nat(index);
  if (listed_higher_order(*t)) {
    // fun g : A ⊸ B => k (g a): first the constant ones (k constant, a the least value), then
    // for each a in order, each k that is not constant, in order (spec/equivalence.md §1).
    HigherOrderCounts n = higher_order_counts(*t, depth, std::numeric_limits<std::size_t>::max() - 1);
    std::size_t a = 0, k = 0;
    if (index < n.c) {
      k = n.c > 1 ? index * ((n.tables - 1) / (n.c - 1)) : 0;  // the constant k whose entries are all `index`
    } else {
      a = (index - n.c) / n.nonconstant;
      k = nonconstant_table((index - n.c) % n.nonconstant, n.tables, n.c);
    }
    const std::size_t values = count_values(*t->to, depth, std::numeric_limits<std::size_t>::max() - 1);
    // (values here are in the order of counterexamples, false before true; use_term takes basis
    // indices, true first)
    auto basis = [](const Type& type, std::size_t i) { return type.kind == Type::Kind::Bool ? 1 - i : i; };
    std::vector<std::optional<std::size_t>> entries(dimension(*t->from->to, depth));
    for (std::size_t j = entries.size(); j-- > 0; k /= n.c)  // the first entry is the most significant digit
      if (k % n.c < values) entries[j] = basis(*t->to, k % n.c);
    TermPtr term = symbolic::use_term(t, basis(*t->from->from, a), entries, basis(*t->to, 0));
    const Lam& lam = *term->as<Lam>();
    return make_closure(Closure{lam.param, lam.param_type, lam.body, Env{}});
  }
  const std::size_t base = count_values(*t->to, depth, std::numeric_limits<std::size_t>::max() - 1);
  TableValue table{t, std::vector<ValuePtr>(dimension(*t->from, depth))};
  for (std::size_t j = table.entries.size(); j-- > 0;) {  // the first entry is the most significant digit
    table.entries[j] = value_at(t->to, index % base, depth);
    index /= base;
  }
  return make_table(std::move(table));
}

namespace {
// <0, 0, >0: the order of counterexamples.
int compare_values(const ValuePtr& a, const ValuePtr& b) {
  if (const BoolValue* x = a->as<BoolValue>()) return int(x->value) - int(b->as<BoolValue>()->value);
  if (const NatValue* x = a->as<NatValue>()) {
    std::uint64_t y = b->as<NatValue>()->value;
    return x->value < y ? -1 : x->value > y ? 1 : 0;
  }
  if (!a->as<TableValue>()) return 0;  // (listed higher-order values are compared exhaustively only)
  const auto& xs = a->as<TableValue>()->entries;
  const auto& ys = b->as<TableValue>()->entries;
  for (std::size_t j = 0; j < xs.size() && j < ys.size(); ++j)
    if (int c = compare_values(xs[j], ys[j])) return c;
  return 0;
}
}  // namespace

bool tuple_less(const Tuple& a, const Tuple& b) {
  for (std::size_t k = 0; k < a.size(); ++k)
    if (int c = compare_values(a[k], b[k])) return c < 0;
  return false;
}

namespace {
bool same_value(const ValuePtr& a, const ValuePtr& b) {
  if (const BoolValue* x = a->as<BoolValue>()) return b->as<BoolValue>() && x->value == b->as<BoolValue>()->value;
  if (const NatValue* x = a->as<NatValue>()) return b->as<NatValue>() && x->value == b->as<NatValue>()->value;
  if (const VecValue* x = a->as<VecValue>()) return b->as<VecValue>() && x->x == b->as<VecValue>()->x;
  return false;  // results are Bool, Nat or Vec
}

}  // namespace

std::string show(const ValuePtr& v) {
  if (const BoolValue* b = v->as<BoolValue>()) return key_text(*Type::boolean(), b->value ? 0 : 1);
  if (const NatValue* n = v->as<NatValue>()) return std::to_string(n->value);
  if (const Closure* c = v->as<Closure>()) return print_term(*make_term(Lam{c->param, {}, c->param_type, c->body}));
  // Real values as the lists --arg and --param take: a vector, a matrix's numbers (its encoding).
  if (const VecValue* x = v->as<VecValue>()) return vector_text(Eigen::Map<const Eigen::VectorXd>(x->x.data(), static_cast<Eigen::Index>(x->x.size())));
  if (const MatrixValue* m = v->as<MatrixValue>())
    return vector_text(Eigen::Map<const Eigen::VectorXd>(m->data.data(), static_cast<Eigen::Index>(m->data.size())));
  const TableValue& t = *v->as<TableValue>();
  std::string out = "{";
  for (std::size_t j = 0; j < t.entries.size(); ++j)
    out += std::string(j ? ", " : "") + key_text(*t.type->from, j) + " ↦ " + show(t.entries[j]);
  return out + "}";
}

// ---- running one side with the interpreter ---------------------------------------------------
namespace {
struct Outcome {
  Result<ValuePtr> value = Result<ValuePtr>::failure(error_at(Span{}, "not run"));
  std::uint64_t max_natural = 0;
};


Outcome run_side(const CheckSide& side, const Setup& s, const Tuple& tuple, const EvalOptions& eval) {
  std::map<std::string, ValuePtr> params;
  for (std::size_t k = s.positions; k < s.slots.size(); ++k)
    if (side.program->program.find_param(s.slots[k].name)) params.emplace(s.slots[k].name, tuple[k]);
  Evaluator ev(side.program->program, std::move(params), eval);
  Outcome out;
  out.value = ev.def_value(side.def);
  for (std::size_t k = 0; k < s.positions && out.value; ++k) out.value = ev.apply(*out.value, tuple[k]);
  out.max_natural = ev.max_natural();
  return out;
}


}  // namespace

Comparison compare_on(const CheckSide& left, const CheckSide& right, const Setup& s, const Tuple& tuple,
                      const EquivalenceOptions& options) {
  Comparison c;
  Outcome a = run_side(left, s, tuple, options.eval);
  Outcome b = run_side(right, s, tuple, options.eval);
  // A run that applies a table past its keys (the program's own table, or an input's: a table
  // on Nat has entries for 0 … D only) has no value; any other failure is the interpreter's
  // (a resource limit) and decides nothing.
  auto no_value = [](const Outcome& o) { return !o.value && o.value.diagnostics.front().code == "eval.table-miss"; };
  for (const Outcome* o : {&a, &b})
    if (!o->value && !no_value(*o)) {
      c.error = true;
      c.message = (o == &a ? side_name(left) : side_name(right)) + ": " + o->value.diagnostics.front().message;
      return c;
    }
  // The two agree when both have the same value or neither has one (spec/equivalence.md §2).
  c.differ = a.value.ok() != b.value.ok() || (a.value.ok() && !same_value(*a.value, *b.value));
  c.beyond = std::max(a.max_natural, b.max_natural) > static_cast<std::uint64_t>(options.depth);
  auto shown = [](const Outcome& o) {
    return o.value ? show(*o.value) : "no value: " + o.value.diagnostics.front().message;
  };
  c.left = shown(a);
  c.right = shown(b);
  return c;
}

EquivalenceResult::Counterexample counterexample_of(const Setup& s, const Tuple& tuple, const Comparison& c) {
  EquivalenceResult::Counterexample ce;
  for (std::size_t k = 0; k < s.slots.size(); ++k)
    ce.inputs.push_back({s.slots[k].name, show(tuple[k]), s.slots[k].is_param});
  ce.left = c.left;
  ce.right = c.right;
  return ce;
}

std::string inputs_text(const Setup& s, const Tuple& tuple) {
  std::string out;
  for (std::size_t k = 0; k < s.slots.size(); ++k) out += (k ? ", " : "") + s.slots[k].name + " = " + show(tuple[k]);
  return out;
}

std::string plural(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace cajal::check_impl
