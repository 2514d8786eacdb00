// Meaning-preserving and meaning-changing rewrites of well-typed programs, for testing `check`:
// a program must be equivalent to its β-reduced and η-expanded forms, and a mutated copy is
// either equivalent or has a counterexample that reproduces under the interpreter.
//
// Every rewrite keeps the program well-typed (the tests re-check it anyway).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>

#include "cajal/syntax/ast.hpp"
#include "cajal/testing/generators.hpp"
#include "cajal/typecheck/typecheck.hpp"

namespace cajal::testing {

// t[u/x], capture-avoiding: a binder of t that would capture a free variable of u is renamed.
TermPtr substitute(const TermPtr& t, const std::string& x, const TermPtr& u);

// One bottom-up pass that contracts every β-redex (fun x : A => b) u and every `let x = u in b`
// to b[u/x]. The language is pure and terminating, so the value is unchanged.
TermPtr beta_reduce(const TermPtr& t);

// Replaces function-typed subterms t (those `ch` picks; `types` from the type checker) by
// `fun z : A => t z` with z fresh.
TermPtr eta_expand(const TermPtr& t, const TypeTable& types, Choices& ch);

// One small change at a site `ch` picks: a boolean literal flipped, a numeral moved by one, the
// branches of an `if` swapped, a `succ` dropped, or a table entry changed. nullopt when the term
// has no such site.
std::optional<TermPtr> mutate(const TermPtr& t, Choices& ch);

// The same rewrite applied to every def body of a program.
Program map_defs(const Program& p, const std::function<TermPtr(const Def&)>& f);

}  // namespace cajal::testing
