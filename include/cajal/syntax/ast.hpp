// The abstract syntax of Cajal(⊸, 2, ℕ) (spec/grammar.md).
//
// Types and terms are immutable trees shared through shared_ptr<const ...>: later stages never
// mutate them, so subterms can be shared freely (e.g. by substitution) and every stage can key
// side tables by node address. Every node carries the Span it was parsed from; nodes made by
// the library itself (readback of values) carry a span without source.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "cajal/syntax/source.hpp"

namespace cajal {

// ---------------------------------------------------------------------------------------------
// Types:  A, B ::= Bool | Nat | Vec n | A ⊸ B
// Vec n is ℝⁿ: data that enters only through inputs and params (it has no literals).
struct Type;
using TypePtr = std::shared_ptr<const Type>;

struct Type {
  enum class Kind { Bool, Nat, Vec, Arrow };
  Kind kind;
  TypePtr from;  // Arrow only
  TypePtr to;    // Arrow only
  Span span;
  std::size_t size = 0;  // Vec only: n ≥ 1

  static TypePtr boolean(Span s = {});
  static TypePtr nat(Span s = {});
  static TypePtr vec(std::size_t n, Span s = {});
  static TypePtr arrow(TypePtr from, TypePtr to, Span s = {});

  bool is_arrow() const { return kind == Kind::Arrow; }
  bool is_vec() const { return kind == Kind::Vec; }
  // Bool or Nat: the types with finitely many values up to a depth, the keys of tables.
  bool is_finite_base() const { return kind == Kind::Bool || kind == Kind::Nat; }
};

// No Vec anywhere in the type: every value is a literal, a table, or a function.
bool without_vec(const Type& t);

// dim ⟦A⟧ at depth D (spec/denotation.md §2): Bool 2, Nat D + 1, Vec n n, A ⊸ B dim A · dim B.
// A dimension too large for size_t is SIZE_MAX (it saturates, never wraps), which every memory
// budget refuses.
std::size_t dimension(const Type& t, int depth);

// a · b, or SIZE_MAX when the product does not fit.
std::size_t saturating_product(std::size_t a, std::size_t b);

// Structural equality (spans ignored).
bool operator==(const Type& a, const Type& b);
bool same_type(const TypePtr& a, const TypePtr& b);

// ---------------------------------------------------------------------------------------------
// Terms (spec/grammar.md).  Names follow the spec's grammar productions.
struct Term;
using TermPtr = std::shared_ptr<const Term>;

struct Var { std::string name; };
struct Lam { std::string param; Span param_span; TypePtr param_type; TermPtr body; };  // fun x : A => t
struct App { TermPtr fn; TermPtr arg; };                                                // t u
struct BoolLit { bool value; };                                                         // true | false
struct If { TermPtr cond; TermPtr then_branch; TermPtr else_branch; };                  // if c then t else u
struct NatLit { std::uint64_t value; };                                                 // 0, 1, 2, ... (= succ^k 0)
struct Succ { TermPtr arg; };                                                           // succ t
struct Iter { TermPtr base; std::string state; Span state_span; TermPtr step; TermPtr count; };  // iter{b | y => s}(n)
struct Let { std::string name; Span name_span; TermPtr bound; TermPtr body; };          // let x = t in u
// {k1 ↦ v1, ..., kn ↦ vn}: a function given by its table. Keys are `true`/`false` or numerals,
// entries are values (literals or tables); entries are kept in source order (spec/grammar.md).
struct TableEntry { TermPtr key; TermPtr value; };
struct Table { std::vector<TableEntry> entries; };

struct Term {
  using Node = std::variant<Var, Lam, App, BoolLit, If, NatLit, Succ, Iter, Let, Table>;
  Node node;
  Span span;

  template <class T> const T* as() const { return std::get_if<T>(&node); }
  template <class T> bool is() const { return std::holds_alternative<T>(node); }
};

TermPtr make_term(Term::Node node, Span span = {});

// The basis index of a table key (a BoolLit or NatLit): true is 0, false is 1, the numeral k is k.
std::size_t table_index(const Term& key);

// Structural equality (spans ignored; binder names compared literally, not up to α).
bool operator==(const Term& a, const Term& b);
bool same_term(const TermPtr& a, const TermPtr& b);

// The number of nodes of a term (iteratively computed; safe on any depth).
std::size_t term_size(const Term& t);
// Appends t's immediate subterms to `out`, in source order.
void append_children(const Term& t, std::vector<const Term*>& out);
// The names free in t (not bound by a `fun`, `let` or `iter` state inside it): its linear
// variables, defs and params.
std::set<std::string> free_variables(const Term& t);

// ---------------------------------------------------------------------------------------------
// Declarations and programs.
struct Def {
  std::string name;
  Span name_span;
  TypePtr annotation;  // may be null
  TermPtr body;
};

struct Param {
  std::string name;
  Span name_span;
  TypePtr type;
};

using Decl = std::variant<Def, Param>;

// A comment kept for the formatter: its text (without the leading "--") and the declaration it
// stands before (decls.size() for comments after the last declaration).
struct Comment {
  std::string text;
  std::size_t before_decl;
};

struct Program {
  std::vector<SourcePtr> sources;  // keeps every Span's Source alive
  std::vector<Decl> decls;
  std::vector<Comment> comments;

  const Def* find_def(const std::string& name) const;
  const Param* find_param(const std::string& name) const;
};

const std::string& decl_name(const Decl& d);
Span decl_span(const Decl& d);

bool operator==(const Program& a, const Program& b);  // decls only; spans and comments ignored

// Calls f(const Term&) on every subterm of every def of p (iteratively; no particular order).
template <class F>
void for_each_subterm(const Program& p, F f) {
  std::vector<const Term*> todo;
  for (const Decl& d : p.decls)
    if (const Def* def = std::get_if<Def>(&d)) todo.push_back(def->body.get());
  while (!todo.empty()) {
    const Term* t = todo.back();
    todo.pop_back();
    f(*t);
    append_children(*t, todo);
  }
}

}  // namespace cajal
