// The linear type checker (spec/typing.md): Θ; Δ ⊢ t : A.
//
// Θ (Globals) holds defs and params: unrestricted, usable any number of times. Δ holds the
// linear variables bound by `fun`, `let` and `iter`: each is used exactly once. Each typing rule
// of the spec is one function in typecheck.cpp with the rule's name (T-Var, T-Abs, T-App, ...).
//
// Contracts:
// - Sound: a term accepted here evaluates (eval.hpp) to a value of its type, using every linear
//   variable exactly once; an `iter` step uses no linear variable from outside the loop.
// - Never throws on user input; every rejection is a located Diagnostic.
// - Records the type of every subterm (TypeTable) for later stages (compilation).
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "cajal/syntax/ast.hpp"
#include "cajal/syntax/prooftree.hpp"
#include "cajal/syntax/diagnostic.hpp"

namespace cajal {

// Θ: the unrestricted names in scope.
struct Global {
  enum class Kind { Def, Param };
  Kind kind;
  TypePtr type;
  Span site;
};

class Globals {
 public:
  void add(const std::string& name, Global g) { entries_.insert_or_assign(name, std::move(g)); }
  const Global* find(const std::string& name) const;
  const std::map<std::string, Global>& entries() const { return entries_; }

 private:
  std::map<std::string, Global> entries_;
};

// The type of every subterm that was checked, keyed by node address.
class TypeTable {
 public:
  void set(const Term& t, TypePtr type) { types_[&t] = std::move(type); }
  // Room for n terms' types, made at once.
  void reserve(std::size_t n) { types_.reserve(n); }
  // The type of a checked subterm, or null for a term that was not checked.
  TypePtr of(const Term& t) const;
  // The same, as a pointer to the type this table keeps (no reference count is touched).
  const Type* find(const Term& t) const;

 private:
  std::unordered_map<const Term*, TypePtr> types_;
};

// A typing derivation, for teaching (`cajal type --derivation`): the rule's name, the linear
// context it consumed, the term and its type, and the derivations of its premises.
struct Derivation {
  std::string rule;
  std::vector<std::pair<std::string, TypePtr>> consumed;  // Δ, in binding order
  const Term* term = nullptr;  // points into the checked program, which outlives the derivation
  TypePtr type;
  std::vector<Derivation> premises;
};
// The derivation as a proof tree (cajal/syntax/prooftree.hpp), each judgement "Δ ⊢ t : A".
ProofTree derivation_tree(const Derivation& d);
// The derivation as an indented tree, one judgement a line:  T-App  x : Bool ⊢ not x : Bool
std::string render_derivation(const Derivation& d);
// The derivation as a bussproofs prooftree, for slides (`cajal type --derivation --latex`).
std::string render_derivation_latex(const Derivation& d);

// A program whose declarations all type-check.
struct CheckedProgram {
  Globals globals;                             // every def and param, with its type
  std::vector<std::string> def_order;          // defs in declaration order
  TypeTable types;                             // every subterm of every def
  std::map<std::string, Derivation> derivations;  // filled when asked for
};

struct CheckOptions {
  bool derivations = false;
};

// Checks every declaration; reports every def that fails (the first error in each).
Result<CheckedProgram> check_program(const Program& program, const CheckOptions& options = {});

// Checks a closed term against Θ (used for `--arg` and `--param` values), recording its subterms'
// types into `types` (and its derivation into `derivation` when given).
Result<TypePtr> check_closed_term(const Term& term, const Globals& globals, TypeTable& types,
                                  Derivation* derivation = nullptr);

}  // namespace cajal
