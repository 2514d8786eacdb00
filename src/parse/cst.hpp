// The concrete syntax tree that the X3 grammar fills in: one struct per production, each
// position-tagged so that lowering (lower.cpp) can give every AST node its source span.
// Applications arrive as flat spines and types as flat arrow chains; lowering folds them.
#pragma once

#include <boost/optional.hpp>
#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>
#include <string>
#include <vector>

namespace cajal::parse::cst {

namespace x3 = boost::spirit::x3;

struct Identifier : x3::position_tagged {
  std::string name;
};

// ----- types -----
struct BaseType : x3::position_tagged {
  std::string name;  // "Bool" | "Nat"
};
struct TypeExpr;
struct TypeAtom : x3::variant<BaseType, x3::forward_ast<TypeExpr>> {
  using base_type::base_type;
  using base_type::operator=;
};
struct TypeExpr : x3::position_tagged {  // atom (-o atom)*, right-associative
  TypeAtom head;
  std::vector<TypeAtom> tail;
};

// ----- terms -----
// The empty first alternative of recursive variants: default construction must not recurse.
struct Nil {};
struct Lambda;
struct IfExpr;
struct LetExpr;
struct Application;
struct Term : x3::variant<Nil, x3::forward_ast<Lambda>, x3::forward_ast<IfExpr>, x3::forward_ast<LetExpr>,
                          x3::forward_ast<Application>> {
  using base_type::base_type;
  using base_type::operator=;
};

struct BoolConst : x3::position_tagged {
  bool value = false;
};
struct Numeral : x3::position_tagged {
  std::string digits;  // converted (with an overflow check) by lowering
};
struct SuccExpr;
struct IterExpr;
struct Paren;
struct TableExpr;
struct Atom : x3::variant<Nil, x3::forward_ast<SuccExpr>, BoolConst, Numeral, x3::forward_ast<IterExpr>, Identifier,
                          x3::forward_ast<Paren>, x3::forward_ast<TableExpr>> {
  using base_type::base_type;
  using base_type::operator=;
};

struct Lambda : x3::position_tagged {
  Identifier param;
  TypeExpr type;
  Term body;
};
struct IfExpr : x3::position_tagged {
  Term cond;
  Term then_branch;
  Term else_branch;
};
struct LetExpr : x3::position_tagged {
  Identifier name;
  Term bound;
  Term body;
};
struct Application : x3::position_tagged {  // atom atom*, left-associative
  Atom head;
  std::vector<Atom> args;
};
struct SuccExpr : x3::position_tagged {
  Atom arg;
};
struct Paren : x3::position_tagged {  // ( term ): its span includes the parentheses
  Term inner;
};
struct IterExpr : x3::position_tagged {
  Term base;
  Identifier state;
  Term step;
  Term count;
};

struct TableEntry : x3::position_tagged {  // key ↦ value
  Term key;
  Term value;
};
struct TableExpr : x3::position_tagged {  // { entry, ... }: its span includes the braces
  std::vector<TableEntry> entries;
};

// ----- declarations -----
struct DefDecl : x3::position_tagged {
  Identifier name;
  boost::optional<TypeExpr> annotation;
  Term body;
};
struct ParamDecl : x3::position_tagged {
  Identifier name;
  TypeExpr type;
};
struct Decl : x3::variant<DefDecl, ParamDecl> {
  using base_type::base_type;
  using base_type::operator=;
};
using File = std::vector<Decl>;

}  // namespace cajal::parse::cst
