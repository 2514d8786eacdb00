// Semantic equivalence of two programs (`cajal check`), decided up to a depth D
// (spec/equivalence.md).
//
// Observational equivalence (the default): for every input — booleans, naturals 0..D, and every
// function between finite types (given as a table) for each argument position of the two defs'
// common type, and every value of each param — both defs produce the same value. Decided
//   - exhaustively by the interpreter (the oracle) when there are at most `exhaustive_limit`
//     input tuples: every tuple is run through both programs, exactly (naturals above D too);
//   - otherwise by Z3 over the symbolic big-step semantics (src/prove/symbolic.hpp): a query for
//     an input within D on which the two values differ; the inputs whose runs need naturals
//     above D are enumerated and compared by the interpreter.
// Neural equivalence (`neural`): the two compiled networks at depth D are the same function of
// all real inputs and params. Networks are multilinear in their inputs, so comparing them on
// every basis input decides it: exactly in floating point when there are no params (every number
// is an integer below 2^53), and as polynomial identity in the params' entries (Z3's
// sum-of-monomials normal form) when there are.
//
// Counterexamples are the least in a fixed order (spec/equivalence.md §7): inputs compared in
// argument order, then params in declaration order; false < true, naturals by size, tables
// entry by entry in key order (true, false; 0, 1, ...).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cajal/eval/eval.hpp"
#include "cajal/frontend/frontend.hpp"

namespace cajal {

// One side of the comparison: a def (main by default) of a loaded program.
struct CheckSide {
  const LoadedProgram* program = nullptr;
  std::string def = "main";
  std::string label;  // how messages name this side, e.g. the file name
};

struct EquivalenceOptions {
  int depth = 9;
  bool neural = false;
  unsigned threads = 0;  // neural: the engine's threads for the batch of basis inputs (0: one per core)
  double timeout_seconds = 60;  // wall clock: for all Z3 checks together (the SMT layer's deadline), the exhaustive run, --neural
  enum class Method { Auto, Exhaustive, Symbolic };
  Method method = Method::Auto;  // observational only; Auto picks exhaustive when it is small
  std::size_t exhaustive_limit = 1u << 16;  // input tuples
  EvalOptions eval;                          // the interpreter's budget, per run
};

struct EquivalenceResult {
  enum class Verdict { Equivalent, NotEquivalent, Unknown };
  Verdict verdict = Verdict::Unknown;
  std::string reason;  // for Unknown
  std::string method;  // how it was decided, for the reader
  int depth = 9;
  TypePtr type;        // the defs' common type
  double seconds = 0;

  struct Input {
    std::string name;   // a binder of the left def (or argN), or a param's name
    std::string value;  // in source syntax; a JSON list for a neural counterexample's vector
    bool is_param = false;
  };
  struct Counterexample {
    std::vector<Input> inputs;
    std::string left, right;  // both values (or output vectors), in source syntax
  };
  std::optional<Counterexample> counterexample;
  std::size_t counterexamples = 0;  // how many inputs differ (>= 1 when not equivalent)
  bool counted_all = true;          // false: "at least `counterexamples`"
  std::size_t inputs_compared = 0;  // exhaustive: every tuple; symbolic: those run by the interpreter
  std::vector<std::string> warnings;  // e.g. inputs needing naturals beyond D
};

const char* verdict_name(EquivalenceResult::Verdict v);

// Fails (diagnostics) only for invalid input: a missing def, different types (both shown),
// a param declared with different types on the two sides, a depth out of range, a numeral above
// D (neural). Never throws.
Result<EquivalenceResult> check_equivalence(const CheckSide& left, const CheckSide& right,
                                            const EquivalenceOptions& options = {});

// The two `cajal run` commands (left, then right) that reproduce r's counterexample: with the
// interpreter for observational equivalence, with the network at r.depth for neural. Each side's
// label is its file; params are passed to the side that declares them. Empty without one.
std::vector<std::string> reproduce_commands(const CheckSide& left, const CheckSide& right, const EquivalenceResult& r,
                                            bool neural);

// A word for a POSIX shell: single-quoted unless it is plainly safe.
std::string shell_word(const std::string& w);

}  // namespace cajal
