#include "cajal/eval/value.hpp"

namespace cajal {

Env Env::bind(std::string name, ValuePtr value) const {
  return Env(std::make_shared<const Node>(Node{std::move(name), std::move(value), head_}));
}

const ValuePtr* Env::lookup(const std::string& name) const {
  for (const Node* n = head_.get(); n; n = n->next.get())
    if (n->name == name) return &n->value;
  return nullptr;
}

ValuePtr make_bool(bool b) { return std::make_shared<const Value>(Value{BoolValue{b}}); }
ValuePtr make_nat(std::uint64_t n) { return std::make_shared<const Value>(Value{NatValue{n}}); }
ValuePtr make_closure(Closure c) { return std::make_shared<const Value>(Value{std::move(c)}); }

}  // namespace cajal
