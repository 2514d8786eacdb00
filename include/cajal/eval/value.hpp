// Runtime values of the reference interpreter (spec/semantics.md): booleans, exact naturals and
// immutable closures. A closure captures its environment by value (a persistent list that is
// never mutated), so applying it any number of times always sees the same bindings.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "cajal/syntax/ast.hpp"

namespace cajal {

struct Value;
using ValuePtr = std::shared_ptr<const Value>;

// An immutable environment: a persistent linked list, innermost binding first. Extending it
// makes a new node and leaves every existing Env unchanged.
class Env {
 public:
  Env() = default;
  Env bind(std::string name, ValuePtr value) const;
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

struct Value {
  std::variant<BoolValue, NatValue, Closure> v;

  template <class T> const T* as() const { return std::get_if<T>(&v); }
};

ValuePtr make_bool(bool b);
ValuePtr make_nat(std::uint64_t n);
ValuePtr make_closure(Closure c);

}  // namespace cajal
