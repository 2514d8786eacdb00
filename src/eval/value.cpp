#include "cajal/eval/value.hpp"

#include "cajal/syntax/in_place.hpp"
#include "cajal/syntax/per_thread.hpp"

#include <vector>

namespace cajal {

Env Env::bind(const std::string& name, ValuePtr value) const {
  return Env(make_shared_braced<Node>(name, std::move(value), head_));  // (the name copied once, in place)
}

const ValuePtr* Env::lookup(const std::string& name) const {
  for (const Node* n = head_.get(); n; n = n->next.get())
    if (n->name == name) return &n->value;
  return nullptr;
}

// Values are immutable: the booleans and small naturals are shared rather than allocated each
// time, one set per thread (as Type::boolean, so parallel threads do not share reference counts).
ValuePtr make_bool(bool b) {
  static thread_local const ValuePtr t = make_shared_on_own_lines<Value>(Value{BoolValue{true}});
  static thread_local const ValuePtr f = make_shared_on_own_lines<Value>(Value{BoolValue{false}});
  return b ? t : f;
}
ValuePtr make_nat(std::uint64_t n) {
  static thread_local const std::vector<ValuePtr> small = [] {
    std::vector<ValuePtr> v;
    for (std::uint64_t k = 0; k < 256; ++k) v.push_back(make_shared_on_own_lines<Value>(Value{NatValue{k}}));
    return v;
  }();
  return n < small.size() ? small[n] : std::make_shared<const Value>(Value{NatValue{n}});
}
// (Each built in place from its alternative: no temporary Value.)
ValuePtr make_closure(Closure c) { return make_shared_braced<Value>(std::move(c)); }
ValuePtr make_table(TableValue t) { return make_shared_braced<Value>(std::move(t)); }
ValuePtr basis_value(const Type& type, std::size_t j) {
  if (type.kind == Type::Kind::Bool) return make_bool(j == 0);
  if (type.kind == Type::Kind::Vec) {
    std::vector<double> e(type.size, 0.0);
    e[j] = 1.0;
    return make_vec(std::move(e));
  }
  return make_nat(j);
}

ValuePtr make_vec(std::vector<double> x) { return make_shared_braced<Value>(VecValue{std::move(x)}); }
ValuePtr make_matrix(MatrixValue m) { return make_shared_braced<Value>(std::move(m)); }

}  // namespace cajal
