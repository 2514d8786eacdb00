// Renderings of proof trees (include/cajal/syntax/prooftree.hpp).
#include "cajal/syntax/prooftree.hpp"

namespace cajal {

namespace {

std::string omitted_text(std::uint64_t n) {
  return "… " + std::to_string(n) + (n == 1 ? " more step" : " more steps") + " not shown";
}

void render(const ProofTree& t, const std::string& prefix, const std::string& child_prefix, std::string& out) {
  out += prefix + t.rule + "  " + t.judgement + "\n";
  const std::size_t n = t.premises.size() + (t.omitted ? 1 : 0);
  for (std::size_t i = 0; i < n; ++i) {
    const bool last = i + 1 == n;
    const std::string here = child_prefix + (last ? "└─ " : "├─ ");
    if (i < t.premises.size())
      render(t.premises[i], here, child_prefix + (last ? "   " : "│  "), out);
    else
      out += here + omitted_text(t.omitted) + "\n";
  }
}

// The UTF-8 sequences the printers use, as LaTeX.
struct Symbol {
  std::string_view utf8, latex;
};
constexpr Symbol kSymbols[] = {
    {"⊸", "$\\multimap$"}, {"⊢", "$\\vdash$"},  {"⇓", "$\\Downarrow$"}, {"↦", "$\\mapsto$"},
    {"ρ", "$\\rho$"},      {"λ", "$\\lambda$"}, {"…", "\\ldots{}"},     {"⟨", "$\\langle$"},
    {"⟩", "$\\rangle$"},   {"·", "$\\cdot$"},   {"Δ", "$\\Delta$"},     {"Γ", "$\\Gamma$"},
    {"Θ", "$\\Theta$"},    {"⋯", "$\\cdots$"},  {"→", "$\\to$"},        {"×", "$\\times$"},
};

const char* bussproofs_infer(std::size_t premises) {
  switch (premises) {
    case 0: return "\\AxiomC";  // (not reached: an axiom is drawn with an empty premise)
    case 1: return "\\UnaryInfC";
    case 2: return "\\BinaryInfC";
    case 3: return "\\TrinaryInfC";
    case 4: return "\\QuaternaryInfC";
    default: return "\\QuinaryInfC";
  }
}

void latex(const ProofTree& t, int indent, std::string& out) {
  const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
  std::size_t drawn = t.premises.size();
  std::uint64_t hidden = t.omitted;
  if (drawn + (hidden ? 1 : 0) > 5) {  // bussproofs stops at five premises
    hidden += drawn - 4;
    drawn = 4;
  }
  for (std::size_t i = 0; i < drawn; ++i) latex(t.premises[i], indent + 1, out);
  std::size_t premises = drawn;
  if (hidden) {
    out += pad + "  \\AxiomC{$\\cdots$ (" + std::to_string(hidden) + " more)}\n";
    ++premises;
  }
  if (premises == 0) {
    out += pad + "\\AxiomC{}\n";
    premises = 1;
  }
  out += pad + "\\RightLabel{\\scriptsize " + latex_text(t.rule) + "}\n";
  out += pad + bussproofs_infer(premises) + "{\\texttt{" + latex_text(t.judgement) + "}}\n";
}

void html(const ProofTree& t, int open_levels, std::string& out) {
  const bool leaf = t.premises.empty() && !t.omitted;
  const std::string line = "<span class=\"rule\">" + html_escape(t.rule) + "</span> <span class=\"judgement\">" +
                           html_escape(t.judgement) + "</span>";
  if (leaf) {
    out += "<div class=\"leaf\">" + line + "</div>\n";
    return;
  }
  out += std::string("<details") + (open_levels > 0 ? " open" : "") + "><summary>" + line + "</summary>\n";
  for (const ProofTree& p : t.premises) html(p, open_levels - 1, out);
  if (t.omitted) out += "<div class=\"leaf omitted\">" + html_escape(omitted_text(t.omitted)) + "</div>\n";
  out += "</details>\n";
}

}  // namespace

std::string render_tree(const ProofTree& tree) {
  std::string out;
  render(tree, "", "", out);
  return out;
}

std::string latex_text(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    bool matched = false;
    for (const Symbol& sym : kSymbols)
      if (s.substr(i, sym.utf8.size()) == sym.utf8) {
        out += sym.latex;
        i += sym.utf8.size();
        matched = true;
        break;
      }
    if (matched) continue;
    const char c = s[i++];
    switch (c) {
      case '\\': out += "\\textbackslash{}"; break;
      case '{': out += "\\{"; break;
      case '}': out += "\\}"; break;
      case '$': out += "\\$"; break;
      case '&': out += "\\&"; break;
      case '#': out += "\\#"; break;
      case '%': out += "\\%"; break;
      case '_': out += "\\_"; break;
      case '^': out += "\\textasciicircum{}"; break;
      case '~': out += "\\textasciitilde{}"; break;
      case '<': out += "\\textless{}"; break;
      case '>': out += "\\textgreater{}"; break;
      case '|': out += "\\textbar{}"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_tree_latex(const ProofTree& tree) {
  std::string out = "\\begin{prooftree}\n";
  latex(tree, 0, out);
  return out + "\\end{prooftree}\n";
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_tree_html(const ProofTree& tree, int open_levels) {
  std::string out;
  html(tree, open_levels, out);
  return out;
}

}  // namespace cajal
