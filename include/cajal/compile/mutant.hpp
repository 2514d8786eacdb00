// Deliberately wrong compilers ("mutants"), to check that the test oracle catches a broken rule.
#pragma once

#include <optional>
#include <string>

namespace cajal {

// Used by tests/property (CAJAL_MUTANT=NAME), `cajal fuzz --mutant NAME` and, to reproduce what
// those find, `cajal run --engine network --mutant NAME`. Never use one for anything else.
enum class Mutant {
  None,
  SwapIfBranches,     // C-If: c₀·⟦u⟧ + c₁·⟦t⟧
  SuccBackwards,      // C-Succ: e_k ↦ e_{k-1}
  IterExtraStep,      // C-Iter: the step applied once too often
  TransposedMatrix,   // C-Abs: the matrix stored column-major instead of row-major
};
// "swap-if", "succ-backwards", "iter-extra-step", "transposed-matrix"; nullopt for other names.
std::optional<Mutant> mutant_from_name(const std::string& name);
const char* mutant_name(Mutant m);
inline constexpr Mutant kAllMutants[] = {Mutant::SwapIfBranches, Mutant::SuccBackwards, Mutant::IterExtraStep,
                                         Mutant::TransposedMatrix};

}  // namespace cajal
