// Definable values of functions of functions as terms (internal to the library): check lists
// them, prove prints a matrix unit as one. Display only: no verdict depends on these terms.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "cajal/syntax/ast.hpp"

namespace cajal::symbolic {

// The definable value fun g : A ⊸ B => k (g a) of h : (A ⊸ B) ⊸ C (A, B, C Bool or Nat), as a
// `fun` term (spec/equivalence.md §1): a is A's basis index, k : B ⇀ C the basis index of each
// entry (none: no value there). A total k is a table; one with m < |V(B)| values is two tables,
// T₂ (T₁ (g a)): T₁ : B ⊸ Nat sends the keys with a value to 0 … m-1 in order and the others to m,
// and T₂ = {0 ↦ k(b₀), …} has no entry for m (a table on Nat has no value past its keys; m ≤ D,
// and 1 when m = 0, which needs D ≥ 1; T₂'s one entry is then C's basis value `filler`).
TermPtr use_term(const TypePtr& h, std::size_t a, const std::vector<std::optional<std::size_t>>& k, std::size_t filler = 0);

}  // namespace cajal::symbolic
