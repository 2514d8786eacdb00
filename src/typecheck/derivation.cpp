// Rendering typing derivations as trees (`cajal type --derivation`).
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

void render(const Derivation& d, const std::string& prefix, const std::string& child_prefix, std::string& out) {
  out += prefix + d.rule + "  " + judgement(d) + "\n";
  for (std::size_t i = 0; i < d.premises.size(); ++i) {
    bool last = i + 1 == d.premises.size();
    render(d.premises[i], child_prefix + (last ? "└─ " : "├─ "), child_prefix + (last ? "   " : "│  "), out);
  }
}

}  // namespace

std::string render_derivation(const Derivation& d) {
  std::string out;
  render(d, "", "", out);
  return out;
}

}  // namespace cajal
