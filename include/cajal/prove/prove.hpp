// Per-program translation validation (`cajal prove`): Z3 decides whether some input makes the
// compiled network differ from the program's meaning, at depth D.
//
// Both sides are encoded symbolically. The source side follows the big-step rules over symbolic
// values (booleans, naturals with an "exceeds D" flag, `iter` unrolled to D, functions inlined);
// the network side is the compiled network's arithmetic on the symbolic one-hot encodings of the
// inputs. The query asks for inputs whose run stays within D and whose encodings differ. It is
// asked case by case (spec/denotation.md §8.7): each value of the Bool and Nat unknowns but the
// last is a case, in which the known values are evaluated (whole numbers computed natively,
// conditions on them decided) and only what depends on the rest is asked of Z3.
//
// Supported: inputs, params and results of type Bool, Nat, and functions on Bool or Nat (curried
// too), given to both sides as symbolic tables; inputs (A ⊸ B) ⊸ C with A, B, C Bool or Nat, over
// their definable values; Vec n and functions into Vec n from Bool, Nat or Vec (tables of vectors,
// matrices), with real unknowns for their entries: both sides are polynomials in them, compared
// coefficient by coefficient (spec/denotation.md §8.5); `if` and `iter` at any of those types.
// Anything else (a Bool computed from reals, other functions of functions) is unknown with the
// reason, never proved.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cajal/eval/eval.hpp"
#include "cajal/frontend/frontend.hpp"
#include "cajal/network/network.hpp"
#include "cajal/smt/verdict.hpp"

namespace cajal {

// The largest depth prove and certificates take (the obligation grows with D: README, `cajal prove`
// against the depth).
inline constexpr int kMaxProveDepth = 128;

struct ProveOptions {
  int depth = 9;
  double timeout_seconds = 60;      // wall clock, for all of Z3's checks together (each check returns within 0.2 s of the deadline: smt/solver.hpp)
  unsigned seed = 0;
  std::optional<std::string> smt_dump_dir;  // every query as SMT-LIB2, with a header
  // A rewrite of the compiled network before it is proved (tests plant a broken compiler rule
  // with it, cajal/testing/mutant.hpp, to see it refuted). Empty: the network as compiled.
  std::function<void(Network&)> rewrite;
  // State the obligation (ProveResult::obligation) and stop: no check of it and no counterexample
  // (the warning's queries still run, within the timeout). The verify kernel re-checks the
  // obligation's text itself.
  bool obligation_only = false;
  // Decide the obligation as one question (what a certificate stores) rather than case by case
  // (spec/denotation.md §8.7: each value of the Bool and Nat unknowns but the last is a case of
  // its own, with those values folded). obligation_only states it whole too.
  bool whole = false;
  // Keep the whole obligation's text in ProveResult::obligation (what a certificate stores; at
  // D = 64 it can take a second to print). obligation_only keeps it too.
  bool obligation_text = false;
  // Params fixed to values (their encodings, as the network takes them: a learned matrix, a
  // vector): the claim is then for those values only, and the obligation states them exactly (each
  // double as the rational it is). Params not listed are unknowns: proved for every value.
  std::map<std::string, Eigen::VectorXd> params;
};

struct ProveResult {
  using Verdict = smt::Verdict;  // proved, refuted or unknown with the reason
  Verdict verdict = Verdict::Unknown;
  std::string reason;                                       // for Unknown
  int depth = 9;
  double seconds = 0;
  std::vector<std::pair<std::string, std::string>> inputs;  // counterexample: name, value in source syntax
  std::string interpreter_value;                            // counterexample: the program's value (big-step rules)
  std::string network_value;                                // counterexample: the network's decoded output
  std::string first_disagreement;  // counterexample: the first top-level neuron whose value is not its term's
  std::vector<std::string> warnings;                        // e.g. inputs needing naturals beyond D
  std::string obligation;  // the question put to Z3, as a self-contained SMT-LIB2 script
};

using smt::verdict_name;  // "proved", "refuted", "unknown"

// Fails (diagnostics) only for invalid input: no main, a numeral above D, a depth above
// kMaxProveDepth.
Result<ProveResult> prove_program(const LoadedProgram& program, const ProveOptions& options = {});
// The same for a given network (e.g. read from a file): the network must compute main with one
// input per leading `fun` of main, at options.depth.
Result<ProveResult> prove_network(const LoadedProgram& program, const Network& network, const ProveOptions& options);

// The symbolic semantics that `prove` uses, run on concrete inputs: main applied to `args` (and
// with `params`), simplified by Z3 to a value in source syntax (functions as tables over the
// arguments up to D), and whether the run needed a natural above D. For checking the symbolic
// rules against the interpreter (tests/property); function values among the inputs are turned
// into tables by applying them with `values`.
struct SymbolicRun {
  std::string value;
  bool exceeded_depth = false;
};
Result<SymbolicRun> symbolic_run(const LoadedProgram& program, const std::vector<std::pair<ValuePtr, TypePtr>>& args,
                                 const std::map<std::string, ValuePtr>& params, int depth, Evaluator& values);

}  // namespace cajal
