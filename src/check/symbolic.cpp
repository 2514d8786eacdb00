// Observational equivalence with Z3 over the symbolic big-step rules (spec/equivalence.md §6):
// inputs within D are decided symbolically; those whose runs leave D are listed by the solver and
// compared by the interpreter; the least counterexample is found by fixing the unknowns in order.
#include <z3++.h>

#include <algorithm>
#include <map>

#include "../prove/symbolic.hpp"
#include "cajal/smt/context.hpp"
#include "cajal/smt/solver.hpp"
#include "cajal/network/encode.hpp"
#include "check_internal.hpp"

namespace cajal::check_impl {

namespace {

using symbolic::SourceSemantics;
using symbolic::SVal;

class SymbolicCheck {
 public:
  SymbolicCheck(const CheckSide& left, const CheckSide& right, const Setup& s, const EquivalenceOptions& options,
                EquivalenceResult& out)
      : left_(left), right_(right), s_(s), options_(options), out_(out),
        solver_(ctx_, smt::Budget{options.timeout_seconds, 0, 0}) {}

  void run() {
    deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(std::min(solver_.seconds_left(), 1e6)));
    out_.method = "symbolic: Z3 over the big-step rules, inputs within D";
    for (const Slot& slot : s_.slots) {
      real_ = real_ || symbolic::taken_as_reals(*slot.type);
      units_ = units_ || symbolic::soft_parts(*slot.type);
    }
    if (real_)
      out_.method += std::string("; real inputs") + (units_ ? " and matrices" : "") +
                     " as unknowns, both sides polynomials in them, compared coefficient by coefficient";
    for (const Slot& slot : s_.slots)
      slot_values_.push_back(symbolic::unknown_input(ctx_, solver_, slot.name, slot.type, options_.depth, leaves_,
                                                     real_ ? &reals_ : nullptr));
    Side a = side_value(left_), b = side_value(right_);
    z3::expr over = *a.value.over || *b.value.over;
    z3::expr differ = ctx_.bool_val(false);
    if (real_) {  // some coefficient of some entry of the encodings (spec/denotation.md §8.5)
      z3::expr_vector any(ctx_);
      for (std::size_t k = 0; k < a.encoding.size(); ++k) {
        any.push_back(arith_.differ(a.encoding[k], b.encoding[k]));
        compared_.emplace_back(a.encoding[k], b.encoding[k]);
      }
      differ = z3::mk_or(any);
    } else {
      differ = *a.value.value != *b.value.value;
    }

    // 1. The question: an input within D on which the two values differ; the least one.
    std::vector<Tuple> found;  // counterexamples (the least first, once sorted)
    std::size_t within = 0;
    bool within_all = true;
    std::optional<z3::model> least;
    {
      // Asked first of a solver that has asked nothing yet: Z3's one-shot path, with its
      // preprocessing (smt::Solver::assertions); the incremental one only finds the least
      // counterexample and counts.
      smt::Solver question(ctx_, smt::Budget{std::max(solver_.seconds_left(), 0.0), 0, 0});
      for (const z3::expr& a : solver_.assertions()) question.add(a);
      question.add(!over && differ);
      z3::check_result first = question.check();
      if (first == z3::unknown) return unknown("Z3 answered unknown (" + question.reason_unknown() + ")");
      auto scope = solver_.scope();
      solver_.add(!over && differ);
      z3::check_result r = first == z3::sat ? solver_.check() : z3::unsat;
      if (r == z3::unknown) return unknown("Z3 answered unknown (" + solver_.reason_unknown() + ")");
      if (r == z3::sat) {
        least = least_counterexample();
        found.push_back(concrete(*least));
        // How many: block each one found, up to kCountCap.
        solver_.block(leaves_, *least);
        smt::Solver::Enumeration more = solver_.enumerate(leaves_, kCountCap - 1, solver_.seconds_left() / 2);
        within = 1 + more.count;
        within_all = more.complete;
      }
    }

