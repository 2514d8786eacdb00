// The whole front end in a few calls, for the CLI and for users embedding Cajal: load a program
// (parse + type-check) and run its `main` on arguments and params given as source terms.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cajal/eval/eval.hpp"
#include "cajal/syntax/ast.hpp"
#include "cajal/syntax/diagnostic.hpp"
#include "cajal/typecheck/typecheck.hpp"

namespace cajal {

struct LoadedProgram {
  Program program;
  CheckedProgram checked;
};

// Parses and type-checks a `.cj` source. Diagnostics point into `source`: the caller keeps its
// own reference to render them.
Result<LoadedProgram> load_program(const SourcePtr& source, const CheckOptions& options = {});
// `-e TERM`: a program whose only declaration is `def main = TERM`.
Result<LoadedProgram> load_inline(const SourcePtr& term_source, const CheckOptions& options = {});

// Arguments and param values are sources holding one closed term each (e.g. "<arg 1>" with text
// "true"). The caller keeps them alive while it uses the result's diagnostics.
struct RunRequest {
  std::vector<SourcePtr> args;                             // applied to main in order
  std::vector<std::pair<std::string, SourcePtr>> params;   // NAME, TERM
  EvalOptions eval;
};

struct RunResult {
  TypePtr type;       // type of main applied to the arguments
  ValuePtr value;
  TermPtr value_term;  // the value in source syntax (a closed term)
};

// Evaluates `main` applied to the arguments. Argument and param terms are parsed and type-checked
// here, against main's parameter types and the params' declared types.
Result<RunResult> run_main(const LoadedProgram& loaded, const RunRequest& request);

}  // namespace cajal
