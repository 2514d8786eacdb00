#include "cajal/eval/value.hpp"

#include <vector>

namespace cajal {

Env Env::bind(std::string name, ValuePtr value) const {
  return Env(std::make_shared<const Node>(Node{std::move(name), std::move(value), head_}));
}

const ValuePtr* Env::lookup(const std::string& name) const {
  for (const Node* n = head_.get(); n; n = n->next.get())
    if (n->name == name) return &n->value;
  return nullptr;
}

// Values are immutable: the booleans and small naturals are shared rather than allocated each time.
ValuePtr make_bool(bool b) {
  static const ValuePtr t = std::make_shared<const Value>(Value{BoolValue{true}});
  static const ValuePtr f = std::make_shared<const Value>(Value{BoolValue{false}});
  return b ? t : f;
}
ValuePtr make_nat(std::uint64_t n) {
  static const std::vector<ValuePtr> small = [] {
    std::vector<ValuePtr> v;
    for (std::uint64_t k = 0; k < 256; ++k) v.push_back(std::make_shared<const Value>(Value{NatValue{k}}));
    return v;
  }();
  return n < small.size() ? small[n] : std::make_shared<const Value>(Value{NatValue{n}});
}
ValuePtr make_closure(Closure c) { return std::make_shared<const Value>(Value{std::move(c)}); }
ValuePtr make_table(TableValue t) { return std::make_shared<const Value>(Value{std::move(t)}); }

}  // namespace cajal
