// The parse driver and lowering from the CST (cst.hpp) to the AST (ast.hpp).
#include <charconv>

#include "cajal/parse/parse.hpp"
#include "config.hpp"
#include "cst.hpp"
#include "grammar.hpp"

namespace cajal {

namespace {

using namespace parse;

// "`then`" stays as is; X3's own quoting of literals ('x' or "x") becomes backticks.
std::string describe_expected(std::string which) {
  if (which.size() >= 2 && (which.front() == '\'' || which.front() == '"') && which.back() == which.front())
    return "`" + which.substr(1, which.size() - 2) + "`";
  return which;
}

// What stands at `offset`, for "expected X, found Y" messages.
std::string describe_found(const std::string& text, std::uint32_t offset) {
  if (text.find_first_not_of(" \t\r\n\v\f", offset) == std::string::npos) return "end of input";
  std::size_t i = offset;
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '\''; };
  if (word_char(text[i])) {
    std::size_t j = i;
    while (j < text.size() && word_char(text[j]) && j - i < 40) ++j;
    return "`" + text.substr(i, j - i) + "`";
  }
  for (const char* token : {"=>", "-o", "--"})
    if (text.compare(i, 2, token) == 0) return std::string("`") + token + "`";
  std::size_t len = 1;
  auto c = static_cast<unsigned char>(text[i]);
  if (c >= 0x80) len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  return "`" + text.substr(i, std::min(len, text.size() - i)) + "`";
}

// The first offset at or after `at` that is not whitespace or a comment: errors point at a token.
std::uint32_t skip_blanks(const std::string& text, std::uint32_t at) {
  while (at < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[at]))) {
      ++at;
    } else if (text.compare(at, 2, "--") == 0) {
      std::size_t nl = text.find('\n', at);
      at = nl == std::string::npos ? static_cast<std::uint32_t>(text.size()) : static_cast<std::uint32_t>(nl);
    } else {
      break;
    }
  }
  return at;
}

class Lowering {
 public:
  Lowering(const Source& source, const ParseState& state) : source_(source), state_(state) {}

  std::vector<Diagnostic> diagnostics;

  Span span_of(const x3::position_tagged& node) const {
    auto [b, e] = state_.range_of(node);
    return Span{&source_, b, e};
  }

  // ----- types -----
  TypePtr type(const cst::TypeExpr& t) {
    // atom -o atom -o ... -o atom, folded to the right.
    TypePtr result = type_atom(t.tail.empty() ? t.head : t.tail.back());
    for (std::size_t i = t.tail.size(); i-- > 0;) {
      TypePtr from = type_atom(i == 0 ? t.head : t.tail[i - 1]);
      Span s{&source_, from->span.begin, result->span.end};
      result = Type::arrow(from, result, s);
    }
    return result;
  }

  TypePtr type_atom(const cst::TypeAtom& a) {
    if (const auto* b = boost::get<cst::BaseType>(&a.get())) {
      if (b->name == "Bool") return Type::boolean(span_of(*b));
      if (b->name == "Nat") return Type::nat(span_of(*b));
      return vec_type(*b);
    }
    const cst::TypeExpr& inner = boost::get<x3::forward_ast<cst::TypeExpr>>(a.get()).get();
    return type(inner);
  }

