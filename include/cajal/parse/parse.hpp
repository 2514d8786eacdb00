// Parsing: source text to AST (spec/grammar.md).
//
// Contracts:
// - Never throws on any input (binary garbage, empty text, hostile nesting, huge numerals): every
//   problem comes back as a located Diagnostic.
// - Every AST node's Span points into the given Source (Program keeps its Source alive itself);
//   diagnostics point into it too, so the caller keeps its own reference to render them.
// - Terms are at most kMaxTermDepth deep, so later recursive stages have bounded stack use.
#pragma once

#include "cajal/syntax/ast.hpp"
#include "cajal/syntax/diagnostic.hpp"

namespace cajal {

inline constexpr std::size_t kMaxTermDepth = 2000;

// A whole file: `decl*`.
Result<Program> parse_program(SourcePtr source);

// One term, the whole source (used for `-e`, `--arg` and `--param NAME=TERM`).
Result<TermPtr> parse_term(const SourcePtr& source);

}  // namespace cajal
