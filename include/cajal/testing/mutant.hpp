// Deliberately wrong compilers ("mutants"), to check that the test oracle, `prove` and `check`
// catch a broken rule. Each is a rewrite of a correct network (the compiler itself has no
// mutants): every neuron made by the mutated rule is replaced by a wrong one.
//
// Used by tests/property (CAJAL_MUTANT=NAME), `cajal fuzz --mutant NAME` and, to reproduce what
// those find, `cajal run --engine network --mutant NAME` and `cajal prove --mutant NAME`. Never
// use one for anything else.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "cajal/network/network.hpp"

namespace cajal {

enum class Mutant {
  None,
  SwapIfBranches,     // C-If: c₀·⟦u⟧ + c₁·⟦t⟧
  SuccBackwards,      // C-Succ: e_k ↦ e_{k-1}
  IterExtraStep,      // C-Iter: the step applied once too often
  TransposedMatrix,   // C-Abs: the matrix stored column-major instead of row-major
};
// "swap-if", "succ-backwards", "iter-extra-step", "transposed-matrix" (and "none"); nullopt for
// other names.
std::optional<Mutant> mutant_from_name(const std::string& name);
const char* mutant_name(Mutant m);
inline constexpr Mutant kAllMutants[] = {Mutant::SwapIfBranches, Mutant::SuccBackwards, Mutant::IterExtraStep,
                                         Mutant::TransposedMatrix};

// Rewrites `net` into the network the mutated compiler would have built: C-If mixes with their
// branches swapped; C-Succ shifts replaced by a down-shift matrix; C-Iter counts shifted up by
// one; C-Abs matrices (of more than one row and column, at most 256 numbers) followed by the
// permutation that stores them column-major. Returns how many neurons were changed (0 when the
// network has none of the rule's neurons, or for Mutant::None).
std::size_t apply_mutant(Network& net, Mutant m);

}  // namespace cajal
