// Definable values of functions of functions as terms (src/prove/definable.hpp).
#include "definable.hpp"

namespace cajal::symbolic {

namespace {
// A basis value of Bool or Nat as a literal.
TermPtr basis_term(const Type& t, std::size_t j) {
  return t.kind == Type::Kind::Bool ? make_term(BoolLit{j == 0}) : make_term(NatLit{j});
}
}  // namespace

TermPtr use_term(const TypePtr& h, std::size_t a, const std::vector<std::optional<std::size_t>>& k, std::size_t filler) {
  const Type &b = *h->from->to, &c = *h->to;
  TermPtr use = make_term(App{make_term(Var{"g"}), basis_term(*h->from->from, a)});
  std::uint64_t m = 0;
  Table t1, t2;
  for (const std::optional<std::size_t>& entry : k)
    if (entry) t2.entries.push_back(TableEntry{make_term(NatLit{m++}), basis_term(c, *entry)});
  TermPtr body;
  if (m == k.size()) {
    Table table;
    for (std::size_t j = 0; j < k.size(); ++j) table.entries.push_back(TableEntry{basis_term(b, j), basis_term(c, *k[j])});
    body = make_term(App{make_term(std::move(table)), std::move(use)});
  } else {
    const std::uint64_t hole = m == 0 ? 1 : m;
    if (m == 0) t2.entries.push_back(TableEntry{make_term(NatLit{0}), basis_term(c, filler)});
    std::uint64_t next = 0;
    for (std::size_t j = 0; j < k.size(); ++j) t1.entries.push_back(TableEntry{basis_term(b, j), make_term(NatLit{k[j] ? next++ : hole})});
    body = make_term(App{make_term(std::move(t2)), make_term(App{make_term(std::move(t1)), std::move(use)})});
  }
  return make_term(Lam{"g", {}, h->from, std::move(body)});
}

}  // namespace cajal::symbolic
