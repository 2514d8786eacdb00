// The `cajal` tool's shared pieces: the flags of one command (on CLI11), exit codes, reading
// files, and printing diagnostics, values and tensors. A command parses its flags, calls the
// library, prints; it decides nothing the library does not.
//
// Exit codes (a contract for every command): 0 success, 1 negative verdict, 2 invalid input
// (usage, parse, type or evaluation error), 3 inconclusive, 4 internal error.
#pragma once

#include <CLI/CLI.hpp>
#include <Eigen/Dense>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cajal/driver/driver.hpp"
#include "cajal/driver/junit.hpp"
#include "cajal/smt/verdict.hpp"
#include "cajal/testing/mutant.hpp"

namespace cajal::cli {

using json = nlohmann::json;

enum Exit : int { kSuccess = 0, kNegative = 1, kInvalidInput = 2, kInconclusive = 3, kInternal = 4 };

// A usage error: printed as `cajal: error: MESSAGE` with a pointer to --help, exit 2.
struct UsageError {
  std::string message;
};

// The flags and positional words of one command, declared on a CLI11 app. Valued flags keep
// every occurrence (one() refuses a second); switches take no value.
class Options {
 public:
  explicit Options(CLI::App& app) : app_(app) {}

  // The command's positional words (FILE, def names, ...), described for --help as `name` (not
  // shown when `help` is empty: the command takes none, and refuses any).
  void positionals(const std::string& name, const std::string& help);
  void valued(const std::string& flag, const std::string& value_name, const std::string& help);
  void flag(const std::string& flag, const std::string& help);

  bool has(const std::string& flag) const;
  std::vector<std::string> all(const std::string& flag) const;
  std::optional<std::string> one(const std::string& flag) const;  // throws UsageError when given twice
  const std::vector<std::string>& positional() const { return positional_; }

  // After CLI11 parsed: the words it did not take (unknown options) as a usage error that names
  // the closest valid option.
  void reject_extras() const;

 private:
  CLI::App& app_;
  std::vector<std::string> positional_;
  std::map<std::string, std::vector<std::string>> values_;
  std::map<std::string, bool> switches_;
};

// One command: its name, a synopsis line and summary for `cajal --help`, its flags, its body.
struct Command {
  const char* name;
  const char* synopsis;  // e.g. "run FILE [--arg TERM]... [--json]"
  const char* summary;
  void (*define)(Options&);
  int (*run)(const Options&);
};
// Every command, in the order `cajal --help` lists them (main.cpp).
const std::vector<Command>& commands();
// The command's own CLI11 app, with its flags declared on `options` (main.cpp).
std::unique_ptr<CLI::App> make_app(const Command& c, std::unique_ptr<Options>& options);
// `cajal completion bash` (hidden): the bash completion script, from commands() and their flags.
std::string bash_completion();

// ---- shared helpers (common.cpp) ---------------------------------------------------------------

// Flags that several commands share, declared once: FILE (or -e TERM) with, when `values`,
// --arg, --param and --max-steps (what run_setup reads); and the single flags below.
void define_program(Options& o, bool values);
void define_fixed_param(Options& o);  // prove, compile --certify: --param NAME=TERM fixes a param
void define_depth(Options& o);
void define_json(Options& o);
void define_mutant(Options& o);
void define_timeout(Options& o);
// --max-memory SIZE (commands that compile, run, prove or read networks): the memory budget
// (cajal/network/network.hpp). apply_max_memory sets it when the flag was given.
void define_max_memory(Options& o);
void apply_max_memory(const Options& args);
void define_seed(Options& o);
// --threads N (commands that run networks on batches: train, check --neural): the engine's
// threads for a batch (cajal::Plan); 0, the default, is one per core.
void define_threads(Options& o);
unsigned parse_threads(const Options& args);
// --inputs FILE (run --engine network, grad): a batch, one JSON object a line, {"args": [VALUE,
// ...]} as in train's --data ("output", when a line has one, is not used). read_batch_rows: the
// rows, each argument a source of its own named after its line ("FILE:3: argument 1").
void define_inputs(Options& o);
Result<std::vector<BatchRow>> read_batch_rows(const SourcePtr& file);
// --junit FILE, and the report written there when it is given (UsageError when it cannot be).
void define_junit(Options& o);
void write_junit(const Options& args, const junit::Suite& suite);

// A verdict as the exit code: proved / equivalent 0, refuted / not equivalent 1, unknown 3.
int exit_code(smt::Verdict v);

// A file's text (`-` for standard input; regular files only, at most kMaxFileBytes); UsageError
// when it cannot be read.
SourcePtr load_source(const std::string& path);
// Prints diagnostics clang-style on stderr (and as JSON on stdout with as_json); returns the exit
// code: 4 for an internal error, else 2.
int report(const std::vector<Diagnostic>& ds, bool as_json);
json diagnostics_json(const std::vector<Diagnostic>& ds);

std::string one_file(const Options& args, const char* command);
int parse_depth(const Options& args);
std::uint64_t parse_count(const Options& args, const std::string& flag, std::uint64_t fallback);
double parse_real(const Options& args, const std::string& flag, double fallback);
Mutant parse_mutant(const Options& args);

// The program and RunRequest of a run-like command (run, grad, compile, prove): FILE or -e TERM,
// --arg, --param, --max-steps.
struct RunSetup {
  SourcePtr source;
  bool inline_term = false;
  RunRequest request;
};
RunSetup run_setup(const Options& args, const char* command);
Result<LoadedProgram> load(const RunSetup& setup);
// The name a program is known by in generated files: its FILE, or "<command line>".
std::string setup_name(const Options& args);

json vector_json(const Eigen::VectorXd& v);
// A gradient or tensor of type t: a flat list for Bool and Nat, a list of rows for functions.
json shaped_json(const Eigen::VectorXd& v, const Type& t, int depth);
std::string shaped_text(const Eigen::VectorXd& v, const Type& t, int depth);
// "< 1 ms", "12 ms", "1.50 s".
std::string duration_text(double seconds);
// `text` to the file `path`, or to stdout without one.
void write_text(const std::optional<std::string>& path, const std::string& text);

}  // namespace cajal::cli
