// Runtime values of the reference interpreter (spec/semantics.md): booleans, exact naturals and
// immutable closures. A closure captures its environment by value (a persistent list that is
// never mutated), so applying it any number of times always sees the same bindings.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "cajal/syntax/ast.hpp"
#include "cajal/syntax/diagnostic.hpp"

namespace cajal {

struct Value;
using ValuePtr = std::shared_ptr<const Value>;

// An immutable environment: a persistent linked list, innermost binding first. Extending it
// makes a new node and leaves every existing Env unchanged.
class Env {
 public:
  Env() = default;
  Env bind(const std::string& name, ValuePtr value) const;
  // The innermost value bound to `name`, or null.
  const ValuePtr* lookup(const std::string& name) const;

  struct Node {
    std::string name;
    ValuePtr value;
    std::shared_ptr<const Node> next;
  };
  const Node* head() const { return head_.get(); }

 private:
  explicit Env(std::shared_ptr<const Node> head) : head_(std::move(head)) {}
  std::shared_ptr<const Node> head_;
};

struct BoolValue { bool value; };
struct NatValue { std::uint64_t value; };
struct Closure {
  std::string param;
  TypePtr param_type;
  TermPtr body;
  Env env;
};

// A function given by its table (E-Table): entries[j] is its value at the j-th basis value of
// its domain (Bool: true, false; Nat: 0, 1, ..., entries.size() - 1; no entry beyond).
struct TableValue {
  TypePtr type;  // A ⊸ B
  std::vector<ValuePtr> entries;
};

// A value of type Vec n: a real vector (spec/semantics.md §1). Vectors have no literals: they
// come from the arguments and params, and the program moves them around and maps them.
struct VecValue {
  std::vector<double> x;
};

// A linear map given by its numbers (a param or an argument written as a JSON list, e.g. a learned
// `W : Vec 3 -o Vec 2`): `data` is the encoding of a value of `type` at `depth`, the dim B × dim A
// matrix stored row-major (spec/denotation.md §2). Applying it multiplies (E-AppMatrix): `map`
// does the arithmetic ⟦·⟧⁻¹(M ⟦v⟧). Matrix values are made only by the encoding
// (cajal/network/encode.hpp, value_from_vector), which owns ⟦·⟧ and gives each its map; the
// interpreter knows no encoding.
class Evaluator;
struct MatrixValue;
struct LinearMap {
  virtual ~LinearMap() = default;
  // m applied to `arg` (a function argument is tabulated by applying it with `ev`).
  virtual Result<ValuePtr> apply(const MatrixValue& m, const ValuePtr& arg, Evaluator& ev) const = 0;
};
struct MatrixValue {
  TypePtr type;  // A ⊸ B
  int depth = 9;
  std::vector<double> data;
  std::shared_ptr<const LinearMap> map;
};

struct Value {
  std::variant<BoolValue, NatValue, Closure, TableValue, VecValue, MatrixValue> v;

  template <class T> const T* as() const { return std::get_if<T>(&v); }
};

ValuePtr make_bool(bool b);
ValuePtr make_nat(std::uint64_t n);
ValuePtr make_closure(Closure c);
ValuePtr make_table(TableValue t);
ValuePtr make_vec(std::vector<double> x);
ValuePtr make_matrix(MatrixValue m);
// The basis value e_j of a type that has one: Bool j = 0 is true, 1 is false; Nat j is j; Vec n
// the j-th unit vector.
ValuePtr basis_value(const Type& type, std::size_t j);

// A closure, a table, or a matrix.
inline bool is_function(const Value& v) { return v.as<Closure>() || v.as<TableValue>() || v.as<MatrixValue>(); }

}  // namespace cajal
