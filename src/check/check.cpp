// Semantic equivalence of two programs (include/cajal/check/check.hpp, spec/equivalence.md).
#include "cajal/check/check.hpp"

#include <z3++.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <sstream>

#include "../prove/symbolic.hpp"
#include "cajal/compile/compile.hpp"
#include "cajal/network/encode.hpp"
#include "cajal/network/engine.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal {

const char* verdict_name(EquivalenceResult::Verdict v) {
  switch (v) {
    case EquivalenceResult::Verdict::Equivalent: return "equivalent";
    case EquivalenceResult::Verdict::NotEquivalent: return "not equivalent";
    case EquivalenceResult::Verdict::Unknown: return "unknown";
  }
  return "unknown";
}

namespace {

using Verdict = EquivalenceResult::Verdict;
using Clock = std::chrono::steady_clock;
using Tuple = std::vector<ValuePtr>;

std::string quoted(const std::string& s) { return "`" + s + "`"; }

// What the comparison quantifies over: each argument position of the common type (named after
// the left def's binders), then each param of either program.
struct Slot {
  std::string name;
  TypePtr type;
  bool is_param = false;
};

struct Setup {
  const Def* left_def = nullptr;
  const Def* right_def = nullptr;
  TypePtr type;
  TypePtr result;  // the type after every argument position: Bool or Nat
  std::vector<Slot> slots;
  std::size_t positions = 0;
};

std::string side_name(const CheckSide& s) {
  return quoted(s.def) + (s.label.empty() ? "" : " in " + s.label);
}

Result<Setup> make_setup(const CheckSide& left, const CheckSide& right, const EquivalenceOptions& options) {
  using R = Result<Setup>;
  if (options.depth < 0 || options.depth > kMaxDepth)
    return R::failure(error_at(Span{}, "the depth must be between 0 and " + std::to_string(kMaxDepth) + ", got " +
                                           std::to_string(options.depth)));
  Setup s;
  for (const CheckSide* side : {&left, &right}) {
    const Def* def = side->program->program.find_def(side->def);
    if (!def) return R::failure(error_at(Span{}, "no `def " + side->def + "`" + (side->label.empty() ? "" : " in " + side->label)));
    (side == &left ? s.left_def : s.right_def) = def;
  }
  TypePtr lt = left.program->checked.globals.find(left.def)->type;
  TypePtr rt = right.program->checked.globals.find(right.def)->type;
  if (!same_type(lt, rt))
    return R::failure(Diagnostic{Severity::error, s.left_def->name_span,
                                 "the two sides have different types: " + side_name(left) + " is " + print_type(lt) +
                                     ", " + side_name(right) + " is " + print_type(rt),
                                 {Note{s.right_def->name_span, side_name(right) + " has type " + print_type(rt)}}});
  s.type = lt;
  // Each position is named after the left def's binder there, else the right def's, else argN.
  const Term* body = s.left_def->body.get();
  const Term* other = s.right_def->body.get();
  auto binder = [](const Term*& t) -> std::optional<std::string> {
    const Lam* l = t ? t->as<Lam>() : nullptr;
    t = l ? l->body.get() : nullptr;
    return l ? std::optional<std::string>(l->param) : std::nullopt;
  };
  std::map<std::string, int> used;
  for (TypePtr t = lt; t->is_arrow(); t = t->to) {
    std::optional<std::string> mine = binder(body), theirs = binder(other);
    std::string name = mine ? *mine : theirs ? *theirs : "arg" + std::to_string(s.positions + 1);
    if (int n = used[name]++; n > 0) name += "_" + std::to_string(n + 1);
    s.slots.push_back(Slot{name, t->from, false});
    ++s.positions;
    s.result = t->to;
  }
  if (!s.result) s.result = lt;
  // Params: the union, by name; a name on both sides must have one type.
  std::map<std::string, const Param*> seen;
  for (const CheckSide* side : {&left, &right})
    for (const Decl& d : side->program->program.decls) {
      const Param* p = std::get_if<Param>(&d);
      if (!p) continue;
      if (auto it = seen.find(p->name); it != seen.end()) {
        if (!same_type(it->second->type, p->type))
          return R::failure(Diagnostic{Severity::error, p->name_span,
                                       "param " + quoted(p->name) + " has type " + print_type(p->type) +
                                           " here but " + print_type(it->second->type) + " on the other side",
                                       {Note{it->second->name_span, "the other declaration of " + quoted(p->name)}}});
        continue;
      }
      seen.emplace(p->name, p);
      s.slots.push_back(Slot{p->name, p->type, true});
    }
  return R::success(std::move(s));
}

// ---- values of a type, in the order of counterexamples --------------------------------------
// false < true; 0 < 1 < ... < D; tables lexicographically by their entries in key order.

std::size_t saturating_mul(std::size_t a, std::size_t b, std::size_t cap) {
  if (a == 0 || b == 0) return 0;
  return a > cap / b ? cap + 1 : std::min(a * b, cap + 1);
}

// The number of values of t at depth D, or cap + 1 when there are more than cap. 0 when t's
// values cannot be listed (a function of a function, a Vec).
std::size_t count_values(const Type& t, int depth, std::size_t cap) {
  if (t.kind == Type::Kind::Bool) return 2;
  if (t.kind == Type::Kind::Nat) return static_cast<std::size_t>(depth) + 1;
  if (t.kind == Type::Kind::Vec || !t.from->is_finite_base()) return 0;
  std::size_t base = count_values(*t.to, depth, cap), n = 1;
  for (std::size_t j = 0; j < dimension(*t.from, depth); ++j) n = saturating_mul(n, base, cap);
  return n;
}

ValuePtr value_at(const TypePtr& t, std::size_t index, int depth) {
  if (t->kind == Type::Kind::Bool) return make_bool(index == 1);
  if (t->kind == Type::Kind::Nat) return make_nat(index);
  const std::size_t base = count_values(*t->to, depth, std::numeric_limits<std::size_t>::max() - 1);
  TableValue table{t, std::vector<ValuePtr>(dimension(*t->from, depth))};
  for (std::size_t j = table.entries.size(); j-- > 0;) {  // the first entry is the most significant digit
    table.entries[j] = value_at(t->to, index % base, depth);
    index /= base;
  }
  return make_table(std::move(table));
}

// <0, 0, >0: the order of counterexamples.
int compare_values(const ValuePtr& a, const ValuePtr& b) {
  if (const BoolValue* x = a->as<BoolValue>()) return int(x->value) - int(b->as<BoolValue>()->value);
  if (const NatValue* x = a->as<NatValue>()) {
    std::uint64_t y = b->as<NatValue>()->value;
    return x->value < y ? -1 : x->value > y ? 1 : 0;
  }
  const auto& xs = a->as<TableValue>()->entries;
  const auto& ys = b->as<TableValue>()->entries;
  for (std::size_t j = 0; j < xs.size() && j < ys.size(); ++j)
    if (int c = compare_values(xs[j], ys[j])) return c;
  return 0;
}
bool tuple_less(const Tuple& a, const Tuple& b) {
  for (std::size_t k = 0; k < a.size(); ++k)
    if (int c = compare_values(a[k], b[k])) return c < 0;
  return false;
}

bool same_value(const ValuePtr& a, const ValuePtr& b) {
  if (const BoolValue* x = a->as<BoolValue>()) return b->as<BoolValue>() && x->value == b->as<BoolValue>()->value;
  if (const NatValue* x = a->as<NatValue>()) return b->as<NatValue>() && x->value == b->as<NatValue>()->value;
  return false;  // results are Bool or Nat
}

// A value in source syntax (literals and tables; check never shows closures).
std::string show(const ValuePtr& v) {
  if (const BoolValue* b = v->as<BoolValue>()) return b->value ? "true" : "false";
  if (const NatValue* n = v->as<NatValue>()) return std::to_string(n->value);
  const TableValue& t = *v->as<TableValue>();
  std::string out = "{";
  for (std::size_t j = 0; j < t.entries.size(); ++j)
    out += std::string(j ? ", " : "") +
           (t.type->from->kind == Type::Kind::Bool ? (j == 0 ? "true" : "false") : std::to_string(j)) + " ↦ " +
           show(t.entries[j]);
  return out + "}";
}

// ---- running one side with the interpreter ---------------------------------------------------
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

struct Comparison {
  bool error = false;
  std::string message;  // the error
  bool differ = false;
  bool beyond = false;  // a run needed a natural above D
  bool outside = false;  // ... and applied an input table there: no value, outside the verdict
  std::string left, right;
};

Comparison compare_on(const CheckSide& left, const CheckSide& right, const Setup& s, const Tuple& tuple,
                      const EquivalenceOptions& options) {
  Comparison c;
  Outcome a = run_side(left, s, tuple, options.eval);
  Outcome b = run_side(right, s, tuple, options.eval);
  for (const Outcome* o : {&a, &b})
    if (!o->value && o->value.diagnostics.front().code == "eval.table-miss") {
      // An input function is a table on 0..D: past D it has no value, and the question none.
      c.beyond = c.outside = true;
      return c;
    }
  for (const Outcome* o : {&a, &b})
    if (!o->value) {
      c.error = true;
      c.message = (o == &a ? side_name(left) : side_name(right)) + ": " + o->value.diagnostics.front().message;
      return c;
    }
  c.differ = !same_value(*a.value, *b.value);
  c.beyond = std::max(a.max_natural, b.max_natural) > static_cast<std::uint64_t>(options.depth);
  c.left = show(*a.value);
  c.right = show(*b.value);
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

std::string outside_warning(std::size_t n, std::size_t total, int depth) {
  return plural(n, "input", "inputs") + (total ? " of " + std::to_string(total) : std::string()) +
         (n == 1 ? " applies" : " apply") + " an input function to a natural above D = " + std::to_string(depth) +
         ", where its table has no entry: " + (n == 1 ? "it is" : "they are") + " outside this verdict";
}

// ---- observational equivalence, exhaustively --------------------------------------------------
void exhaustive(const CheckSide& left, const CheckSide& right, const Setup& s, const EquivalenceOptions& options,
                std::size_t total, EquivalenceResult& out) {
  std::vector<std::vector<ValuePtr>> values(s.slots.size());
  for (std::size_t k = 0; k < s.slots.size(); ++k)
    for (std::size_t i = 0; i < count_values(*s.slots[k].type, options.depth, total); ++i)
      values[k].push_back(value_at(s.slots[k].type, i, options.depth));
  out.method = "exhaustive: the interpreter on all " + plural(total, "input", "inputs");
  std::size_t beyond = 0, outside = 0;
  Tuple tuple(s.slots.size());
  const auto deadline = Clock::now() + std::chrono::duration<double>(options.timeout_seconds);
  for (std::size_t t = 0; t < total; ++t) {
    if ((t & 63) == 0 && Clock::now() > deadline) {
      out.verdict = Verdict::Unknown;
      out.reason = "timeout after " + std::to_string(t) + " of " + std::to_string(total) + " inputs (" +
                   std::to_string(options.timeout_seconds) + " s)";
      return;
    }
    std::size_t rest = t;
    for (std::size_t k = s.slots.size(); k-- > 0;) {  // slot 0 is the most significant digit
      tuple[k] = values[k][rest % values[k].size()];
      rest /= values[k].size();
    }
    Comparison c = compare_on(left, right, s, tuple, options);
    ++out.inputs_compared;
    if (c.error) {
      out.verdict = Verdict::Unknown;
      out.reason = "the interpreter failed on " + inputs_text(s, tuple) + ": " + c.message;
      return;
    }
    if (c.outside) ++outside;
    else if (c.beyond) ++beyond;
    if (c.differ && out.counterexamples++ == 0) out.counterexample = counterexample_of(s, tuple, c);
  }
  out.verdict = out.counterexamples ? Verdict::NotEquivalent : Verdict::Equivalent;
  if (beyond)
    out.warnings.push_back(plural(beyond, "input", "inputs") + " of " + std::to_string(total) +
                           (beyond == 1 ? " needs" : " need") + " naturals above D = " + std::to_string(options.depth) +
                           " in a run; the interpreter compared " + (beyond == 1 ? "it" : "them") +
                           " exactly (a network at depth " + std::to_string(options.depth) + " loses " + (beyond == 1 ? "it" : "them") + ")");
  if (outside) out.warnings.push_back(outside_warning(outside, total, options.depth));
}

// ---- observational equivalence, with Z3 ------------------------------------------------------
using symbolic::SVal;
using symbolic::SourceSemantics;

class SymbolicCheck {
 public:
  SymbolicCheck(const CheckSide& left, const CheckSide& right, const Setup& s, const EquivalenceOptions& options,
                EquivalenceResult& out)
      : left_(left), right_(right), s_(s), options_(options), out_(out), solver_(ctx_) {}

  void run() {
    out_.method = "symbolic: Z3 over the big-step rules, inputs within D";
    for (const Slot& slot : s_.slots) slot_values_.push_back(symbol(slot.name, slot.type));
    SVal a = side_value(left_), b = side_value(right_);
    z3::expr over = *a.over || *b.over;
    z3::expr differ = *a.value != *b.value;

    std::vector<Tuple> found;  // counterexamples (the least first, once sorted)
    // 1. Inputs whose runs need naturals above D: the symbolic rules stop at D, so the
    //    interpreter compares them, one by one (up to kOutsideCap).
    solver_.push();
    solver_.add(over);
    std::size_t outside = 0, missing = 0;
    bool outside_all = true;
    for (;;) {
      z3::check_result r = check();
      if (r == z3::unsat) break;
      if (r == z3::unknown || outside == kOutsideCap) {
        outside_all = false;
        break;
      }
      ++outside;
      z3::model m = solver_.get_model();
      Tuple tuple = concrete(m);
      Comparison c = compare_on(left_, right_, s_, tuple, options_);
      ++out_.inputs_compared;
      if (c.error) return unknown("the interpreter failed on " + inputs_text(s_, tuple) + ": " + c.message);
      if (c.outside) ++missing;
      if (c.differ) found.push_back(tuple);
      block(m);
    }
    solver_.pop();
    if (outside) {
      std::string w = std::string(outside_all ? "" : "at least ") + plural(outside, "input", "inputs") +
                      (outside == 1 && outside_all ? " needs" : " need") + " naturals above D = " +
                      std::to_string(options_.depth) + " in a run: ";
      if (missing < outside) w += std::to_string(outside - missing) + " compared exactly by the interpreter";
      if (missing) w += std::string(missing < outside ? "; " : "") + std::to_string(missing) +
                        " apply an input function past its table (no value there: outside this verdict)";
      if (!outside_all) w += "; any beyond the first " + std::to_string(outside) + " were not examined (outside this verdict)";
      out_.warnings.push_back(w);
    }

    // 2. The question: an input within D on which the two values differ.
    solver_.add(!over && differ);
    z3::check_result r = check();
    if (r == z3::unknown) return unknown("Z3 answered unknown (" + solver_.reason_unknown() + ")");
    std::size_t within = 0;
    bool within_all = true;
    if (r == z3::sat) {
      solver_.push();
      bool minimal = minimize();
      z3::model m = solver_.get_model();
      solver_.pop();
      Tuple least = concrete(m);
      if (!minimal) out_.warnings.push_back("Z3 could not finish minimizing the counterexample; it may not be the least");
      found.push_back(least);
      // How many: block each one found, up to kCountCap.
      block(m);
      within = 1;
      for (; within < kCountCap; ++within) {
        z3::check_result more = check();
        if (more == z3::unsat) break;
        if (more == z3::unknown) {
          within_all = false;
          break;
        }
        block(solver_.get_model());
      }
      if (within == kCountCap) within_all = false;
    }
    if (found.empty()) {
      out_.verdict = Verdict::Equivalent;
      return;
    }
    std::sort(found.begin(), found.end(), tuple_less);
    Comparison c = compare_on(left_, right_, s_, found.front(), options_);
    if (c.error) return unknown("the interpreter failed on " + inputs_text(s_, found.front()) + ": " + c.message);
    if (!c.differ)  // the symbolic rules and the interpreter disagree: a bug of ours, never a verdict
      return unknown("internal: the symbolic semantics found " + inputs_text(s_, found.front()) +
                     ", on which the interpreter gives " + c.left + " on both sides");
    out_.verdict = Verdict::NotEquivalent;
    out_.counterexample = counterexample_of(s_, found.front(), c);
    out_.counterexamples = found.size() - (r == z3::sat ? 1 : 0) + within;
    out_.counted_all = within_all && outside_all;
  }

 private:
  static constexpr std::size_t kOutsideCap = 256;
  static constexpr std::size_t kCountCap = 100;

  const CheckSide& left_;
  const CheckSide& right_;
  const Setup& s_;
  const EquivalenceOptions& options_;
  EquivalenceResult& out_;
  z3::context ctx_;
  z3::solver solver_;
  std::vector<SVal> slot_values_;
  std::vector<z3::expr> leaves_;  // every boolean and integer unknown, in the order of counterexamples

  void unknown(std::string reason) {
    out_.verdict = Verdict::Unknown;
    out_.reason = std::move(reason);
  }

  z3::check_result check() { return symbolic::check_with_watchdog(ctx_, solver_, options_.timeout_seconds); }

  SVal symbol(const std::string& name, const TypePtr& type) {
    return symbolic::unknown_input(ctx_, solver_, name, type, options_.depth, leaves_);
  }

  SVal side_value(const CheckSide& side) {
    std::map<std::string, SVal> params;
    for (std::size_t k = s_.positions; k < s_.slots.size(); ++k)
      if (side.program->program.find_param(s_.slots[k].name)) params.emplace(s_.slots[k].name, slot_values_[k]);
    SourceSemantics src(ctx_, *side.program, options_.depth, params);
    SVal v = src.eval(*side.program->program.find_def(side.def)->body, nullptr);
    for (std::size_t k = 0; k < s_.positions; ++k) v = src.apply(v, slot_values_[k]);
    return v;
  }

  ValuePtr concrete(const SVal& v, const TypePtr& type, const z3::model& m) {
    if (v.kind == SVal::Kind::Bool) return make_bool(m.eval(*v.value, true).is_true());
    if (v.kind == SVal::Kind::Nat) return make_nat(m.eval(*v.value, true).get_numeral_uint64());
    TableValue t{type, {}};
    for (const SVal& e : v.entries) t.entries.push_back(concrete(e, type->to, m));
    return make_table(std::move(t));
  }
  Tuple concrete(const z3::model& m) {
    Tuple tuple;
    for (std::size_t k = 0; k < s_.slots.size(); ++k) tuple.push_back(concrete(slot_values_[k], s_.slots[k].type, m));
    return tuple;
  }

  void block(const z3::model& m) {
    if (leaves_.empty()) {
      solver_.add(ctx_.bool_val(false));
      return;
    }
    z3::expr_vector other(ctx_);
    for (const z3::expr& leaf : leaves_) other.push_back(leaf != m.eval(leaf, true));
    solver_.add(z3::mk_or(other));
  }

  // Fixes each leaf, in order, to its least value that still has a counterexample (false before
  // true, the smallest natural by bisection): the lexicographically least counterexample.
  bool minimize() {
    for (const z3::expr& leaf : leaves_) {
      if (leaf.is_bool()) {
        solver_.push();
        solver_.add(!leaf);
        z3::check_result r = check();
        solver_.pop();
        if (r == z3::unknown) return finish_model();
        solver_.add(r == z3::sat ? !leaf : leaf);
        continue;
      }
      int lo = 0, hi = options_.depth;
      while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        solver_.push();
        solver_.add(leaf <= mid);
        z3::check_result r = check();
        solver_.pop();
        if (r == z3::unknown) return finish_model();
        if (r == z3::sat) hi = mid;
        else lo = mid + 1;
      }
      solver_.add(leaf == lo);
    }
    return check() == z3::sat || finish_model();
  }
  // Minimization stopped early: the last model (of the constraints so far) is still a counterexample.
  bool finish_model() {
    (void)check();
    return false;
  }
};

// ---- neural equivalence ----------------------------------------------------------------------
std::string vector_text(const Eigen::VectorXd& x) {
  std::ostringstream ss;
  ss << "[";
  for (Eigen::Index k = 0; k < x.size(); ++k) ss << (k ? ", " : "") << x(k);
  ss << "]";
  return ss.str();
}

// The number of basis inputs (one basis vector per argument position), or cap + 1.
std::size_t basis_count(const Setup& s, int depth, std::size_t cap) {
  std::size_t n = 1;
  for (std::size_t k = 0; k < s.positions; ++k) n = saturating_mul(n, dimension(*s.slots[k].type, depth), cap);
  return n;
}
// Basis input `t`: for each position, the index of its basis vector (position 0 most significant).
std::vector<std::size_t> basis_digits(const Setup& s, std::size_t t, int depth) {
  std::vector<std::size_t> digits(s.positions);
  for (std::size_t k = s.positions; k-- > 0;) {
    std::size_t d = dimension(*s.slots[k].type, depth);
    digits[k] = t % d;
    t /= d;
  }
  return digits;
}
std::string basis_text(std::size_t dim, std::size_t hot) {
  Eigen::VectorXd e = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(dim));
  e(static_cast<Eigen::Index>(hot)) = 1;
  return vector_text(e);
}
// An output vector in source syntax when it encodes a value, else as a list.
std::string output_text(const Eigen::VectorXd& y, const Type& type, int depth) {
  std::optional<std::string> v = decode(y, type, depth);
  return v ? *v : vector_text(y);
}

