// Proof trees for teaching: typing derivations (`cajal type --derivation`) and evaluation traces
// (`cajal run --trace`) share one shape — a rule's name, the judgement it concludes, and the trees
// of its premises — and three renderings: an indented text tree for the terminal, LaTeX with
// `bussproofs` for slides, and nested HTML for `cajal explain`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cajal {

struct ProofTree {
  std::string rule;       // T-App, E-IfTrue, ...
  std::string judgement;  // as printed, UTF-8: "x : Bool ⊢ not x : Bool", "x ↦ true ⊢ not x ⇓ false"
  std::vector<ProofTree> premises;
  // Premises that were not recorded (a trace stops recording at its step limit): drawn as "…".
  std::uint64_t omitted = 0;
};

// One judgement a line, premises indented under their conclusion:
//   T-App  x : Bool ⊢ not x : Bool
//   ├─ T-Def  ⊢ not : Bool ⊸ Bool
//   └─ T-Var  x : Bool ⊢ x : Bool
std::string render_tree(const ProofTree& tree);

// A `bussproofs` proof tree (\begin{prooftree} ... \end{prooftree}): premises above the line, the
// rule's name on its right. bussproofs draws at most five premises: past that, the first four are
// drawn and a "⋯ (k more)" premise stands for the others. A document that \usepackage{bussproofs}
// (and amssymb for ⊸) compiles it.
std::string render_tree_latex(const ProofTree& tree);

// Text for LaTeX: the characters TeX treats specially escaped, and the language's symbols
// (⊸ ⊢ ⇓ ↦ ρ …) as math. Meant inside \texttt{...}.
std::string latex_text(std::string_view utf8);

// Nested <details> elements, each summary a rule and its judgement (HTML-escaped), open down to
// `open_levels` levels: for `cajal explain`.
std::string render_tree_html(const ProofTree& tree, int open_levels = 2);

// &, <, >, " and ' escaped for HTML text and attributes.
std::string html_escape(std::string_view text);

}  // namespace cajal
