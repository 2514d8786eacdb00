// Watching the big-step semantics (`cajal run --trace`): the derivation the interpreter builds,
// recorded step by step — each rule application with its rule name (E-App, E-IfTrue, ... as in
// spec/semantics.md §3), the term, the values of the term's free variables (the part of ρ the
// step reads) and the value. Recording is opt-in (EvalOptions::trace) and capped: past `limit`
// steps nothing more is recorded, only counted, and the tree shows "… N more steps" where they were.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cajal/eval/value.hpp"
#include "cajal/syntax/ast.hpp"
#include "cajal/syntax/prooftree.hpp"

namespace cajal {

struct TraceStep {
  std::string rule;                // E-App, ...; empty while the step runs
  // The term evaluated, printed when the step is recorded (at most about 60 characters; the
  // terms of arguments do not outlive the run), or what was applied, e.g. "main 7" (the run's E-App).
  std::string term;
  std::vector<std::pair<std::string, ValuePtr>> env;  // ρ on the term's free variables
  ValuePtr value;                  // null when evaluation stopped with an error inside this step
  std::vector<TraceStep> premises;
  std::uint64_t omitted = 0;       // steps inside this one past the limit (not recorded)
};

struct Trace {
  std::uint64_t limit = 500;   // steps recorded, at most
  std::uint64_t recorded = 0;  // steps recorded so far
  std::uint64_t omitted = 0;   // top-level steps past the limit
  bool truncated = false;      // some step was not recorded (here or inside a step)
  std::vector<TraceStep> roots;
};

// A value in at most about `max_chars` characters (ending in "..." when cut, as terms are), as in
// the spec's §1: literals, tables
// {k ↦ v, …}, closures ⟨fun x : A => t⟩ (their environment left out), vectors [x, …].
std::string value_brief(const ValuePtr& value, std::size_t max_chars = 60);

// The step as a proof tree: "x ↦ true ⊢ not x ⇓ false" under its rule name.
ProofTree trace_tree(const TraceStep& step);

// The whole trace: one tree per top-level step (the run evaluates main, then each argument, then
// applies), and a last line when steps were omitted.
std::string render_trace(const Trace& trace);
// The same as bussproofs trees, one prooftree environment per top-level step.
std::string render_trace_latex(const Trace& trace);

}  // namespace cajal
