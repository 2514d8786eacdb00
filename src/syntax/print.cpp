#include "cajal/syntax/print.hpp"

#include <sstream>

#include <variant>

namespace cajal {

std::string print_type(const Type& t) {
  switch (t.kind) {
    case Type::Kind::Bool: return "Bool";
    case Type::Kind::Nat: return "Nat";
    case Type::Kind::Vec: return "Vec " + std::to_string(t.size);
    case Type::Kind::Arrow: {
      // -o is right-associative: only a function-typed domain needs parentheses.
      std::string from = print_type(*t.from);
      if (t.from->is_arrow()) from = "(" + from + ")";
      return from + " -o " + print_type(*t.to);
    }
  }
  return "?";
}

std::string print_type(const TypePtr& t) { return t ? print_type(*t) : std::string("?"); }

namespace {

// Precedence levels of the grammar: a term at `level` may appear where the grammar asks for it.
enum Level { kTerm = 0, kApp = 1, kAtom = 2 };

Level level_of(const Term& t) {
  if (t.is<Lam>() || t.is<If>() || t.is<Let>()) return kTerm;
  if (t.is<App>()) return kApp;
  return kAtom;
}

// Layout: `width` is the column budget; when a term's one-line form does not fit, the printer
// breaks it at its own keywords and lays out its subterms with the remaining budget.
struct Printer {
  std::size_t width;
  // Characters left to print: a brief rendering stops descending once it is spent, so printing a
  // prefix of a huge term costs the prefix, not the term.
  mutable std::size_t remaining = SIZE_MAX;

  std::string flat(const Term& t, Level at) const {
    if (remaining == 0) return "...";
    std::string s = std::visit([&](const auto& n) { return flat_node(n); }, t.node);
    if (t.is<Var>() || t.is<BoolLit>() || t.is<NatLit>()) remaining -= std::min(remaining, s.size() + 1);
    return level_of(t) < at ? "(" + s + ")" : s;
  }

  std::string flat_node(const Var& v) const { return v.name; }
  std::string flat_node(const BoolLit& b) const { return b.value ? "true" : "false"; }
  std::string flat_node(const NatLit& n) const { return std::to_string(n.value); }
  std::string flat_node(const Succ& s) const { return "succ " + flat(*s.arg, kAtom); }
  std::string flat_node(const App& a) const { return flat(*a.fn, kApp) + " " + flat(*a.arg, kAtom); }
  std::string flat_node(const Lam& l) const {
    return "fun " + l.param + " : " + print_type(*l.param_type) + " => " + flat(*l.body, kTerm);
  }
  std::string flat_node(const If& i) const {
    return "if " + flat(*i.cond, kTerm) + " then " + flat(*i.then_branch, kTerm) + " else " +
           flat(*i.else_branch, kTerm);
  }
  std::string flat_node(const Let& l) const {
    return "let " + l.name + " = " + flat(*l.bound, kTerm) + " in " + flat(*l.body, kTerm);
  }
  std::string flat_node(const Iter& it) const {
    return "iter { " + flat(*it.base, kTerm) + " | " + it.state + " => " + flat(*it.step, kTerm) + " } (" +
           flat(*it.count, kTerm) + ")";
  }

  std::string flat_node(const Table& t) const {
    std::string out = "{";
    for (std::size_t k = 0; k < t.entries.size(); ++k)
      out += (k ? ", " : "") + flat(*t.entries[k].key, kTerm) + " ↦ " + flat(*t.entries[k].value, kTerm);
    return out + "}";
  }

  // Multi-line layout starting at column `indent` (the first line is already indented).
  std::string laid_out(const Term& t, Level at, std::size_t indent) const {
    std::string one = flat(t, at);
    if (indent + one.size() <= width || level_of(t) < at) return one;
    std::string pad(indent, ' ');
    if (const Let* l = t.as<Let>())
      return "let " + l->name + " = " + laid_out(*l->bound, kTerm, indent + 4) + " in\n" + pad +
             laid_out(*l->body, kTerm, indent);
    if (const Lam* l = t.as<Lam>())
      return "fun " + l->param + " : " + print_type(*l->param_type) + " =>\n" + pad + "  " +
             laid_out(*l->body, kTerm, indent + 2);
    if (const If* i = t.as<If>())
      return "if " + laid_out(*i->cond, kTerm, indent + 3) + "\n" + pad + "then " +
             laid_out(*i->then_branch, kTerm, indent + 5) + "\n" + pad + "else " +
             laid_out(*i->else_branch, kTerm, indent + 5);
    if (t.is<App>()) {  // f a1 ... an: the arguments one per line, under the function
      std::vector<const Term*> args;
      const Term* head = &t;
      while (const App* a = head->as<App>()) {
        args.push_back(a->arg.get());
        head = a->fn.get();
      }
      std::string out = laid_out(*head, kAtom, indent);
      for (std::size_t k = args.size(); k-- > 0;) out += "\n" + pad + "  " + laid_out(*args[k], kAtom, indent + 2);
      return out;
    }
    if (const Iter* it = t.as<Iter>())
      return "iter { " + laid_out(*it->base, kTerm, indent + 7) + "\n" + pad + "     | " + it->state + " => " +
             laid_out(*it->step, kTerm, indent + 11 + it->state.size()) + "\n" + pad + "     } (" +
             laid_out(*it->count, kTerm, indent + 8) + ")";
    return one;
  }
};

std::string comment_lines(const Program& p, std::size_t before) {
  std::string out;
  for (const Comment& c : p.comments)
    if (c.before_decl == before) out += "--" + c.text + "\n";
  return out;
}

}  // namespace

std::string print_term(const Term& t) { return Printer{0}.flat(t, kTerm); }
std::string print_term(const TermPtr& t) { return t ? print_term(*t) : std::string("?"); }

std::string print_term_brief(const Term& t, std::size_t max_chars) {
  Printer p{0};
  p.remaining = max_chars;
  std::string s = p.flat(t, kTerm);
  if (s.size() > max_chars) {
    std::size_t cut = max_chars > 3 ? max_chars - 3 : 0;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    s = s.substr(0, cut) + "...";
  }
  return s;
}

std::string format_program(const Program& p, std::size_t width) {
  Printer printer{width};
  std::string out;
  for (std::size_t i = 0; i < p.decls.size(); ++i) {
    if (i > 0) out += "\n";
    out += comment_lines(p, i);
    if (const Def* d = std::get_if<Def>(&p.decls[i])) {
      std::string head = "def " + d->name + (d->annotation ? " : " + print_type(*d->annotation) : "") + " =";
      std::string body = printer.flat(*d->body, kTerm);
      if (head.size() + 1 + body.size() <= width)
        out += head + " " + body + "\n";
      else
        out += head + "\n  " + printer.laid_out(*d->body, kTerm, 2) + "\n";
    } else {
      const Param& q = std::get<Param>(p.decls[i]);
      out += "param " + q.name + " : " + print_type(*q.type) + "\n";
    }
  }
  std::string trailing = comment_lines(p, p.decls.size());
  if (!trailing.empty()) out += (p.decls.empty() ? "" : "\n") + trailing;
  return out;
}

std::string print_numbers(const std::vector<double>& xs) {
  std::ostringstream ss;
  ss << "[";
  for (std::size_t k = 0; k < xs.size(); ++k) ss << (k ? ", " : "") << xs[k];
  ss << "]";
  return ss.str();
}

}  // namespace cajal
