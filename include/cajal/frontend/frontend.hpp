// The front end: source text to a type-checked program (parse, then type-check). Everything that
// works on a whole program — the compiler, prove, check, learn, the driver — starts from a
// LoadedProgram, so this is the one place where the two stages are composed.
#pragma once

#include "cajal/syntax/ast.hpp"
#include "cajal/syntax/diagnostic.hpp"
#include "cajal/typecheck/typecheck.hpp"

namespace cajal {

// A program that parsed and type-checked; `checked` holds the types of its defs and params.
struct LoadedProgram {
  Program program;
  CheckedProgram checked;
};

// Parses and type-checks a `.cj` source. Diagnostics point into `source`: the caller keeps its
// own reference to render them.
Result<LoadedProgram> load_program(const SourcePtr& source, const CheckOptions& options = {});
// `-e TERM`: a program whose only declaration is `def main = TERM`.
Result<LoadedProgram> load_inline(const SourcePtr& term_source, const CheckOptions& options = {});

}  // namespace cajal
