// RapidCheck generators of well-typed Cajal programs and oracle cases, for property tests (ours,
// and other projects': link cajal::rapidcheck). The constructions are those of generators.hpp and
// oracle.hpp, with RapidCheck making every choice, so shrinking re-runs the same construction with
// smaller choices and shrunk programs stay well-typed.
#pragma once

#include <rapidcheck.h>

#include <ostream>

#include "cajal/testing/generators.hpp"
#include "cajal/testing/oracle.hpp"

namespace cajal::testing {

rc::Gen<TypePtr> gen_type(int depth = 2);
rc::Gen<TermPtr> gen_term(TypePtr type, Context delta, Context theta, int size);
// A closed term of type `type` over `theta`, sized by RapidCheck's size parameter.
rc::Gen<TermPtr> gen_closed_term(TypePtr type, Context theta = {});
rc::Gen<GeneratedProgram> gen_program();
rc::Gen<GeneratedProgram> gen_vec_program();
rc::Gen<GeneratedProgram> gen_higher_order_program();
rc::Gen<GeneratedProgram> gen_matrix_input_program();
rc::Gen<TypePtr> gen_encodable_type(int depth = 2);
rc::Gen<Case> gen_case();

// How RapidCheck prints a counterexample: as source.
inline void showValue(const GeneratedProgram& p, std::ostream& os) { os << "\n" << to_source(p); }
void showValue(const Case& c, std::ostream& os);

}  // namespace cajal::testing

namespace rc {
template <>
struct Arbitrary<cajal::testing::GeneratedProgram> {
  static Gen<cajal::testing::GeneratedProgram> arbitrary() { return cajal::testing::gen_program(); }
};
template <>
struct Arbitrary<cajal::testing::Case> {
  static Gen<cajal::testing::Case> arbitrary() { return cajal::testing::gen_case(); }
};
}  // namespace rc
