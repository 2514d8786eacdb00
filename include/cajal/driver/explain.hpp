// `cajal explain`: one self-contained HTML page about a program, for a student — its source, the
// typing derivation of each def, the evaluation trace for the given arguments, the network the
// compiler built (drawn by Graphviz), main's tensor as a heatmap, and the `prove` verdict with its
// counterexample. The page loads nothing (inline SVG and CSS, a few lines of JavaScript).
#pragma once

#include <string>

#include "cajal/driver/driver.hpp"
#include "cajal/eval/trace.hpp"
#include "cajal/prove/prove.hpp"

namespace cajal {

struct ExplainRequest {
  RunRequest run;      // the arguments and params of the traced run, and the depth D
  ProveOptions prove;  // prove's depth follows run.depth
  std::uint64_t trace_limit = 300;  // steps of the evaluation trace recorded
  std::string title;   // the file's name, for the heading
};

// The page. Fails (diagnostics) only for invalid input (arguments that do not type-check, a
// depth out of range); what cannot be shown (a run that stops with an error, a network too large
// to draw, a proof that is inconclusive) is said in its section.
Result<std::string> explain_html(const LoadedProgram& loaded, const ExplainRequest& request);

// Labels of the basis of a type's encoding at depth D: true, false for Bool; 0 … D for Nat;
// "x0" … for Vec; "e_j" for a function type (a matrix unit).
std::vector<std::string> basis_labels(const Type& type, int depth);

}  // namespace cajal
