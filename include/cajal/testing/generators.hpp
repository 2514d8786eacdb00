// RapidCheck generators of well-typed Cajal programs, usable from any project's RapidCheck tests.
//
// Type-directed: gen_term(A, Δ, Θ) produces a term t with Θ; Δ ⊢ t : A by construction (no
// discards): every linear variable of Δ is used exactly once, an `iter` step sees only its state
// variable and Θ, and `if` branches share their linear variables. Because every choice is a
// RapidCheck pick, shrinking re-runs the same construction with smaller choices, so shrunk
// programs stay well-typed.
#pragma once

#include <map>
#include <ostream>
#include <rapidcheck.h>
#include <string>
#include <utility>
#include <vector>

#include "cajal/syntax/ast.hpp"

namespace cajal::testing {

using Context = std::vector<std::pair<std::string, TypePtr>>;  // Δ (linear) or Θ (unrestricted)

// Types of at most `depth` nested arrows.
rc::Gen<TypePtr> gen_type(int depth = 2);

// A term of type `type` that uses each variable of `delta` exactly once and may use `theta`
// freely. `size` bounds the number of constructors (roughly).
rc::Gen<TermPtr> gen_term(TypePtr type, Context delta, Context theta, int size);

// A closed term of type `type` over `theta`, sized by RapidCheck's size parameter.
rc::Gen<TermPtr> gen_closed_term(TypePtr type, Context theta = {});

struct GeneratedProgram {
  Program program;                        // params p0.., defs d0.., then main
  std::vector<std::pair<std::string, TermPtr>> param_values;  // a closed value term for every param
  TypePtr main_type;
};

// A whole program: a few params (each with a value), a few defs, and `main`.
rc::Gen<GeneratedProgram> gen_program();

// The program as a `.cj` file, with its param values as a comment.
std::string to_source(const GeneratedProgram& p);

}  // namespace cajal::testing

namespace rc {
template <>
struct Arbitrary<cajal::testing::GeneratedProgram> {
  static Gen<cajal::testing::GeneratedProgram> arbitrary() { return cajal::testing::gen_program(); }
};
}  // namespace rc

namespace cajal::testing {
// How RapidCheck prints a counterexample: as source.
inline void showValue(const GeneratedProgram& p, std::ostream& os) { os << "\n" << to_source(p); }
}  // namespace cajal::testing
