// Learning params from examples (`cajal train`), and extracting what was learned as Cajal terms
// (spec/learning.md).
//
// A program's `param`s are the weights of its network (spec/denotation.md): the network is
// compiled once at depth D and trained by full-batch gradient descent (Adam, the engine's
// reverse mode) on the squared distance between its outputs and the examples' encoded outputs.
// `extract` then rounds every learned function between finite types to the nearest function (per
// column, the nearest one-hot vector) and writes it back as a `def` whose body is a table, so
// `cajal check` and `cajal prove` can verify the learned program for every input up to a depth.
#pragma once

#include <Eigen/Dense>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cajal/frontend/frontend.hpp"

namespace cajal {

// One example: main's arguments and the expected output, each in source syntax ("3", "false",
// "{true ↦ false, false ↦ true}") or as a JSON list of numbers (a raw vector for the network).
struct TrainingExample {
  std::vector<std::string> args;
  std::string output;
  Span where;  // its line in the examples file
};

// JSON Lines: one object a line, {"args": ["3"], "output": "false"}; blank lines are skipped.
// Numbers and lists of numbers are accepted where a value is expected (written as JSON lists).
// With Outputs::Optional (inputs to run, `cajal run --inputs`), a line may leave "output" out, and
// one given is read and not used.
enum class Outputs { Required, Optional };
Result<std::vector<TrainingExample>> read_examples(const SourcePtr& jsonl, Outputs outputs = Outputs::Required);

struct TrainOptions {
  int depth = 9;
  int epochs = 200;
  double learning_rate = 0.05;  // Adam's step size
  unsigned seed = 0;            // the params' initialization
  unsigned threads = 0;         // threads for the batch of examples (0: one per core; cajal::Plan)
  // Called after each epoch with its number (from 1) and the loss before its update.
  std::function<void(int epoch, double loss)> progress;
};

struct TrainResult {
  std::map<std::string, Eigen::VectorXd> params;  // the learned params, as network vectors
  std::vector<double> losses;                     // one per epoch
  double final_loss = 0;                          // after the last update
};

// Fits every param of the program (all must be used with encodable types). Fails (diagnostics)
// when an example does not fit main's type, or the program has no params.
Result<TrainResult> train(const LoadedProgram& program, const std::vector<TrainingExample>& examples,
                          const TrainOptions& options);

// The program with each param replaced by `def NAME : T = TABLE`, the nearest function between
// finite types (a Bool or Nat param: the nearest value). Fails for a param whose type is not
// a value between finite types (a function of a function).
Result<Program> extract(const LoadedProgram& program, const std::map<std::string, Eigen::VectorXd>& params,
                        int depth);

// A learned param as `--param NAME='[...]'` text, for `cajal run --engine network`.
std::string param_vector_text(const Eigen::VectorXd& v);

// "trained 1 param on 4 examples for 200 epochs at depth 9: loss 0.69 -> 6e-10".
std::string training_summary(const TrainResult& r, std::size_t examples, const TrainOptions& options);
// The trained program as a file: a header naming where it came from and the `cajal run` command
// with the learned params, then the source (`train` without --extract).
std::string learned_file(const std::string& source_text, const std::string& data_name, const std::string& summary,
                         const TrainResult& r, int depth);
// The extracted program as a file, with a header naming where it came from (`--extract`).
std::string extracted_file(const Program& extracted, const std::string& program_name, const std::string& data_name,
                           const std::string& summary);

}  // namespace cajal
