// The driver: the pipeline in a few calls, for the CLI and for users embedding Cajal. It sits
// above every stage it composes (frontend, eval, compile, network) and decides nothing they do not:
// run `main` on arguments and params given as source terms, with the interpreter or the network.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cajal/eval/eval.hpp"
#include "cajal/frontend/frontend.hpp"
#include "cajal/network/engine.hpp"
#include "cajal/network/network.hpp"
#include "cajal/prove/prove.hpp"
#include "cajal/syntax/ast.hpp"
#include "cajal/syntax/diagnostic.hpp"
#include "cajal/testing/oracle.hpp"
#include "cajal/typecheck/typecheck.hpp"

namespace cajal {

// Arguments and param values are sources holding one closed term each (e.g. "<arg 1>" with text
// "true"). The caller keeps them alive while it uses the result's diagnostics.
struct RunRequest {
  // Applied to main in order. For the network, an argument may also be a raw vector written as a
  // JSON list, `[1, 2]`: any real input, not only encodings (soft booleans, distributions, ...).
  std::vector<SourcePtr> args;
  std::vector<std::pair<std::string, SourcePtr>> params;   // NAME, TERM
  EvalOptions eval;
  int depth = 9;  // D, for the network
  // For the network: a rewrite of the compiled network before it runs (tests plant a broken
  // compiler rule with it, cajal/testing/mutant.hpp). Empty: the network as compiled.
  std::function<void(Network&)> rewrite;
  std::string entry = "main";    // the def to run (`cajal run --def NAME`)
};

struct RunResult {
  TypePtr type;       // type of main applied to the arguments
  ValuePtr value;
  TermPtr value_term;  // the value in source syntax (a closed term); null for a vector
  std::string text;    // the value as printed: print_term(value_term), or a list for a vector
  std::uint64_t max_natural = 0;  // the largest natural the run produced (the depth a network needs)
};

// Evaluates `main` applied to the arguments. Argument and param terms are parsed and type-checked
// here, against main's parameter types and the params' declared types.
Result<RunResult> run_main(const LoadedProgram& loaded, const RunRequest& request);

// ---- the same through the neuron compiler ----------------------------------------------------

struct NetworkRunResult {
  Network network;          // main compiled with one input per argument
  NetworkArgs inputs;       // the encoded arguments and params
  NetworkRun run;
  TypePtr type;             // of the output
  std::optional<std::string> value;  // the decoded output, when it is an exact encoding
  std::uint64_t needed_depth = 0;    // the largest natural the interpreter meets on these inputs
};

// Compiles main at request.depth with one network input per argument, encodes the arguments and params
// (through the interpreter), and runs the network. Fails, saying which depth would do, when the
// run lost mass past the depth (a natural exceeded D) or an argument does not fit in D.
Result<NetworkRunResult> run_main_on_network(const LoadedProgram& loaded, const RunRequest& request);

// ---- many inputs through one network ------------------------------------------------------------

// One row of a batch: main's arguments, as RunRequest::args, and where the row was written (its
// line in `cajal run --inputs FILE`), for the errors about it.
struct BatchRow {
  std::vector<SourcePtr> args;
  Span where;
};

// The column of a batch's matrix (an output, an input's gradient) that holds row `row`: that row's
// own, or the only one when it does not vary over the batch (a network whose inputs are all params
// and constants computes one column for every row).
inline Eigen::Index batch_column(const Eigen::MatrixXd& m, std::size_t row) {
  return m.cols() == 1 ? 0 : static_cast<Eigen::Index>(row);
}

struct NetworkBatchResult {
  Network network;    // main compiled once, with one input per argument
  NetworkArgs inputs;  // column b of each input: row b's argument
  NetworkRun run;      // column b of the output: row b's
  TypePtr type;        // of the output
  std::vector<std::optional<std::string>> values;  // each row's decoded output, when exact
};

// run_main_on_network for every row at once (`cajal run --engine network --inputs FILE`): main
// compiled once at request.depth, each row's arguments encoded as one column, the batch run on
// `threads` threads (cajal::Plan; 0: one per core; the result is the same for every number).
// request.args must be empty; the params are request's, the same for every row. Fails at the
// first row that does not type-check or fit, or whose run lost mass past D (naming the row).
Result<NetworkBatchResult> run_batch_on_network(const LoadedProgram& loaded, const RunRequest& request,
                                                const std::vector<BatchRow>& rows, unsigned threads = 0);

// main as one tensor (`cajal compile --json`): the network with no inputs, run once. A function
// is its dim B × dim A matrix, row-major. mass_lost > 0 says some columns lost mass past D.
struct Materialized {
  TypePtr type;
  Eigen::VectorXd tensor;
  double mass_lost = 0;
  std::size_t neurons = 0;  // of the network that computed the tensor
};
Result<Materialized> materialize_main(const LoadedProgram& loaded, const RunRequest& params_only);

// The params given in `params_only` (no arguments) as the network takes them, at its depth: a
// term's encoding, a JSON list as it is. What `prove --param` and `compile --certify --param` fix.
Result<std::map<std::string, Eigen::VectorXd>> param_encodings(const LoadedProgram& loaded, const RunRequest& params_only);

// `cajal train --certify DIR`: proves what training produced and writes its certificate into
// DIR (cajal/prove/certificate.hpp): `text` (named `name`) is the extracted program, with no
// fixed params, or the trained program with `params` its learned values, for which the claim is
// then stated. Fails (diagnostics) when the text does not load or a learned value is not a value
// of its param's type (a soft Bool ⊸ Bool matrix: certify the extracted program instead).
Result<ProveResult> certify_text(const std::string& name, const std::string& text,
                                 const std::map<std::string, Eigen::VectorXd>& params, int depth, const std::string& dir);

// The same, then reverse mode: gradients of the summed output (cotangent of ones).
Result<std::pair<NetworkRunResult, NetworkGradients>> grad_main(const LoadedProgram& loaded, const RunRequest& request);

// The same for every row of a batch (`cajal grad --inputs FILE`): the gradient of the sum over
// the rows of the summed outputs, so each row's inputs get that row's gradient (column b), and
// each param the sum over the rows.
Result<std::pair<NetworkBatchResult, NetworkGradients>> grad_batch(const LoadedProgram& loaded, const RunRequest& request,
                                                                   const std::vector<BatchRow>& rows, unsigned threads = 0);

}  // namespace cajal