constexpr std::size_t kNeuralNumbers = 50'000'000;  // inputs and outputs of the batch, together

void neural_numeric(const Setup& s, const Network& a, const Network& b, const EquivalenceOptions& options,
                    EquivalenceResult& out) {
  const int depth = options.depth;
  std::size_t per_column = dimension(*s.result, depth);
  for (std::size_t k = 0; k < s.positions; ++k) per_column += dimension(*s.slots[k].type, depth);
  const std::size_t total = basis_count(s, depth, kNeuralNumbers);
  if (total > kNeuralNumbers / per_column)
    return (void)(out.verdict = Verdict::Unknown,
                  out.reason = "the networks' tensors are too large to compare (more than " +
                               std::to_string(kNeuralNumbers) + " numbers)");
  out.method = "tensors: both networks on all " + plural(total, "basis input", "basis inputs") + ", exactly";
  NetworkArgs args;
  for (std::size_t k = 0; k < s.positions; ++k)
    args.inputs.push_back(Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(dimension(*s.slots[k].type, depth)),
                                                static_cast<Eigen::Index>(total)));
  for (std::size_t t = 0; t < total; ++t) {
    std::vector<std::size_t> digits = basis_digits(s, t, depth);
    for (std::size_t k = 0; k < s.positions; ++k)
      args.inputs[k](static_cast<Eigen::Index>(digits[k]), static_cast<Eigen::Index>(t)) = 1;
  }
  Result<NetworkRun> ra = run_network(a, args), rb = run_network(b, args);
  if (!ra || !rb) {
    out.verdict = Verdict::Unknown;
    out.reason = "internal: " + render((ra ? rb : ra).diagnostics);
    return;
  }
  // Every number is an integer (0/1 constants, sums and products), exact in a double below 2^53.
  auto exact = [](const Eigen::MatrixXd& m) {
    return m.allFinite() && (m.array() == m.array().round()).all() && m.cwiseAbs().maxCoeff() < 9.0e15;
  };
  if (!exact(ra->output) || !exact(rb->output)) {
    out.verdict = Verdict::Unknown;
    out.reason = "internal: a tensor entry is not an exact integer";
    return;
  }
  // Mass is meaningful for encodings: basis vectors are encodings of Bool and Nat inputs only.
  bool encodings = true;
  for (std::size_t k = 0; k < s.positions; ++k) encodings = encodings && !s.slots[k].type->is_arrow();
  std::size_t lost = 0;
  for (std::size_t t = 0; t < total; ++t) {
    const Eigen::Index col = static_cast<Eigen::Index>(t);
    // A batch-invariant output comes back as one column.
    auto at = [&](const Eigen::VectorXd& v) { return v.size() == 0 ? 0.0 : v(v.size() == 1 ? 0 : col); };
    if (encodings && (at(ra->mass_lost) != 0 || at(rb->mass_lost) != 0)) ++lost;
    Eigen::VectorXd ya = ra->output.col(ra->output.cols() == 1 ? 0 : col);
    Eigen::VectorXd yb = rb->output.col(rb->output.cols() == 1 ? 0 : col);
    if (ya == yb) continue;
    if (out.counterexamples++ == 0) {
      EquivalenceResult::Counterexample ce;
      std::vector<std::size_t> digits = basis_digits(s, t, depth);
      for (std::size_t k = 0; k < s.positions; ++k)
        ce.inputs.push_back({s.slots[k].name, basis_text(dimension(*s.slots[k].type, depth), digits[k]), false});
      ce.left = output_text(ya, *s.result, depth);
      ce.right = output_text(yb, *s.result, depth);
      out.counterexample = ce;
    }
  }
  out.inputs_compared = total;
  out.verdict = out.counterexamples ? Verdict::NotEquivalent : Verdict::Equivalent;
  if (lost)
    out.warnings.push_back("on " + plural(lost, "basis input", "basis inputs") + " a network loses mass past D = " +
                           std::to_string(depth) + " (a natural exceeds D): neural equivalence compares the networks as they are at this depth");
}

