// The parts of `cajal check` (src/check): what is compared (setup.cpp), the values of a type in
// the order of counterexamples and the interpreter's comparison on one input tuple (values.cpp),
// and the three deciders: exhaustive.cpp, symbolic.cpp (Z3 over the big-step rules), neural.cpp.
// check.cpp chooses among them. Internal to the library.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "cajal/check/check.hpp"
#include "cajal/eval/eval.hpp"
#include "cajal/network/network.hpp"

namespace cajal::check_impl {

using Verdict = EquivalenceResult::Verdict;
using Clock = std::chrono::steady_clock;
using Tuple = std::vector<ValuePtr>;

inline std::string quoted(const std::string& s) { return "`" + s + "`"; }
// "1 input", "3 inputs".
std::string plural(std::size_t n, const std::string& one, const std::string& many);

// ---- setup.cpp --------------------------------------------------------------------------------
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

// `f` in FILE.
std::string side_name(const CheckSide& s);
// The common type, the slots named after the binders, the union of the params; fails when the
// two sides have different types or a param has two types.
Result<Setup> make_setup(const CheckSide& left, const CheckSide& right, const EquivalenceOptions& options);

// ---- values.cpp: the values of a type, in the order of counterexamples ----------------------
// false < true; 0 < 1 < ... < D; tables lexicographically by their entries in key order; the
// listed values of a function of a function in the order value_at gives them.
std::size_t saturating_mul(std::size_t a, std::size_t b, std::size_t cap);
// The number of values of t at depth D, or cap + 1 when there are more than cap. 0 when t's
// values cannot be listed (a Vec, or a function of a function other than listed_higher_order).
std::size_t count_values(const Type& t, int depth, std::size_t cap);
// (A ⊸ B) ⊸ C with A first-order and B, C Bool or Nat: a function of a function whose values
// observational check lists (its definable values, spec/equivalence.md §1).
bool listed_higher_order(const Type& t);
// The value of t with the given index in that order.
ValuePtr value_at(const TypePtr& t, std::size_t index, int depth);
bool tuple_less(const Tuple& a, const Tuple& b);
// A value in source syntax (literals and tables; check never shows closures).
std::string show(const ValuePtr& v);

// Both sides run by the interpreter on one input tuple.
struct Comparison {
  bool error = false;
  std::string message;  // the error
  bool differ = false;
  bool beyond = false;  // a run needed a natural above D
  std::string left, right;
};

Comparison compare_on(const CheckSide& left, const CheckSide& right, const Setup& s, const Tuple& tuple,
                      const EquivalenceOptions& options);
EquivalenceResult::Counterexample counterexample_of(const Setup& s, const Tuple& tuple, const Comparison& c);
// "x = 1, b = true".
std::string inputs_text(const Setup& s, const Tuple& tuple);

// ---- the deciders -------------------------------------------------------------------------------
// Observational, by the interpreter on every one of the `total` input tuples.
void exhaustive(const CheckSide& left, const CheckSide& right, const Setup& s, const EquivalenceOptions& options,
                std::size_t total, EquivalenceResult& out);
// Observational, with Z3 over the symbolic big-step rules (inputs within D; those whose runs leave
// D by the interpreter). Throws symbolic::Unsupported or z3::exception for the caller to report.
void symbolic(const CheckSide& left, const CheckSide& right, const Setup& s, const EquivalenceOptions& options,
              EquivalenceResult& out);
// Neural, without params: both networks on every basis input, exactly.
void neural_numeric(const Setup& s, const Network& a, const Network& b, const EquivalenceOptions& options,
                    EquivalenceResult& out);
// Neural, with params: polynomial identity in the params' entries.
void neural_polynomial(const Setup& s, const Network& a, const Network& b, const EquivalenceOptions& options,
                       EquivalenceResult& out);

}  // namespace cajal::check_impl