  // `Vec n`: the raw text is "Vec", spaces, then the digits of n.
  static constexpr std::size_t kMaxVecSize = 1u << 20;
  TypePtr vec_type(const cst::BaseType& b) {
    std::string digits = b.name.substr(b.name.find_first_of("0123456789"));
    std::size_t n = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || n == 0 || n > kMaxVecSize) {
      diagnostics.push_back(error_at(span_of(b), "the size of a Vec must be between 1 and " +
                                                    std::to_string(kMaxVecSize) + ", got " + digits));
      n = 1;
    }
    return Type::vec(n, span_of(b));
  }

  // ----- terms -----
  // Each lowering returns the node and its depth; a term deeper than kMaxTermDepth is an error
  // (only reachable through long application spines: the grammar bounds all other nesting).
  struct Lowered {
    TermPtr term;
    std::size_t depth;
  };

  Lowered term(const cst::Term& t) {
    return boost::apply_visitor([&](const auto& n) { return this->node(n); }, t);
  }

  Lowered atom(const cst::Atom& a) {
    return boost::apply_visitor([&](const auto& n) { return this->node(n); }, a);
  }

  template <class T>
  Lowered node(const x3::forward_ast<T>& n) {
    return node(n.get());
  }
  Lowered node(const cst::Term& t) { return term(t); }
  Lowered node(const cst::Nil&) {  // unreachable: the grammar never leaves a node empty
    diagnostics.push_back(error_at(Span{}, "internal error: empty syntax node"));
    return {make_term(BoolLit{false}), 1};
  }
  Lowered node(const cst::BoolConst& b) { return {make_term(BoolLit{b.value}, span_of(b)), 1}; }
  Lowered node(const cst::Numeral& n) { return numeral(n); }
  Lowered node(const cst::Identifier& x) { return {make_term(Var{x.name}, span_of(x)), 1}; }
  Lowered node(const cst::Lambda& l) {
    Lowered body = term(l.body);
    return {make_term(Lam{l.param.name, span_of(l.param), type(l.type), body.term}, span_of(l)), body.depth + 1};
  }
  Lowered node(const cst::IfExpr& i) {
    Lowered c = term(i.cond), t = term(i.then_branch), e = term(i.else_branch);
    return {make_term(If{c.term, t.term, e.term}, span_of(i)), 1 + std::max({c.depth, t.depth, e.depth})};
  }
  Lowered node(const cst::LetExpr& l) {
    Lowered bound = term(l.bound), body = term(l.body);
    return {make_term(Let{l.name.name, span_of(l.name), bound.term, body.term}, span_of(l)),
            1 + std::max(bound.depth, body.depth)};
  }
  Lowered node(const cst::Application& a) {
    // f a1 a2 ... an  =  (((f a1) a2) ... an): each partial application spans from f to its argument.
    Lowered acc = atom(a.head);
    std::uint32_t begin = acc.term->span.begin;
    for (const cst::Atom& x : a.args) {
      Lowered arg = atom(x);
      acc.depth = 1 + std::max(acc.depth, arg.depth);
      if (acc.depth > kMaxTermDepth) {
        too_deep(arg.term->span);
        return acc;
      }
      acc.term = make_term(App{acc.term, arg.term}, Span{&source_, begin, arg.term->span.end});
    }
    return acc;
  }
  Lowered node(const cst::Paren& p) {
    Lowered inner = term(p.inner);
    return {make_term(inner.term->node, span_of(p)), inner.depth};
  }
  Lowered node(const cst::SuccExpr& s) {
    Lowered arg = atom(s.arg);
    return {make_term(Succ{arg.term}, span_of(s)), arg.depth + 1};
  }
  Lowered node(const cst::IterExpr& i) {
    Lowered b = term(i.base), s = term(i.step), n = term(i.count);
    return {make_term(Iter{b.term, i.state.name, span_of(i.state), s.term, n.term}, span_of(i)),
            1 + std::max({b.depth, s.depth, n.depth})};
  }

  Lowered node(const cst::TableExpr& t) {
    Table table;
    std::size_t depth = 0;
    for (const cst::TableEntry& e : t.entries) {
      Lowered key = term(e.key), value = term(e.value);
      depth = std::max({depth, key.depth, value.depth});
      table.entries.push_back(TableEntry{key.term, value.term});
    }
    return {make_term(std::move(table), span_of(t)), depth + 1};
  }

  Lowered numeral(const cst::Numeral& n) {
    std::uint64_t value = 0;
    const char* first = n.digits.data();
    const char* last = first + n.digits.size();
    auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last) {
      diagnostics.push_back(error_at(span_of(n), "numeral is too large: naturals are exact 64-bit values (at most " +
                                                     std::to_string(UINT64_MAX) + ")"));
      value = 0;
    }
    return {make_term(NatLit{value}, span_of(n)), 1};
  }

  void too_deep(Span at) {
    if (diagnostics.empty() || diagnostics.back().message.find("nested too deeply") == std::string::npos)
      diagnostics.push_back(error_at(at, "term is nested too deeply (more than " + std::to_string(kMaxTermDepth) +
                                             " levels); split it with `let` or `def`"));
  }

 private:
  const Source& source_;
  const ParseState& state_;
};