constexpr std::size_t kPolynomialBasis = 4096;

// A rational numeral as a plain number: 3, -2, 1.5 (exact up to 20 decimals).
std::string numeral_text(const z3::expr& e) {
  int64_t i = 0;
  if (e.is_numeral_i64(i)) return std::to_string(i);
  std::string s = e.get_decimal_string(20);
  if (!s.empty() && s.back() == '?') s.pop_back();
  return s;
}

void neural_polynomial(const Setup& s, const Network& a, const Network& b, const EquivalenceOptions& options,
                       EquivalenceResult& out) {
  const int depth = options.depth;
  const auto deadline = Clock::now() + std::chrono::duration<double>(options.timeout_seconds);
  const std::size_t total = basis_count(s, depth, kPolynomialBasis);
  if (total > kPolynomialBasis)
    return (void)(out.verdict = Verdict::Unknown,
                  out.reason = "more than " + std::to_string(kPolynomialBasis) +
                               " basis inputs to compare as polynomials in the params");
  out.method = "polynomial identity in the params' entries (Z3 sum-of-monomials normal form), on all " +
               plural(total, "basis input", "basis inputs");
  z3::context ctx;
  std::map<std::string, symbolic::SVec> params;
  z3::expr_vector unknowns(ctx);
  for (std::size_t k = s.positions; k < s.slots.size(); ++k) {
    symbolic::SVec v;
    for (std::size_t j = 0; j < dimension(*s.slots[k].type, depth); ++j) {
      v.push_back(ctx.real_const((s.slots[k].name + "[" + std::to_string(j) + "]").c_str()));
      unknowns.push_back(v.back());
    }
    params.emplace(s.slots[k].name, v);
  }
  auto only = [&](const Network& n) {
    std::map<std::string, symbolic::SVec> mine;
    for (const NetworkInput& p : n.params) mine.emplace(p.name, params.at(p.name));
    return mine;
  };
  symbolic::SymbolicEngine ea(ctx, a, only(a)), eb(ctx, b, only(b));
  z3::params som(ctx);
  som.set("som", true);
  std::mt19937_64 rng(0x5eed);
  for (std::size_t t = 0; t < total; ++t) {
    if (Clock::now() > deadline)
      return (void)(out.verdict = Verdict::Unknown, out.reason = "timeout after " + std::to_string(t) + " of " +
                                                                  std::to_string(total) + " basis inputs");
    std::vector<std::size_t> digits = basis_digits(s, t, depth);
    std::vector<symbolic::SVec> ins;
    for (std::size_t k = 0; k < s.positions; ++k) {
      symbolic::SVec e;
      for (std::size_t j = 0; j < dimension(*s.slots[k].type, depth); ++j) e.push_back(ctx.real_val(j == digits[k] ? 1 : 0));
      ins.push_back(e);
    }
    symbolic::SVec ya = ea.run(0, ins), yb = eb.run(0, ins);
    ++out.inputs_compared;
    bool differs = false;
    for (std::size_t c = 0; c < ya.size() && !differs; ++c) {
      z3::expr d = (ya[c] - yb[c]).simplify(som);
      if (d.is_numeral() && d.get_decimal_string(0) == "0") continue;
      differs = true;
      if (out.counterexamples > 0) continue;
      // A nonzero polynomial is nonzero at almost every point: find one (Schwartz–Zippel), exactly.
      // Small integers first (readable), then wider ranges.
      for (int attempt = 0; attempt < 64 && !out.counterexample; ++attempt) {
        std::uniform_int_distribution<int> pick(-(2 + attempt * attempt), 2 + attempt * attempt);
        z3::expr_vector point(ctx);
        for (unsigned u = 0; u < unknowns.size(); ++u) point.push_back(ctx.real_val(pick(rng)));
        z3::expr at = d.substitute(unknowns, point).simplify();
        if (at.is_numeral() && at.get_decimal_string(0) == "0") continue;
        EquivalenceResult::Counterexample ce;
        for (std::size_t k = 0; k < s.positions; ++k)
          ce.inputs.push_back({s.slots[k].name, basis_text(dimension(*s.slots[k].type, depth), digits[k]), false});
        unsigned u = 0;
        for (std::size_t k = s.positions; k < s.slots.size(); ++k) {
          std::string v = "[";
          for (std::size_t j = 0; j < dimension(*s.slots[k].type, depth); ++j, ++u)
            v += (j ? ", " : "") + numeral_text(point[static_cast<int>(u)]);
          ce.inputs.push_back({s.slots[k].name, v + "]", true});
        }
        // An output at the point: in source syntax when it encodes a value, else as a list.
        auto value_at_point = [&](const symbolic::SVec& y) {
          std::string v = "[";
          Eigen::VectorXd numbers(static_cast<Eigen::Index>(y.size()));
          bool integral = true;
          for (std::size_t r = 0; r < y.size(); ++r) {
            z3::expr e = y[r];
            z3::expr at_point = e.substitute(unknowns, point).simplify();
            int64_t i = 0;
            integral = integral && at_point.is_numeral_i64(i);
            numbers(static_cast<Eigen::Index>(r)) = static_cast<double>(i);
            v += (r ? ", " : "") + numeral_text(at_point);
          }
          std::optional<std::string> decoded = integral ? decode(numbers, *s.result, depth) : std::nullopt;
          return decoded ? *decoded : v + "]";
        };
        ce.left = value_at_point(ya);
        ce.right = value_at_point(yb);
        out.counterexample = ce;
      }
      if (!out.counterexample)
        return (void)(out.verdict = Verdict::Unknown,
                      out.reason = "the networks differ as polynomials but no point of difference was found");
    }
    if (differs) ++out.counterexamples;
  }
  out.verdict = out.counterexamples ? Verdict::NotEquivalent : Verdict::Equivalent;
}

