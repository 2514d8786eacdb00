// The grammar's definition. Included only by grammar.cpp.
//
// Every production of spec/grammar.md is one rule below, under the same name. Expectation points
// (`>`) turn a wrong token after a committed keyword into a located "expected X" error; rule names
// are what that error says was expected.
#pragma once

#include <boost/spirit/home/x3.hpp>
#include <boost/spirit/home/x3/support/utility/annotate_on_success.hpp>

#include "config.hpp"
#include "cst.hpp"
#include "cst_adapted.hpp"
#include "grammar.hpp"

namespace cajal::parse::grammar {

namespace x3 = boost::spirit::x3;
using x3::lexeme;
using x3::lit;
using x3::raw;

// ----- nesting guard -------------------------------------------------------------------------
// Counts how deep the grammar recursed and stops the parse with NestingTooDeep past kMaxNesting.
template <class Subject>
struct depth_guard_parser : x3::unary_parser<Subject, depth_guard_parser<Subject>> {
  using base_type = x3::unary_parser<Subject, depth_guard_parser<Subject>>;
  static bool const is_pass_through_unary = true;
  constexpr depth_guard_parser(const Subject& subject) : base_type(subject) {}

  template <class Iterator, class Context, class RContext, class Attribute>
  bool parse(Iterator& first, const Iterator& last, const Context& context, RContext& rcontext,
             Attribute& attr) const {
    ParseState& state = x3::get<x3::error_handler_tag>(context).get();
    if (state.depth >= kMaxNesting) throw NestingTooDeep{first};
    ++state.depth;
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{state.depth};
    return this->subject.parse(first, last, context, rcontext, attr);
  }
};

struct depth_guard_gen {
  template <class Subject>
  constexpr depth_guard_parser<typename x3::extension::as_parser<Subject>::value_type> operator[](
      const Subject& subject) const {
    return {x3::as_parser(subject)};
  }
};
constexpr depth_guard_gen depth_guard{};

// ----- lexical pieces ------------------------------------------------------------------------
const auto ident_char = x3::ascii::alnum | lit('_') | lit('\'');

inline bool is_keyword(const std::string& s) {
  static const char* const words[] = {"fun", "if", "then", "else", "let", "in", "iter", "succ", "true",
                                      "false", "def", "param", "Bool", "Nat", "Vec"};
  for (const char* w : words)
    if (s == w) return true;
  return false;
}

// A keyword is a whole word: `fun` does not match the start of `funny`.
#define CAJAL_KEYWORD(id, word) \
  const auto id = x3::rule<struct id##_class>{"`" word "`"} = lexeme[lit(word) >> !ident_char];
CAJAL_KEYWORD(kw_fun, "fun")
CAJAL_KEYWORD(kw_if, "if")
CAJAL_KEYWORD(kw_then, "then")
CAJAL_KEYWORD(kw_else, "else")
CAJAL_KEYWORD(kw_let, "let")
CAJAL_KEYWORD(kw_in, "in")
CAJAL_KEYWORD(kw_iter, "iter")
CAJAL_KEYWORD(kw_succ, "succ")
CAJAL_KEYWORD(kw_true, "true")
CAJAL_KEYWORD(kw_false, "false")
CAJAL_KEYWORD(kw_def, "def")
CAJAL_KEYWORD(kw_param, "param")
CAJAL_KEYWORD(kw_Bool, "Bool")
CAJAL_KEYWORD(kw_Nat, "Nat")
CAJAL_KEYWORD(kw_Vec, "Vec")
#undef CAJAL_KEYWORD

const auto lambda_kw = x3::rule<struct lambda_kw_class>{"`fun`"} = kw_fun | lit('\\') | lit("λ");
const auto lambda_dot = x3::rule<struct lambda_dot_class>{"`=>` or `.`"} = lit("=>") | lit("↪") | lit('.');
const auto maps_to = x3::rule<struct maps_to_class>{"`=>`"} = lit("=>") | lit("↪");
const auto lollipop = x3::rule<struct lollipop_class>{"`-o`"} = lit("-o") | lit("⊸");
const auto colon = x3::rule<struct colon_class>{"`:`"} = lit(':');
const auto equals = x3::rule<struct equals_class>{"`=`"} = lit('=');
const auto bar = x3::rule<struct bar_class>{"`|`"} = lit('|');
const auto table_arrow = x3::rule<struct table_arrow_class>{"`↦`"} = lit("↦") | lit("|->");
const auto comma = x3::rule<struct comma_class>{"`,`"} = lit(',');
const auto lbrace = x3::rule<struct lbrace_class>{"`{`"} = lit('{');
const auto rbrace = x3::rule<struct rbrace_class>{"`}`"} = lit('}');
const auto lparen = x3::rule<struct lparen_class>{"`(`"} = lit('(');
const auto rparen = x3::rule<struct rparen_class>{"`)`"} = lit(')');

// ----- semantic actions for single-member nodes ----------------------------------------------
// These rules fill their node in an action (X3 then passes `unused` to on_success), so the action
// also tags the node with the range that raw[] matched.
template <class Set>
auto leaf(Set set) {
  return [set](auto& ctx) {
    auto& range = x3::_attr(ctx);
    auto& node = x3::_val(ctx);
    set(ctx, node, std::string(range.begin(), range.end()));
    x3::get<x3::error_handler_tag>(ctx).get().tag(node, range.begin(), range.end());
  };
}
const auto set_name = leaf([](auto& ctx, auto& node, std::string text) {
  x3::_pass(ctx) = !is_keyword(text);
  node.name = std::move(text);
});
const auto set_digits = leaf([](auto&, auto& node, std::string text) { node.digits = std::move(text); });
const auto set_bool = leaf([](auto&, auto& node, const std::string& text) { node.value = text == "true"; });
const auto set_base_type = leaf([](auto&, auto& node, std::string text) { node.name = std::move(text); });
const auto set_succ = leaf([](auto&, auto&, const std::string&) {});
const auto set_succ_arg = [](auto& ctx) { x3::_val(ctx).arg = std::move(x3::_attr(ctx)); };
const auto set_paren = leaf([](auto&, auto&, const std::string&) {});
const auto set_paren_inner = [](auto& ctx) { x3::_val(ctx).inner = std::move(x3::_attr(ctx)); };
const auto set_table = leaf([](auto&, auto&, const std::string&) {});
const auto set_table_entries = [](auto& ctx) { x3::_val(ctx).entries = std::move(x3::_attr(ctx)); };

// ----- rule ids: every node is tagged with its source range ----------------------------------
struct identifier_class : x3::annotate_on_success {};
struct base_type_class : x3::annotate_on_success {};
struct type_atom_class : x3::annotate_on_success {};
struct type_expr_class : x3::annotate_on_success {};
struct term_class : x3::annotate_on_success {};
struct lambda_class : x3::annotate_on_success {};
struct if_expr_class : x3::annotate_on_success {};
struct let_expr_class : x3::annotate_on_success {};
struct application_class : x3::annotate_on_success {};
struct atom_class : x3::annotate_on_success {};
struct bool_const_class : x3::annotate_on_success {};
struct numeral_class : x3::annotate_on_success {};
struct succ_expr_class : x3::annotate_on_success {};
struct paren_class : x3::annotate_on_success {};
struct iter_expr_class : x3::annotate_on_success {};
struct table_expr_class : x3::annotate_on_success {};
struct table_entry_class : x3::annotate_on_success {};
struct def_decl_class : x3::annotate_on_success {};
struct param_decl_class : x3::annotate_on_success {};
struct decl_class : x3::annotate_on_success {};

// The entry rules turn an expectation failure into the parse's error.
struct entry_error_handler {
  template <class Iterator, class Exception, class Context>
  x3::error_handler_result on_error(Iterator&, const Iterator&, const Exception& x, const Context& context) {
    ParseState& state = x3::get<x3::error_handler_tag>(context).get();
    if (!state.error) state.error = ParseState::Error{state.offset(x.where()), x.which()};
    return x3::error_handler_result::fail;
  }
};
struct file_class : entry_error_handler {};
struct term_only_class : entry_error_handler {};

// ----- rules ---------------------------------------------------------------------------------
const x3::rule<identifier_class, cst::Identifier> identifier = "identifier";
const x3::rule<base_type_class, cst::BaseType> base_type = "type";
const x3::rule<type_atom_class, cst::TypeAtom> type_atom = "type";
const x3::rule<type_expr_class, cst::TypeExpr> type_expr = "type";
const x3::rule<term_class, cst::Term> term = "term";
const x3::rule<lambda_class, cst::Lambda> lambda = "`fun`";
const x3::rule<if_expr_class, cst::IfExpr> if_expr = "`if`";
const x3::rule<let_expr_class, cst::LetExpr> let_expr = "`let`";
const x3::rule<application_class, cst::Application> application = "term";
const x3::rule<atom_class, cst::Atom> atom = "term";
const x3::rule<bool_const_class, cst::BoolConst> bool_const = "`true` or `false`";
const x3::rule<numeral_class, cst::Numeral> numeral = "numeral";
const x3::rule<succ_expr_class, cst::SuccExpr> succ_expr = "`succ`";
const x3::rule<paren_class, cst::Paren> paren = "`(`";
const x3::rule<iter_expr_class, cst::IterExpr> iter_expr = "`iter`";
const x3::rule<table_expr_class, cst::TableExpr> table_expr = "`{`";
const x3::rule<table_entry_class, cst::TableEntry> table_entry = "table entry";
const x3::rule<def_decl_class, cst::DefDecl> def_decl = "`def`";
const x3::rule<param_decl_class, cst::ParamDecl> param_decl = "`param`";
const x3::rule<decl_class, cst::Decl> decl = "declaration";
const file_type file_rule = "file";
const term_only_type term_only_rule = "term";
const auto end_of_decls = x3::rule<struct end_of_decls_class>{"a declaration (`def` or `param`)"} = x3::eoi;
const auto end_of_term = x3::rule<struct end_of_term_class>{"end of term"} = x3::eoi;

const auto identifier_def = raw[lexeme[(x3::ascii::alpha | lit('_')) >> *ident_char]][set_name];

// type ::= atom (-o atom)*        atom ::= Bool | Nat | Vec n | ( type )
const auto vec_size = x3::rule<struct vec_size_class>{"the size of the vector (a numeral)"} =
    lexeme[+x3::ascii::digit >> !ident_char];
const auto base_type_def = raw[kw_Bool | kw_Nat | (kw_Vec > vec_size)][set_base_type];
const auto type_atom_def = depth_guard[base_type | (lparen > type_expr > rparen)];
const auto type_expr_def = type_atom >> *(lollipop > type_atom);

// term ::= fun x : A => term | if term then term else term | let x = term in term | atom atom*
const auto term_def = depth_guard[lambda | if_expr | let_expr | application];
const auto lambda_def = lambda_kw > identifier > colon > type_expr > lambda_dot > term;
const auto if_expr_def = kw_if > term > kw_then > term > kw_else > term;
const auto let_expr_def = kw_let > identifier > equals > term > kw_in > term;
const auto application_def = atom >> *atom;

// atom ::= succ atom | true | false | numeral | iter { term | y => term } ( term ) | x | ( term )
//        | { term ↦ term, ... }
const auto atom_def =
    depth_guard[succ_expr | bool_const | numeral | iter_expr | identifier | paren | table_expr];
const auto bool_const_def = raw[kw_true | kw_false][set_bool];
const auto numeral_def = raw[lexeme[+x3::ascii::digit >> !ident_char]][set_digits];
const auto succ_expr_def = raw[(kw_succ > atom)[set_succ_arg]][set_succ];
const auto paren_def = raw[(lparen > term > rparen)[set_paren_inner]][set_paren];
const auto table_entries = x3::rule<struct table_entries_class, std::vector<cst::TableEntry>>{"table entry"} =
    table_entry % comma;
const auto table_expr_def = raw[(lbrace > table_entries > rbrace)[set_table_entries]][set_table];
const auto table_entry_def = term > table_arrow > term;
const auto iter_expr_def = kw_iter > lbrace > term > bar > identifier > maps_to > term > rbrace > lparen > term > rparen;

// decl ::= def NAME [: type] = term | param NAME : type        file ::= decl*
const auto def_decl_def = kw_def > identifier > -(colon > type_expr) > equals > term;
const auto param_decl_def = kw_param > identifier > colon > type_expr;
const auto decl_def = def_decl | param_decl;
const auto file_rule_def = *decl > end_of_decls;
const auto term_only_rule_def = term > end_of_term;

BOOST_SPIRIT_DEFINE(identifier, base_type, type_atom, type_expr, term, lambda, if_expr, let_expr, application, atom,
                    bool_const, numeral, succ_expr, paren, iter_expr, table_expr, table_entry, def_decl, param_decl, decl, file_rule,
                    term_only_rule)

const file_type& file() { return file_rule; }
const term_only_type& term_only() { return term_only_rule; }

}  // namespace cajal::parse::grammar
