// The encoding ⟦·⟧ (spec/denotation.md §2), in both directions, and nowhere else: values as
// vectors, vectors as values (and as source text), table keys, and the layout of a function's
// matrix. The bridge that lets the network be compared with the reference interpreter; every
// stage that needs an encoding calls this module.
//
//   Bool = ℝ², true = (1,0), false = (0,1);  Nat = ℝ^(D+1), k = e_k;  Vec n = ℝⁿ, itself;
//   A ⊸ B = ℝ^(dim B · dim A), the dim B × dim A matrix stored row-major, column j = the image of
//   basis value j of A.
#pragma once

#include <Eigen/Dense>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cajal/eval/eval.hpp"

namespace cajal {

// ---- on types: basis, keys, the matrix layout --------------------------------------------------

// The basis value j of a finite base type as a table key, in source syntax: true, false; 0, 1, ...
std::string key_text(const Type& key, std::size_t j);
// e_j in ℝ^dim.
Eigen::VectorXd basis_vector(std::size_t dim, std::size_t j);
// Where entry (r, j) of a function's matrix with `cols` columns is stored (row-major).
inline std::size_t matrix_index(std::size_t cols, std::size_t r, std::size_t j) { return r * cols + j; }
// Column j of a row-major matrix with `cols` columns (the image of the j-th basis vector).
Eigen::VectorXd matrix_column(const Eigen::VectorXd& m, std::size_t cols, std::size_t j);
void set_matrix_column(Eigen::VectorXd& m, std::size_t cols, std::size_t j, const Eigen::VectorXd& column);
// Row r of a row-major matrix with `cols` columns.
Eigen::VectorXd matrix_row(const Eigen::VectorXd& m, std::size_t cols, std::size_t r);
// A vector as a list, "[0.5, 2]" (as arguments are written), or with spaces, "[0.5 2]" (the rows
// the CLI prints for raw network outputs and gradients, and the oracle's messages).
std::string vector_text(const Eigen::VectorXd& x);
std::string spaced_text(const Eigen::VectorXd& x);

// ---- on values -------------------------------------------------------------------------------------

// ⟦v⟧ at depth D: one-hot booleans and naturals, a Vec as itself, a function as its table (applied,
// with `ev`, to every basis value of its domain; a table on Nat has zero columns past its keys, and
// a column whose natural is above D is zero: its mass is lost, as in the matrix the compiler
// materializes from the function's term), a matrix as its numbers. Fails when a natural given
// as the value exceeds D, for a function of a function, and, when `exact`, for a lost column too.
enum class Columns { MayLose, Exact };
Result<Eigen::VectorXd> encode_value(const ValuePtr& v, const Type& type, int depth, Evaluator& ev,
                                     Columns columns = Columns::MayLose);

// Encodes values at several depths (the oracle compares one result at D = 1, 3, 6, 9), making
// each application a function's table needs once: f applied to the basis value j of Bool or Nat
// is the same value at every depth, since values are immutable and evaluation is deterministic.
// (A function of a function is applied to matrix units of each depth; those are not kept.)
class Tabulation {
 public:
  // `ev` makes the applications; it must outlive this, as must the values encoded.
  explicit Tabulation(Evaluator& ev) : ev_(ev) {}
  // encode_value(v, type, depth, ev, columns).
  Result<Eigen::VectorXd> encode(const ValuePtr& v, const Type& type, int depth, Columns columns = Columns::MayLose);
  // The largest natural the applications the last encode used met, as Evaluator::max_natural
  // counts: what a new Evaluator's max_natural() would be after that encode_value alone.
  std::uint64_t largest_natural() const { return largest_natural_; }

  struct Image {
    ValuePtr fn;  // keeps the key's address from being reused
    ValuePtr value;
    std::uint64_t largest_natural = 0;
  };
  using Images = std::map<std::pair<const Value*, std::size_t>, Image>;

 private:
  Evaluator& ev_;
  Images images_;
  std::uint64_t largest_natural_ = 0;
};

// The value a vector encodes at `depth`: a Vec as itself, a function as a matrix value (applied by
// E-AppMatrix), a Bool or a Nat only when it is exactly one-hot (else an error: soft values are
// for the network). Fails when x has the wrong size.
Result<ValuePtr> value_from_vector(const Eigen::VectorXd& x, const TypePtr& type, int depth);

// The value a vector encodes, in source syntax, when it is an exact encoding (one-hot booleans
// and naturals; functions as tables such as {true ↦ false, false ↦ true}); nullopt otherwise.
std::optional<std::string> decode(const Eigen::VectorXd& x, const Type& type, int depth);

}  // namespace cajal