// Runs one decision procedure; what it cannot express, or a Z3 failure, is an unknown verdict.
template <class Decide>
void decide(EquivalenceResult& out, Decide f) {
  try {
    f();
  } catch (const symbolic::Unsupported& u) {
    out.verdict = Verdict::Unknown;
    out.reason = "not supported yet: " + u.why;
  } catch (const z3::exception& e) {
    out.verdict = Verdict::Unknown;
    out.reason = std::string("Z3: ") + e.msg();
  }
}

}  // namespace

Result<EquivalenceResult> check_equivalence(const CheckSide& left, const CheckSide& right,
                                            const EquivalenceOptions& options) {
  using R = Result<EquivalenceResult>;
  const auto start = Clock::now();
  Result<Setup> setup = make_setup(left, right, options);
  if (!setup) return R::failure(std::move(setup.diagnostics));
  const Setup& s = *setup;
  EquivalenceResult out;
  out.depth = options.depth;
  out.type = s.type;
  auto finish = [&]() {
    out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return R::success(std::move(out));
  };

  if (options.neural) {
    Network nets[2];
    for (int k = 0; k < 2; ++k) {
      const CheckSide& side = k == 0 ? left : right;
      CompileOptions compile;
      compile.depth = options.depth;
      compile.inputs = s.positions;
      compile.annotate = false;
      compile.entry = side.def;
      Result<Network> net = compile_program(*side.program, compile);
      if (!net) return R::failure(std::move(net.diagnostics));
      nets[k] = std::move(*net);
    }
    decide(out, [&] {
      if (s.slots.size() == s.positions) neural_numeric(s, nets[0], nets[1], options, out);
      else neural_polynomial(s, nets[0], nets[1], options, out);
    });
    return finish();
  }

  // Observational: exhaustively when the inputs are few, else with Z3.
  std::size_t total = 1;
  bool listable = true;
  for (const Slot& slot : s.slots) {
    std::size_t n = count_values(*slot.type, options.depth, options.exhaustive_limit);
    listable = listable && n > 0;
    total = saturating_mul(total, n, options.exhaustive_limit);
  }
  if (!listable) {
    out.verdict = Verdict::Unknown;
    out.reason = "not supported yet: an input is a Vec (real vectors have no finite list of values) or a function of "
                 "a function; try --neural (for programs without params whose runs stay within D the two notions "
                 "coincide, spec/equivalence.md §4)";
    return finish();
  }
  bool small = total <= options.exhaustive_limit;
  if (options.method == EquivalenceOptions::Method::Exhaustive && !small) {
    out.verdict = Verdict::Unknown;
    out.reason = "more than " + std::to_string(options.exhaustive_limit) + " input tuples to list";
    return finish();
  }
  if (options.method == EquivalenceOptions::Method::Exhaustive ||
      (options.method == EquivalenceOptions::Method::Auto && small)) {
    exhaustive(left, right, s, options, total, out);
    return finish();
  }
  decide(out, [&] { SymbolicCheck(left, right, s, options, out).run(); });
  return finish();
}

}  // namespace cajal