    // 2. The inputs whose runs leave D, through the interpreter. With a counterexample within D,
    //    only those before it (in the order of counterexamples) can be a lesser one.
    bool outside_all = true;
    z3::expr outside = over;
    if (least) outside = outside && before(*least);
    if (!compare_outside(outside, least.has_value(), found, outside_all)) return;
    if (least && !outside_all)
      out_.warnings.push_back("the interpreter compared " + std::to_string(outside_examined_) +
                              " of the inputs before the counterexample within D that leave D, not all: a lesser "
                              "counterexample may be among the others (raise --timeout)");
    // 3. For the count (up to kCountCap in all): the inputs after the least one that leave D.
    bool unexamined_after = false;
    if (least) {
      const std::size_t counted = found.size() - 1 + within;
      auto scope = solver_.scope();
      solver_.add(over && !before(*least));
      smt::Solver::Enumeration after = solver_.enumerate(
          leaves_, counted < kCountCap ? kCountCap - counted : 0, solver_.seconds_left(), [&](const z3::model& m) {
            return !run_interpreter(m, found).error && found.size() - 1 + within < kCountCap;
          });
      unexamined_after = !after.complete;
    }
    if (found.empty()) {
      // "equivalent" only when every input was compared, and with real inputs the interpreter
      // compares one point of each, not every real value.
      if (real_ && outside_examined_ > 0)
        return unknown("no counterexample, but " + plural(outside_examined_, "input", "inputs") +
                       (outside_examined_ == 1 ? " needs" : " need") + " naturals above D = " + std::to_string(options_.depth) +
                       " (or a table past its keys); the symbolic rules stop at D, and with real inputs the interpreter "
                       "compares them at one point each, not for every real value (raise --depth so that these runs "
                       "stay within it, or compare the networks with --neural)");
      if (!outside_all)
        return unknown("no counterexample within D, but more than " + std::to_string(outside_examined_) +
                       " inputs need naturals above D = " + std::to_string(options_.depth) +
                       " (or a table past its keys), which the interpreter compares one by one; it compared " +
                       std::to_string(outside_examined_) + " within " +
                       (outside_examined_ < kOutsideCap ? "half the time limit (raise --timeout)"
                                                        : "its cap of " + std::to_string(kOutsideCap)) +
                       "; the others were not examined");
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
    out_.counterexamples = found.size() - (least ? 1 : 0) + within;
    out_.counted_all = within_all && outside_all && !unexamined_after;
  }

 private:
  static constexpr std::size_t kOutsideCap = 4096;
  static constexpr std::size_t kCountCap = 100;

  const CheckSide& left_;
  const CheckSide& right_;
  const Setup& s_;
  const EquivalenceOptions& options_;
  EquivalenceResult& out_;
  smt::Context context_;  // (freed in the background if a check was interrupted)
  z3::context& ctx_ = context_;
  smt::Solver solver_;
  std::vector<SVal> slot_values_;
  std::vector<z3::expr> leaves_;  // every boolean and integer unknown, in the order of counterexamples
  std::size_t outside_examined_ = 0;
  bool real_ = false;                                       // some input is real (a Vec, a matrix)
  Clock::time_point deadline_;  // the symbolic runs stop here (--timeout)
  bool units_ = false;  // ...with a Bool or Nat part: its points are matrix units (the interpreter runs those)
  std::vector<std::string> reals_;                          // the real unknowns, by index
  symbolic::PolyArith arith_{ctx_};
  std::vector<std::pair<symbolic::Poly, symbolic::Poly>> compared_;  // the results' encodings, both sides

  void unknown(std::string reason) {
    out_.verdict = Verdict::Unknown;
    out_.reason = std::move(reason);
  }

  // The interpreter on both sides at the input of model m; a differing input joins `found`. On
  // an error, the message starts with the input ("x = 1: ...").
  Comparison run_interpreter(const z3::model& m, std::vector<Tuple>& found) {
    Tuple tuple = concrete(m);
    Comparison c = compare_on(left_, right_, s_, tuple, options_);
    ++out_.inputs_compared;
    if (c.error) c.message = inputs_text(s_, tuple) + ": " + c.message;
    if (c.differ) found.push_back(std::move(tuple));
    return c;
  }

  // 1. Inputs whose runs need naturals above D (or read a table past its keys): the symbolic
  //    rules stop at D, so the interpreter compares them exactly, one by one (up to kOutsideCap,
  //    within half the time). `all`: every such input was compared. False when the verdict is
  //    already decided (unknown).
  bool compare_outside(const z3::expr& over, bool bounded, std::vector<Tuple>& found, bool& all) {
    auto scope = solver_.scope();
    solver_.add(over);
    bool failed = false;
    smt::Solver::Enumeration n =
        solver_.enumerate(leaves_, kOutsideCap, solver_.seconds_left() / 2, [&](const z3::model& m) {
          Comparison c = run_interpreter(m, found);
          if (c.error) {
            unknown("the interpreter failed on " + c.message);
            failed = true;
          }
          return !c.error;
        });
    if (failed) return false;
    all = n.complete;
    outside_examined_ = n.count;
    if (n.count && all && !real_)  // (with real inputs: one point each, said where it matters)
      out_.warnings.push_back(plural(n.count, "input", "inputs") + (bounded ? " before the least counterexample within D" : "") +
                              (n.count == 1 ? " needs" : " need") +
                              " naturals above D = " + std::to_string(options_.depth) +
                              " (or a table past its keys) in a run; the interpreter compared " +
                              (n.count == 1 ? "it" : "them") + " exactly");
    return true;
  }

