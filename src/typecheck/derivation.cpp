// Typing derivations as proof trees (`cajal type --derivation`, `--latex`, `cajal explain`).
#include "cajal/syntax/print.hpp"
#include "cajal/typecheck/typecheck.hpp"

namespace cajal {

namespace {

std::string judgement(const Derivation& d) {
  std::string delta;
  for (const auto& [name, type] : d.consumed) delta += (delta.empty() ? "" : ", ") + name + " : " + print_type(type);
  std::string term = d.term ? print_term_brief(*d.term, 60) : "?";
  return (delta.empty() ? "" : delta + " ") + "⊢ " + term + " : " + print_type(d.type);
}

}  // namespace

ProofTree derivation_tree(const Derivation& d) {
  ProofTree t{d.rule, judgement(d), {}, 0};
  t.premises.reserve(d.premises.size());
  for (const Derivation& p : d.premises) t.premises.push_back(derivation_tree(p));
  return t;
}

std::string render_derivation(const Derivation& d) { return render_tree(derivation_tree(d)); }

std::string render_derivation_latex(const Derivation& d) { return render_tree_latex(derivation_tree(d)); }

}  // namespace cajal