// Runs `rule` over the whole source; on failure returns the diagnostic.
template <class Rule, class Attribute>
std::optional<Diagnostic> run_grammar(const Source& source, const Rule& rule, Attribute& out, ParseState& state,
                                     const char* expected_first) {
  const std::string& text = source.text();
  if (auto bad = find_utf8_problem(text))
    return error_at(Span{&source, bad->offset, bad->offset + 1},
                    "this is not Cajal source text: it contains " + bad->what + " (source files are UTF-8 text)");
  iterator_type first = text.begin();
  const iterator_type last = text.end();
  try {
    auto parser = x3::with<x3::error_handler_tag>(std::ref(state))[rule];
    bool ok = x3::phrase_parse(first, last, parser, skipper, out);
    if (ok && first == last) return std::nullopt;
    std::uint32_t at = skip_blanks(text, state.error ? state.error->offset : state.offset(first));
    if (at == text.size()) {  // at the end: point just past the last token, not at an empty line
      std::size_t last = text.find_last_not_of(" \t\r\n\v\f");
      at = last == std::string::npos ? 0 : static_cast<std::uint32_t>(last + 1);
    }
    std::string expected = state.error ? describe_expected(state.error->expected) : expected_first;
    return error_at(Span{&source, at, at + 1}, "expected " + expected + ", found " + describe_found(text, at));
  } catch (const NestingTooDeep& e) {
    std::uint32_t at = state.offset(e.where);
    return error_at(Span{&source, at, at + 1},
                    "expression is nested too deeply for the parser (its limit is " + std::to_string(kMaxNesting) +
                        " levels; a parenthesis counts two, and `succ`, `fun`, `if`, `let` and `iter` one each)");
  }
}

// Comments, for `cajal fmt`: each `--` comment with the declaration it stands before. A comment
// inside declaration k moves above it; one after declaration k stays before declaration k + 1.
void collect_comments(const std::string& text, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& decls,
                      std::vector<Comment>& out) {
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != '-' || text[i + 1] != '-') continue;
    std::size_t end = text.find('\n', i);
    if (end == std::string::npos) end = text.size();
    std::string body = text.substr(i + 2, end - i - 2);
    if (!body.empty() && body.back() == '\r') body.pop_back();
    std::size_t before = 0;
    for (std::size_t k = 0; k < decls.size() && decls[k].first <= i; ++k) before = i < decls[k].second ? k : k + 1;
    out.push_back(Comment{std::move(body), before});
    i = end;
  }
}

}  // namespace

Result<Program> parse_program(SourcePtr source) {
  cst::File file;
  ParseState state(source->text().begin(), source->text().end());
  if (auto err = run_grammar(*source, grammar::file(), file, state, "a declaration (`def` or `param`)")) return Result<Program>::failure(*err);

  Lowering lower(*source, state);
  Program program;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> decl_ranges;
  for (const cst::Decl& d : file) {
    if (const auto* def = boost::get<cst::DefDecl>(&d.get())) {
      decl_ranges.push_back(state.range_of(*def));
      TypePtr annotation = def->annotation ? lower.type(*def->annotation) : nullptr;
      program.decls.push_back(Def{def->name.name, lower.span_of(def->name), annotation, lower.term(def->body).term});
    } else {
      const auto& param = boost::get<cst::ParamDecl>(d.get());
      decl_ranges.push_back(state.range_of(param));
      program.decls.push_back(Param{param.name.name, lower.span_of(param.name), lower.type(param.type)});
    }
  }
  if (!lower.diagnostics.empty()) return Result<Program>::failure(std::move(lower.diagnostics));
  collect_comments(source->text(), decl_ranges, program.comments);
  program.sources.push_back(std::move(source));
  return Result<Program>::success(std::move(program));
}

Result<TermPtr> parse_term(const SourcePtr& source) {
  cst::Term term;
  ParseState state(source->text().begin(), source->text().end());
  if (auto err = run_grammar(*source, grammar::term_only(), term, state, "term")) return Result<TermPtr>::failure(*err);
  Lowering lower(*source, state);
  TermPtr t = lower.term(term).term;
  if (!lower.diagnostics.empty()) return Result<TermPtr>::failure(std::move(lower.diagnostics));
  return Result<TermPtr>::success(t);
}

}  // namespace cajal
