// Rendering evaluation traces (include/cajal/eval/trace.hpp).
#include "cajal/eval/trace.hpp"

#include "cajal/syntax/print.hpp"

namespace cajal {

namespace {

// Appends to `out` while it is shorter than `cap`; returns false once it is not.
struct Brief {
  std::string out;
  std::size_t cap;
  bool add(const std::string& s) {
    if (out.size() >= cap) return false;
    out += s;
    return out.size() < cap;
  }
};

void brief(const ValuePtr& v, Brief& b) {
  if (const BoolValue* x = v->as<BoolValue>()) {
    b.add(x->value ? "true" : "false");
  } else if (const NatValue* n = v->as<NatValue>()) {
    b.add(std::to_string(n->value));
  } else if (const TableValue* t = v->as<TableValue>()) {
    b.add("{");
    const bool on_bool = t->type && t->type->from && t->type->from->kind == Type::Kind::Bool;
    for (std::size_t j = 0; j < t->entries.size(); ++j) {
      if (!b.add(j ? ", " : "")) return;
      if (!b.add((on_bool ? std::string(j == 0 ? "true" : "false") : std::to_string(j)) + " ↦ ")) return;
      brief(t->entries[j], b);
    }
    b.add("}");
  } else if (const Closure* c = v->as<Closure>()) {
    Lam lam{c->param, {}, c->param_type, c->body};
    b.add("⟨" + print_term_brief(Term{std::move(lam), {}}, b.cap > b.out.size() ? b.cap - b.out.size() : 1) + "⟩");
  } else if (const VecValue* x = v->as<VecValue>()) {
    b.add(print_numbers(x->x));
  } else if (const MatrixValue* m = v->as<MatrixValue>()) {
    b.add("⟨" + print_numbers(m->data) + "⟩");
  }
}

std::string judgement(const TraceStep& s) {
  std::string rho;
  for (const auto& [name, value] : s.env) rho += (rho.empty() ? "" : ", ") + name + " ↦ " + value_brief(value, 30);
  return (rho.empty() ? "" : rho + " ") + "⊢ " + s.term + " ⇓ " + (s.value ? value_brief(s.value) : "(stopped: error)");
}

// The last line of a trace that was cut.
std::string cut_line(const Trace& trace) {
  std::string out;
  if (trace.omitted)
    out += "… " + std::to_string(trace.omitted) + (trace.omitted == 1 ? " more step" : " more steps") + " not shown\n";
  return out + "(the trace keeps the first " + std::to_string(trace.limit) +
         " rule applications; raise the limit with --trace-limit N)\n";
}

}  // namespace

std::string value_brief(const ValuePtr& value, std::size_t max_chars) {
  Brief b{{}, max_chars};
  brief(value, b);
  if (b.out.size() > max_chars) {
    std::size_t cut = max_chars;
    while (cut > 0 && (static_cast<unsigned char>(b.out[cut]) & 0xC0) == 0x80) --cut;  // a whole code point
    b.out = b.out.substr(0, cut) + "...";  // (as print_term_brief cuts terms)
  }
  return b.out;
}

ProofTree trace_tree(const TraceStep& step) {
  ProofTree t{step.rule.empty() ? "E-?" : step.rule, judgement(step), {}, step.omitted};
  t.premises.reserve(step.premises.size());
  for (const TraceStep& p : step.premises) t.premises.push_back(trace_tree(p));
  return t;
}

std::string render_trace(const Trace& trace) {
  std::string out;
  for (const TraceStep& s : trace.roots) out += render_tree(trace_tree(s));
  if (trace.truncated) out += cut_line(trace);
  return out;
}

std::string render_trace_latex(const Trace& trace) {
  std::string out = "% cajal run --trace --latex: \\usepackage{bussproofs} and \\usepackage{amssymb}\n";
  for (const TraceStep& s : trace.roots) out += render_tree_latex(trace_tree(s));
  if (trace.truncated) {
    std::string line = cut_line(trace);
    for (std::size_t at = 0; at < line.size();) {
      std::size_t end = line.find('\n', at);
      out += "% " + line.substr(at, end - at + 1);
      at = end + 1;
    }
  }
  return out;
}

}  // namespace cajal