  // A side's value on the unknowns and, with real unknowns, its encoding as polynomials.
  struct Side {
    SVal value;
    std::vector<symbolic::Poly> encoding;
  };
  Side side_value(const CheckSide& side) {
    std::map<std::string, SVal> params;
    for (std::size_t k = s_.positions; k < s_.slots.size(); ++k)
      if (side.program->program.find_param(s_.slots[k].name)) params.emplace(s_.slots[k].name, slot_values_[k]);
    SourceSemantics src(ctx_, *side.program, options_.depth, params);
    src.deadline = deadline_;
    src.track_loss = true;
    src.reals().deadline() = deadline_;
    SVal v = src.eval(*side.program->program.find_def(side.def)->body, nullptr);
    for (std::size_t k = 0; k < s_.positions; ++k) v = src.apply(v, slot_values_[k]);
    z3::expr lost = ctx_.bool_val(false);
    std::vector<symbolic::Poly> encoding;
    if (real_) encoding = src.soft_encoding(v, s_.result, lost);
    return Side{v, std::move(encoding)};
  }

  ValuePtr concrete(const SVal& v, const TypePtr& type, const z3::model& m, const std::vector<z3::expr>& point) {
    if (symbolic::taken_as_reals(*type)) {  // its encoding at the point, read back as a vector or a matrix
      Eigen::VectorXd x = symbolic::values_at(symbolic::encode_poly(arith_, v, options_.depth), m, point);
      Result<ValuePtr> value = value_from_vector(x, type, options_.depth);
      if (!value) throw symbolic::Unsupported{"a real input as a value: " + value.diagnostics.front().message};
      return *value;
    }
    if (v.kind == SVal::Kind::Bool) return make_bool(m.eval(*v.value, true).is_true());
    if (v.kind == SVal::Kind::Nat) return make_nat(m.eval(*v.value, true).get_numeral_uint64());
    TableValue t{type, {}};
    for (const SVal& e : v.entries) t.entries.push_back(concrete(e, type->to, m, point));
    return make_table(std::move(t));
  }
  // The input of model m; real inputs at a point where the two sides differ under m, if they do
  // (small integers first: the interpreter computes with them exactly).
  Tuple concrete(const z3::model& m) {
    const std::vector<z3::expr> point = !real_  ? std::vector<z3::expr>{}
                                        : units_ ? symbolic::unit_point(compared_, m, reals_.size(), ctx_)
                                                 : symbolic::witness_point(compared_, m, reals_.size(), ctx_);
    Tuple tuple;
    for (std::size_t k = 0; k < s_.slots.size(); ++k) tuple.push_back(concrete(slot_values_[k], s_.slots[k].type, m, point));
    return tuple;
  }

  // The least counterexample (in a scope, so the solver is left as it was): each leaf fixed, in
  // order, to its least value that still has a counterexample (false before true, the smallest
  // natural by bisection). When Z3 cannot finish, the last counterexample found, with a warning.
  z3::model least_counterexample() {
    z3::model best = solver_.model();  // (before the scope: a push discards the model)
    auto scope = solver_.scope();
    auto holds = [&](const z3::expr& e) {  // sat with e (remembering the model), unsat, or unknown
      auto inner = solver_.scope();
      solver_.add(e);
      z3::check_result r = solver_.check();
      if (r == z3::sat) best = solver_.model();
      return r;
    };
    for (const z3::expr& leaf : leaves_) {
      if (leaf.is_bool()) {
        z3::check_result r = holds(!leaf);
        if (r == z3::unknown) return not_minimal(best);
        solver_.add(r == z3::sat ? !leaf : leaf);
        continue;
      }
      int lo = 0, hi = options_.depth;
      while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        z3::check_result r = holds(leaf <= mid);
        if (r == z3::unknown) return not_minimal(best);
        if (r == z3::sat) hi = mid;
        else lo = mid + 1;
      }
      solver_.add(leaf == lo);
    }
    if (solver_.check() == z3::sat) return solver_.model();
    return not_minimal(best);
  }
  // The inputs before m's in the order of counterexamples (spec/equivalence.md §7): leaves_
  // compared lexicographically, false before true, naturals by size.
  z3::expr before(const z3::model& m) {
    z3::expr out = ctx_.bool_val(false), same = ctx_.bool_val(true);
    for (const z3::expr& leaf : leaves_) {
      z3::expr v = m.eval(leaf, true);
      out = out || (same && (leaf.is_bool() ? (!leaf && v) : (leaf < v)));
      same = same && leaf == v;
    }
    return out;
  }
  z3::model not_minimal(const z3::model& m) {
    out_.warnings.push_back("Z3 could not finish minimizing the counterexample; it may not be the least");
    return m;
  }
};

}  // namespace

void symbolic(const CheckSide& left, const CheckSide& right, const Setup& s, const EquivalenceOptions& options,
              EquivalenceResult& out) {
  SymbolicCheck(left, right, s, options, out).run();
}

}  // namespace cajal::check_impl
