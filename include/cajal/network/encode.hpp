// Encoding interpreter values as vectors and decoding vectors back (spec/denotation.md):
// the bridge that lets the network be compared with the reference interpreter.
#pragma once

#include <Eigen/Dense>
#include <optional>
#include <string>

#include "cajal/eval/eval.hpp"

namespace cajal {

// ⟦v⟧ at depth D. A function value is encoded through its table (it is applied, with `ev`, to
// every basis value of its domain), so its domain must be Bool or Nat (or a function returning
// such); fails when a natural exceeds D or the domain is itself a function type.
Result<Eigen::VectorXd> encode_value(const ValuePtr& v, const Type& type, int depth, Evaluator& ev);

// (basis_value, the basis value e_j of a base type, is declared in cajal/eval/value.hpp.)

// The value a vector encodes, in source syntax, when it is an exact encoding (one-hot booleans
// and naturals; functions as tables such as {true ↦ false, false ↦ true}); nullopt otherwise.
std::optional<std::string> decode(const Eigen::VectorXd& x, const Type& type, int depth);

}  // namespace cajal
