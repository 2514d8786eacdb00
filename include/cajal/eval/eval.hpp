// The reference interpreter (spec/semantics.md): big-step, call-by-value, environment-based.
// It is the oracle that the neuron compiler is tested against, so every rule is one small
// function named after its rule (E-Var, E-App, E-IterSucc, ...) in eval.cpp.
//
// Contracts:
// - For a program accepted by check_program, evaluation either yields a value of the term's type
//   or stops with a located Diagnostic for one of: natural-number overflow past 2^64 - 1, the step
//   budget exhausted, nesting deeper than the depth limit, a param used without a value.
// - Never throws on those; never mutates a value or an environment.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>
#include <string>

#include "cajal/eval/trace.hpp"
#include "cajal/eval/value.hpp"
#include "cajal/syntax/ast.hpp"
#include "cajal/syntax/diagnostic.hpp"

namespace cajal {

struct EvalOptions {
  std::uint64_t max_steps = 50'000'000;  // rule applications before "evaluation budget exceeded"
  std::size_t max_depth = 4'000;         // nested rule applications (bounds the C++ stack)
  // When set, every rule application is recorded there (up to its limit): `cajal run --trace`.
  // The trace must outlive the evaluation; its steps point into the program.
  Trace* trace = nullptr;
};

class Evaluator {
 public:
  // `program` must have passed check_program and outlive the Evaluator. `params` gives values to
  // (some of) the program's params; a param without a value is an error only when it is used.
  Evaluator(const Program& program, std::map<std::string, ValuePtr> params, EvalOptions options = {});

  // Evaluates a closed term (Θ may be referenced) in the empty environment.
  Result<ValuePtr> eval(const Term& term);
  // Evaluates a term in an environment (its free variables bound there or in Θ).
  Result<ValuePtr> eval(const Term& term, const Env& env);
  // The value of a def (evaluated once, on first use); an E-Def step when tracing.
  Result<ValuePtr> def_value(const std::string& name);
  // Applies a function value to an argument (E-App after its premises).
  Result<ValuePtr> apply(const ValuePtr& fn, const ValuePtr& arg, Span site = {});
  // The same, also giving the largest natural this application met, counted as max_natural()
  // counts: what a new Evaluator would report after making only this application (a def
  // evaluated before counts its naturals at every use). Given when the application fails too.
  Result<ValuePtr> apply_counting(const ValuePtr& fn, const ValuePtr& arg, std::uint64_t& largest_natural);
  // The same, recorded when tracing as an E-App step that shows `text` (e.g. "main 7") as its
  // term, and whose first premises are the trace's top-level steps from index `premises_from` on
  // (the steps that computed the function and the argument: `cajal run` evaluates `main t₁ … tₙ`
  // this way, spec/semantics.md §3 "Running a program").
  Result<ValuePtr> apply_traced(const ValuePtr& fn, const ValuePtr& arg, Span site, const std::string& text,
                                std::size_t premises_from);

  // A value as text: source syntax (readback) when it is a term, a JSON-style list for a Vec or
  // a matrix, and for a function that captures one.
  Result<std::string> show(const ValuePtr& value);

  // A value as a closed term in source syntax: closures with their captured variables, defs and
  // params substituted. parse(print(readback(v))) evaluates to v.
  Result<TermPtr> readback(const ValuePtr& value);

  // Records the rule applications from now on into `trace` (null: stop recording).
  void set_trace(Trace* trace) { options_.trace = trace; }

  std::uint64_t steps() const { return steps_; }
  // The largest natural any rule has produced so far (the depth a network needs for this run).
  std::uint64_t max_natural() const { return max_natural_; }
  // An input given to the network as its table (an argument or param): what its body computes
  // internally is not the network's concern, so applying it (and the functions it returns) does
  // not count towards max_natural; the natural such an application returns does (the table's
  // column must hold it).
  void mark_opaque(const ValuePtr& value);

 private:
  const Program& program_;
  std::map<std::string, ValuePtr> params_;
  struct DefValue {
    ValuePtr value;
    std::uint64_t max_natural = 0;  // the largest natural its evaluation met (counted again at each use)
  };
  std::map<std::string, DefValue> defs_;
  EvalOptions options_;
  std::uint64_t steps_ = 0;
  std::size_t depth_ = 0;
  std::uint64_t max_natural_ = 0;
  std::set<const Value*> opaque_;
  std::vector<ValuePtr> opaque_values_;  // keeps marked values alive while their address is in opaque_
  int uncounted_ = 0;                    // > 0 while an opaque function runs
  // Tracing: the steps being evaluated, innermost last, and the index there of the step whose
  // rule is running (npos while an unrecorded step runs).
  std::vector<TraceStep> trace_stack_;
  std::size_t trace_current_ = static_cast<std::size_t>(-1);

  friend struct EvalRules;
};

}  // namespace cajal
