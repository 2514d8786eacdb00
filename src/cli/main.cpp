// The `cajal` command: parses flags, calls the library, prints. It makes no decisions of its own.
//
// Exit codes (a contract for every subcommand): 0 success, 1 negative verdict, 2 invalid input
// (usage, parse, type or evaluation error), 3 inconclusive, 4 internal error.
#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cajal/check/check.hpp"
#include "cajal/compile/compile.hpp"
#include "cajal/learn/train.hpp"
#include "cajal/driver/driver.hpp"
#include "cajal/network/engine.hpp"
#include "cajal/network/torch.hpp"
#include "cajal/prove/certificate.hpp"
#include "cajal/prove/lemmas.hpp"
#include "cajal/prove/prove.hpp"
#include "cajal/parse/parse.hpp"
#include "cajal/syntax/print.hpp"
#include "cajal/testing/oracle.hpp"

namespace {

using namespace cajal;
using json = nlohmann::json;

enum Exit : int { kSuccess = 0, kNegative = 1, kInvalidInput = 2, kInconclusive = 3, kInternal = 4 };

constexpr const char* kUsage = R"(usage: cajal <command> [options]

commands:
  run FILE [--arg TERM]... [--param NAME=TERM]... [--def NAME] [--json] [--max-steps N]
  run -e TERM [--arg TERM]... [--json]
                 evaluate `main` applied to the arguments and print the value
  type FILE [--json] [--derivation]
                 print the type of every def and param (and how each was derived)
  fmt FILE       print the program in canonical layout
  compile FILE [--depth D] [--json] [--show] [--emit json|torch [--out F]] [--param NAME=TERM]... [--certify DIR]
                 compile main to neurons: --json prints main's materialized tensor,
                 --show the network, --emit json the serialized network,
                 --emit torch a PyTorch module (imports only torch)
  run FILE --engine network [--depth D] ...
                 evaluate main with the compiled network instead of the interpreter
  grad FILE [--arg TERM]... [--param NAME=TERM]... [--depth D] [--json]
                 gradients of the summed output w.r.t. every input and param
  prove FILE [--depth D] [--timeout S] [--seed N] [--smt-dump DIR] [--json] [--mutant NAME]
                 ask Z3 whether some input makes the compiled network differ from the program
  verify DIR     re-check a certificate written by `compile --certify DIR`
  train FILE --data EXAMPLES.jsonl [--epochs N] [--lr X] [--seed S] [--depth D] [--out F] [--extract]
                 fit the params to input/output examples (Adam); --extract writes each learned
                 function as the nearest table, a program `check` and `prove` can verify
  check A B [--depth D] [--neural] [--timeout S] [--method auto|exhaustive|symbolic] [--json]
  check FILE --defs F G [...]
                 decide whether two programs' mains (or two defs) mean the same for every
                 input up to depth D; a counterexample is printed in source syntax
  lemmas [--out DIR] [--check DIR] [--depth D]
                 write the compiler's rule lemmas as SMT-LIB2 files, or re-check them with Z3
  fuzz [--count N] [--seed S] [--depth D] [--max-size K] [--save-failures DIR] [--mutant NAME]
                 cross-check the network against the interpreter on random programs

FILE may be `-` for standard input. Exit codes: 0 success, 1 negative verdict,
2 invalid input, 3 inconclusive, 4 internal error.
)";

struct UsageError {
  std::string message;
};

// Command-line words after the subcommand: flags (with their values) and positionals.
struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // flag, value ("" for switches)

  bool has(const std::string& flag) const {
    for (const auto& [f, v] : options)
      if (f == flag) return true;
    return false;
  }
  std::vector<std::string> all(const std::string& flag) const {
    std::vector<std::string> out;
    for (const auto& [f, v] : options)
      if (f == flag) out.push_back(v);
    return out;
  }
  std::optional<std::string> one(const std::string& flag) const {
    auto values = all(flag);
    if (values.size() > 1) throw UsageError{flag + " is given more than once"};
    if (values.empty()) return std::nullopt;
    return values.front();
  }
};

// `switches` take no value; `valued` take the next word (or `--flag=value`).
Args parse_args(int argc, char** argv, int first, const std::vector<std::string>& switches,
                const std::vector<std::string>& valued) {
  Args args;
  auto contains = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  for (int i = first; i < argc; ++i) {
    std::string word = argv[i];
    if (word.size() > 1 && word[0] == '-' && word != "-") {
      std::string flag = word, value;
      bool inline_value = false;
      if (auto eq = word.find('='); eq != std::string::npos && word.rfind("--", 0) == 0) {
        flag = word.substr(0, eq);
        value = word.substr(eq + 1);
        inline_value = true;
      }
      if (contains(switches, flag) && !inline_value) {
        args.options.emplace_back(flag, "");
      } else if (contains(valued, flag)) {
        if (!inline_value) {
          if (i + 1 >= argc) throw UsageError{flag + " needs a value"};
          value = argv[++i];
        }
        args.options.emplace_back(flag, value);
      } else {
        throw UsageError{"unknown option " + word};
      }
    } else {
      args.positional.push_back(word);
    }
  }
  return args;
}

std::optional<std::string> read_file(const std::string& path, std::string& error) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = "cannot read " + path + ": it is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    error = "cannot read " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  return text;
}

json diagnostics_json(const std::vector<Diagnostic>& ds) {
  json out = json::array();
  for (const Diagnostic& d : ds) {
    json j{{"message", d.message}};
    if (d.span.known()) {
      LineCol lc = d.span.source->locate(d.span.begin);
      j["file"] = d.span.source->name();
      j["line"] = lc.line;
      j["column"] = lc.column;
    }
    out.push_back(std::move(j));
  }
  return out;
}

// Prints diagnostics clang-style on stderr (and as JSON on stdout with --json); returns the exit code.
int report(const std::vector<Diagnostic>& ds, bool as_json) {
  std::cerr << render(ds);
  if (as_json) std::cout << json{{"errors", diagnostics_json(ds)}}.dump() << "\n";
  for (const Diagnostic& d : ds)
    if (d.internal) return kInternal;
  return kInvalidInput;
}

SourcePtr load_source(const std::string& path) {
  std::string error;
  std::optional<std::string> text = read_file(path, error);
  if (!text) throw UsageError{error};
  return std::make_shared<const Source>(path == "-" ? "<stdin>" : path, std::move(*text));
}

std::string one_file(const Args& args, const char* command) {
  if (args.positional.size() != 1)
    throw UsageError{std::string("`cajal ") + command + "` takes exactly one FILE (got " +
                     std::to_string(args.positional.size()) + ")"};
  return args.positional.front();
}

int parse_depth(const Args& args) {
  auto d = args.one("--depth");
  if (!d) return 9;
  try {
    std::size_t used = 0;
    long v = std::stol(*d, &used);
    if (used != d->size() || v < 0 || v > kMaxDepth) throw std::invalid_argument("");
    return static_cast<int>(v);
  } catch (const std::exception&) {
    throw UsageError{"--depth takes a whole number from 0 to " + std::to_string(kMaxDepth) + ", got `" + *d + "`"};
  }
}

// The program and RunRequest of a run-like command (run, grad, compile).
struct RunSetup {
  SourcePtr source;
  bool inline_term = false;
  RunRequest request;
};

RunSetup run_setup(const Args& args, const char* command) {
  RunSetup setup;
  std::optional<std::string> inline_term = args.one("-e");
  if (inline_term) {
    if (!args.positional.empty()) throw UsageError{"give either FILE or -e TERM, not both"};
    setup.source = std::make_shared<const Source>("<command line>", *inline_term);
    setup.inline_term = true;
  } else {
    setup.source = load_source(one_file(args, command));
  }
  RunRequest& request = setup.request;
  for (std::size_t i = 0; const std::string& a : args.all("--arg"))
    request.args.push_back(std::make_shared<const Source>("<arg " + std::to_string(++i) + ">", a));
  for (const std::string& p : args.all("--param")) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError{"--param takes NAME=TERM, got `" + p + "`"};
    std::string name = p.substr(0, eq);
    request.params.emplace_back(name, std::make_shared<const Source>("<param " + name + ">", p.substr(eq + 1)));
  }
  if (auto steps = args.one("--max-steps")) {
    try {
      std::size_t used = 0;
      request.eval.max_steps = std::stoull(*steps, &used);
      if (used != steps->size() || steps->front() == '-') throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw UsageError{"--max-steps takes a positive whole number, got `" + *steps + "`"};
    }
  }
  return setup;
}

json vector_json(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

// A gradient or tensor of type t: a flat list for Bool and Nat, a list of rows for functions.
json shaped_json(const Eigen::VectorXd& v, const Type& t, int depth) {
  if (!t.is_arrow()) return vector_json(v);
  Eigen::Index cols = static_cast<Eigen::Index>(dimension(*t.from, depth));
  json rows = json::array();
  for (Eigen::Index r = 0; r * cols < v.size(); ++r) rows.push_back(vector_json(v.segment(r * cols, cols)));
  return rows;
}

std::string format_number(double x) {
  std::ostringstream ss;
  ss << x;
  return ss.str();
}

std::string shaped_text(const Eigen::VectorXd& v, const Type& t, int depth) {
  auto row = [](const Eigen::VectorXd& r) {
    std::string s = "[";
    for (Eigen::Index k = 0; k < r.size(); ++k) s += (k ? " " : "") + format_number(r(k));
    return s + "]";
  };
  if (!t.is_arrow()) return row(v);
  Eigen::Index cols = static_cast<Eigen::Index>(dimension(*t.from, depth));
  std::string s;
  for (Eigen::Index r = 0; r * cols < v.size(); ++r) s += (r ? "\n  " : "[") + row(v.segment(r * cols, cols));
  return s + "]";
}

int cmd_run(int argc, char** argv) {
  Args args = parse_args(argc, argv, 2, {"--json"},
                         {"--arg", "--param", "-e", "--max-steps", "--engine", "--depth", "--mutant", "--def"});
  bool as_json = args.has("--json");
  std::string engine = args.one("--engine").value_or("interpreter");
  if (engine != "interpreter" && engine != "network")
    throw UsageError{"--engine is `interpreter` or `network`, got `" + engine + "`"};
  if (engine == "interpreter" && (args.has("--depth") || args.has("--mutant")))
    throw UsageError{std::string(args.has("--depth") ? "--depth" : "--mutant") + " goes with --engine network"};
  int depth = parse_depth(args);
  RunSetup setup = run_setup(args, "run");
  setup.request.depth = depth;
  if (auto def = args.one("--def")) setup.request.entry = *def;
  if (auto m = args.one("--mutant")) {
    std::optional<Mutant> mutant = mutant_from_name(*m);
    if (!mutant) throw UsageError{"unknown mutant `" + *m + "`"};
    setup.request.mutant = *mutant;
  }
  Result<LoadedProgram> loaded = setup.inline_term ? load_inline(setup.source) : load_program(setup.source);
  if (!loaded) return report(loaded.diagnostics, as_json);
  if (engine == "network") {
    Result<NetworkRunResult> r = run_main_on_network(*loaded, setup.request);
    if (!r) return report(r.diagnostics, as_json);
    Eigen::VectorXd out = r->run.output.col(0);
    std::string value = r->value ? *r->value : shaped_text(out, *r->type, depth);
    if (as_json)
      std::cout << json{{"type", print_type(r->type)}, {"value", value}, {"depth", depth},
                        {"vector", vector_json(out)}}.dump()
                << "\n";
    else
      std::cout << value << "\n";
    return kSuccess;
  }
  RunRequest& request = setup.request;
  Result<RunResult> result = run_main(*loaded, request);
  if (!result) return report(result.diagnostics, as_json);
  std::string value = result->text;
  if (as_json)
    std::cout << json{{"type", print_type(result->type)}, {"value", value}}.dump() << "\n";
  else
    std::cout << value << "\n";
  return kSuccess;
}

int cmd_type(int argc, char** argv) {
  Args args = parse_args(argc, argv, 2, {"--json", "--derivation"}, {});
  bool as_json = args.has("--json");
  bool derivation = args.has("--derivation");
  SourcePtr source = load_source(one_file(args, "type"));
  Result<LoadedProgram> loaded = load_program(source, CheckOptions{derivation});
  if (!loaded) return report(loaded.diagnostics, as_json);
  const Program& p = loaded->program;
  const Globals& globals = loaded->checked.globals;
  if (as_json) {
    json decls = json::array();
    for (const Decl& d : p.decls) {
      const std::string& name = decl_name(d);
      json j{{"name", name},
             {"kind", std::holds_alternative<Def>(d) ? "def" : "param"},
             {"type", print_type(globals.find(name)->type)}};
      if (derivation && std::holds_alternative<Def>(d))
        j["derivation"] = render_derivation(loaded->checked.derivations.at(name));
      decls.push_back(std::move(j));
    }
    json out{{"decls", decls}};
    if (const Global* main = globals.find("main")) out["type"] = print_type(main->type);
    std::cout << out.dump() << "\n";
    return kSuccess;
  }
  for (const Decl& d : p.decls) {
    const std::string& name = decl_name(d);
    bool is_def = std::holds_alternative<Def>(d);
    std::cout << (is_def ? "def " : "param ") << name << " : " << print_type(globals.find(name)->type) << "\n";
    if (derivation && is_def) std::cout << render_derivation(loaded->checked.derivations.at(name)) << "\n";
  }
  return kSuccess;
}

int cmd_fmt(int argc, char** argv) {
  Args args = parse_args(argc, argv, 2, {}, {});
  SourcePtr source = load_source(one_file(args, "fmt"));
  Result<Program> parsed = parse_program(source);
  if (!parsed) return report(parsed.diagnostics, false);
  std::cout << format_program(*parsed);
  return kSuccess;
}

// The name a program is known by in generated files: its FILE, or "<command line>".
std::string setup_name(const Args& args) {
  return args.one("-e") ? std::string("<command line>") : args.positional.empty() ? std::string("-") : args.positional[0];
}

int cmd_compile(int argc, char** argv) {
  Args args = parse_args(argc, argv, 2, {"--json", "--show"}, {"--depth", "--emit", "--out", "--param", "-e", "--certify"});
  bool as_json = args.has("--json");
  int depth = parse_depth(args);
  std::optional<std::string> emit = args.one("--emit");
  if (emit && *emit != "json" && *emit != "torch") throw UsageError{"--emit takes `json` or `torch`, got `" + *emit + "`"};
  std::optional<std::string> out_file = args.one("--out");
  if (out_file && !emit) throw UsageError{"--out goes with --emit"};
  RunSetup setup = run_setup(args, "compile");
  setup.request.depth = depth;
  Result<LoadedProgram> loaded = setup.inline_term ? load_inline(setup.source) : load_program(setup.source);
  if (!loaded) return report(loaded.diagnostics, as_json);

  if (auto dir = args.one("--certify")) {  // the network with its proof obligation, checked by Z3
    ProveOptions prove;
    prove.depth = depth;
    Result<ProveResult> r = write_certificate(*loaded, setup.source->text(), prove, *dir);
    if (!r) return report(r.diagnostics, as_json);
    std::cout << "certificate in " << *dir << ": " << verdict_name(r->verdict) << " at depth " << depth;
    if (r->verdict == ProveResult::Verdict::Unknown) std::cout << " (" << r->reason << ")";
    std::cout << "\n";
    for (const std::string& w : r->warnings) std::cerr << "cajal: warning: " << w << "\n";
    return r->verdict == ProveResult::Verdict::Proved ? kSuccess
           : r->verdict == ProveResult::Verdict::Refuted ? kNegative
                                                          : kInconclusive;
  }
  CompileOptions options;
  options.depth = depth;
  Result<Network> net = compile_program(*loaded, options);
  if (!net) return report(net.diagnostics, as_json);
  if (emit) {
    std::string text = *emit == "torch" ? to_torch(*net, setup_name(args)) : to_json(*net) + "\n";
    if (!out_file) {
      std::cout << text;
    } else {
      std::ofstream out(*out_file, std::ios::binary);
      if (!(out << text)) throw UsageError{"cannot write " + *out_file + ": " + std::strerror(errno)};
    }
  }
  if (args.has("--show")) std::cout << show(*net);
  if (as_json || (!emit && !args.has("--show"))) {
    Result<Materialized> r = materialize_main(*loaded, setup.request);
    if (!r) return report(r.diagnostics, as_json);
    const Type& type = *r->type;
    const Eigen::VectorXd& tensor = r->tensor;
    if (r->mass_lost > 1e-9)
      std::cerr << "cajal: warning: the tensor lost mass past the depth D = " << depth
                << ": for some arguments main's result needs naturals above " << depth << "\n";
    json shape = type.is_arrow() ? json::array({dimension(*type.to, depth), dimension(*type.from, depth)})
                                 : json::array({dimension(type, depth)});
    if (as_json) {
      std::cout << json{{"type", print_type(type)}, {"depth", depth}, {"shape", shape}, {"tensor", vector_json(tensor)}}.dump()
                << "\n";
    } else {
      std::cout << "main : " << print_type(type) << " at depth " << depth << ": " << r->neurons
                << " neurons; tensor " << shape.dump() << "\n"
                << shaped_text(tensor, type, depth) << "\n";
    }
  }
  return kSuccess;
}

int cmd_grad(int argc, char** argv) {
  Args args = parse_args(argc, argv, 2, {"--json"}, {"--arg", "--param", "-e", "--depth", "--max-steps"});
  bool as_json = args.has("--json");
  int depth = parse_depth(args);
  RunSetup setup = run_setup(args, "grad");
  setup.request.depth = depth;
  Result<LoadedProgram> loaded = setup.inline_term ? load_inline(setup.source) : load_program(setup.source);
  if (!loaded) return report(loaded.diagnostics, as_json);
  auto r = grad_main(*loaded, setup.request);
  if (!r) return report(r.diagnostics, as_json);
  const NetworkRunResult& run = r->first;
  const NetworkGradients& g = r->second;
  if (as_json) {
    json inputs = json::object(), params = json::object();
    for (std::size_t k = 0; k < run.network.inputs.size(); ++k)
      inputs[run.network.inputs[k].name] = shaped_json(g.inputs[k].col(0), *run.network.inputs[k].type, depth);
    for (const NetworkInput& p : run.network.params)
      if (g.params.count(p.name)) params[p.name] = shaped_json(g.params.at(p.name), *p.type, depth);
    std::cout << json{{"output", vector_json(run.run.output.col(0))}, {"depth", depth}, {"inputs", inputs}, {"params", params}}.dump()
              << "\n";
    return kSuccess;
  }
  std::cout << "output = " << shaped_text(run.run.output.col(0), *run.type, depth) << "\n";
  for (std::size_t k = 0; k < run.network.inputs.size(); ++k)
    std::cout << "d/d " << run.network.inputs[k].name << " = "
              << shaped_text(g.inputs[k].col(0), *run.network.inputs[k].type, depth) << "\n";
  for (const NetworkInput& p : run.network.params)
    if (g.params.count(p.name))
      std::cout << "d/d " << p.name << " = " << shaped_text(g.params.at(p.name), *p.type, depth) << "\n";
  return kSuccess;
}

std::uint64_t parse_count(const Args& args, const std::string& flag, std::uint64_t fallback) {
  auto v = args.one(flag);
  if (!v) return fallback;
  try {
    std::size_t used = 0;
    std::uint64_t n = std::stoull(*v, &used);
    if (used != v->size() || v->front() == '-') throw std::invalid_argument("");
    return n;
  } catch (const std::exception&) {
    throw UsageError{flag + " takes a whole number, got `" + *v + "`"};
  }
}

int cmd_fuzz(int argc, char** argv) {
  Args args = parse_args(argc, argv, 2, {}, {"--count", "--seed", "--depth", "--max-size", "--save-failures", "--mutant"});
  if (!args.positional.empty()) throw UsageError{"`cajal fuzz` takes no FILE"};
  testing::FuzzOptions options;
  options.count = parse_count(args, "--count", 10000);
  options.seed = args.one("--seed") ? parse_count(args, "--seed", 0) : std::random_device{}();
  options.max_depth = parse_depth(args);
  if (options.max_depth < 1) throw UsageError{"--depth must be at least 1 for fuzzing"};
  options.max_size = static_cast<int>(std::min<std::uint64_t>(parse_count(args, "--max-size", 50), 1000));
  if (auto m = args.one("--mutant")) {
    std::optional<Mutant> mutant = mutant_from_name(*m);
    if (!mutant) throw UsageError{"unknown mutant `" + *m + "` (swap-if, succ-backwards, iter-extra-step, transposed-matrix)"};
    options.mutant = *mutant;
  }
  std::optional<std::string> save = args.one("--save-failures");
  if (save) {
    std::error_code ec;
    std::filesystem::create_directories(*save, ec);
    if (ec) throw UsageError{"cannot create " + *save + ": " + ec.message()};
  }
  std::string depths;
  for (int d : testing::fuzz_depths(options.max_depth)) depths += (depths.empty() ? "" : ", ") + std::to_string(d);
  std::cout << "cajal fuzz: seed " << options.seed << " (rerun with --seed " << options.seed << "), " << options.count
            << " programs, sizes 0.." << options.max_size << ", depths " << depths
            << (options.mutant != Mutant::None ? std::string(", mutant ") + mutant_name(options.mutant) : "") << "\n"
            << std::flush;
  int saved = 0;
  testing::FuzzReport report = testing::fuzz(options, [&](const testing::FuzzFailure& f) {
    std::cout << "FAILED program " << f.index << " (shrunk in " << f.shrink_steps << " steps): " << f.verdict.failure << "\n";
    int depth = f.verdict.failing_depth >= 0 ? f.verdict.failing_depth : options.max_depth;
    std::string name = "failure-" + std::to_string(options.seed) + "-" + std::to_string(f.index) + ".cj";
    std::string text = testing::reproduction(f.shrunk, depth, name, options.mutant);
    if (save) {
      std::filesystem::path path = std::filesystem::path(*save) / name;
      std::ofstream out(path, std::ios::binary);
      if (out << text) {
        std::cout << "  saved " << path.string() << "\n";
        ++saved;
      } else {
        std::cerr << "cajal: error: cannot write " << path.string() << "\n";
      }
    } else {
      std::cout << text;
    }
    std::cout << std::flush;
  });
  std::ostringstream rate;
  rate.setf(std::ios::fixed);
  rate.precision(report.seconds < 10 ? 3 : 1);
  rate << report.checked << " programs in " << report.seconds << " s ("
       << (report.seconds > 0 ? static_cast<double>(report.checked) / report.seconds : 0.0) << " programs/s)";
  std::cout << report.compared << " compared with the interpreter, " << report.overflows
            << " with an overflow reported, " << report.skipped << " skipped (interpreter resource limit), "
            << report.too_large << " with a network too large to run at some depth; "
            << report.failures.size() << " failure" << (report.failures.size() == 1 ? "" : "s") << "\n";
  std::cout << "slowest: program " << report.slowest_index << " (" << report.slowest_seconds << " s)\n";
  std::cout << "checked " << rate.str() << "\n";
  return report.failures.empty() ? kSuccess : kNegative;
}

int cmd_prove(int argc, char** argv) {
  Args args = parse_args(argc, argv, 2, {"--json"}, {"--depth", "--timeout", "--seed", "--smt-dump", "--mutant", "-e"});
  bool as_json = args.has("--json");
  ProveOptions options;
  options.depth = parse_depth(args);
  if (options.depth > 64) throw UsageError{"`cajal prove` handles depths up to 64"};
  options.timeout_seconds = static_cast<double>(std::max<std::uint64_t>(parse_count(args, "--timeout", 60), 1));
  options.seed = static_cast<unsigned>(parse_count(args, "--seed", 0));
  options.smt_dump_dir = args.one("--smt-dump");
  if (auto m = args.one("--mutant")) {
    std::optional<Mutant> mutant = mutant_from_name(*m);
    if (!mutant) throw UsageError{"unknown mutant `" + *m + "`"};
    options.mutant = *mutant;
  }
  RunSetup setup = run_setup(args, "prove");
  Result<LoadedProgram> loaded = setup.inline_term ? load_inline(setup.source) : load_program(setup.source);
  if (!loaded) return report(loaded.diagnostics, as_json);
  Result<ProveResult> r = prove_program(*loaded, options);
  if (!r) return report(r.diagnostics, as_json);
  const char* verdict = verdict_name(r->verdict);
  if (as_json) {
    json j{{"verdict", verdict}, {"depth", r->depth}, {"seconds", r->seconds}, {"warnings", r->warnings}};
    if (r->verdict == ProveResult::Verdict::Unknown) j["reason"] = r->reason;
    if (r->verdict == ProveResult::Verdict::Refuted) {
      json inputs = json::object();
      for (const auto& [name, value] : r->inputs) inputs[name] = value;
      j["counterexample"] = {{"inputs", inputs},
                             {"interpreter", r->interpreter_value},
                             {"network", r->network_value},
                             {"first_disagreement", r->first_disagreement}};
    }
    std::cout << j.dump() << "\n";
  } else {
    std::cout << verdict << " at depth " << r->depth << " (" << r->seconds << " s)";
    if (r->verdict == ProveResult::Verdict::Unknown) std::cout << ": " << r->reason;
    std::cout << "\n";
    if (r->verdict == ProveResult::Verdict::Refuted) {
      std::cout << "counterexample:\n";
      for (const auto& [name, value] : r->inputs) std::cout << "  " << name << " = " << value << "\n";
      std::cout << "  the program's value: " << r->interpreter_value << "\n"
                << "  the network's output: " << r->network_value << "\n";
      if (!r->first_disagreement.empty()) std::cout << "  first disagreeing subterm: " << r->first_disagreement << "\n";
    }
    for (const std::string& w : r->warnings) std::cerr << "cajal: warning: " << w << "\n";
  }
  switch (r->verdict) {
    case ProveResult::Verdict::Proved: return kSuccess;
    case ProveResult::Verdict::Refuted: return kNegative;
    case ProveResult::Verdict::Unknown: return kInconclusive;
  }
  return kInternal;
}

std::string duration_text(double seconds) {
  std::ostringstream ss;
  if (seconds < 0.001) ss << "< 1 ms";
  else if (seconds < 1) ss << static_cast<int>(seconds * 1000) << " ms";
  else ss << std::fixed << std::setprecision(2) << seconds << " s";
  return ss.str();
}

// A word for a POSIX shell: single-quoted unless it is plainly safe.
std::string shell_word(const std::string& w) {
  bool plain = !w.empty() && std::all_of(w.begin(), w.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == '=';
  });
  if (plain) return w;
  std::string out = "'";
  for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

int cmd_check(int argc, char** argv) {
  Args args = parse_args(argc, argv, 2, {"--json", "--neural", "--defs"}, {"--depth", "--timeout", "--method"});
  bool as_json = args.has("--json");
  EquivalenceOptions options;
  options.depth = parse_depth(args);
  options.neural = args.has("--neural");
  options.timeout_seconds = static_cast<double>(std::max<std::uint64_t>(parse_count(args, "--timeout", 60), 1));
  if (auto m = args.one("--method")) {
    if (*m == "auto") options.method = EquivalenceOptions::Method::Auto;
    else if (*m == "exhaustive") options.method = EquivalenceOptions::Method::Exhaustive;
    else if (*m == "symbolic") options.method = EquivalenceOptions::Method::Symbolic;
    else throw UsageError{"--method is auto, exhaustive or symbolic, got `" + *m + "`"};
    if (options.neural) throw UsageError{"--method chooses how observational equivalence is decided; not with --neural"};
  }
  // Two files (their mains), or one file and two of its defs.
  std::vector<std::string> files;
  std::string left_def = "main", right_def = "main";
  if (args.has("--defs")) {
    if (args.positional.size() != 3) throw UsageError{"`cajal check FILE --defs F G` takes one FILE and two def names"};
    files = {args.positional[0]};
    left_def = args.positional[1];
    right_def = args.positional[2];
  } else {
    if (args.positional.size() != 2) throw UsageError{"`cajal check` takes two FILEs (or FILE --defs F G)"};
    files = args.positional;
  }
  std::vector<SourcePtr> sources;
  std::vector<LoadedProgram> programs;
  for (const std::string& f : files) {
    sources.push_back(load_source(f));
    Result<LoadedProgram> loaded = load_program(sources.back());
    if (!loaded) return report(loaded.diagnostics, as_json);
    programs.push_back(std::move(*loaded));
  }
  CheckSide left{&programs.front(), left_def, files.front()};
  CheckSide right{&programs.back(), right_def, files.back()};
  Result<EquivalenceResult> r = check_equivalence(left, right, options);
  if (!r) return report(r.diagnostics, as_json);

  const char* verdict = verdict_name(r->verdict);
  const bool refuted = r->verdict == EquivalenceResult::Verdict::NotEquivalent;
  if (as_json) {
    // Insertion-ordered: inputs appear in argument order (args lists them too, for `cajal run`).
    using ojson = nlohmann::ordered_json;
    ojson j{{"verdict", verdict},
            {"depth", r->depth},
            {"notion", options.neural ? "neural" : "observational"},
            {"type", print_type(r->type)},
            {"method", r->method}};
    if (r->verdict == EquivalenceResult::Verdict::Unknown) j["reason"] = r->reason;
    if (refuted && r->counterexample) {
      ojson inputs = ojson::object(), params = ojson::object(), positional = ojson::array();
      for (const auto& in : r->counterexample->inputs) {
        (in.is_param ? params : inputs)[in.name] = in.value;
        if (!in.is_param) positional.push_back(in.value);
      }
      j["counterexample"] = {{"inputs", inputs}, {"args", positional}};
      if (!params.empty()) j["counterexample"]["params"] = params;
      j["counterexample"]["left"] = r->counterexample->left;
      j["counterexample"]["right"] = r->counterexample->right;
      j["counterexamples"] = {{"count", r->counterexamples}, {"exact", r->counted_all}};
    }
    j["warnings"] = r->warnings;
    j["seconds"] = r->seconds;
    std::cout << j.dump() << "\n";
  } else {
    std::cout << verdict << " at depth " << r->depth << " (" << (options.neural ? "neural" : "observational")
              << "; " << (r->method.empty() ? "" : r->method + "; ") << duration_text(r->seconds) << ")";
    if (r->verdict == EquivalenceResult::Verdict::Unknown) std::cout << ": " << r->reason;
    std::cout << "\n";
    if (refuted && r->counterexample) {
      const auto& ce = *r->counterexample;
      std::string which = r->counterexamples == 1 && r->counted_all ? "the only one"
                          : "the least of " + std::string(r->counted_all ? "" : "at least ") +
                                std::to_string(r->counterexamples);
      std::cout << "counterexample (" << which << "):\n";
      for (const auto& in : ce.inputs) std::cout << "  " << (in.is_param ? "param " : "") << in.name << " = " << in.value << "\n";
      std::cout << "  left  (" << left.def << " in " << left.label << "): " << ce.left << "\n"
                << "  right (" << right.def << " in " << right.label << "): " << ce.right << "\n";
      for (const CheckSide* side : {&left, &right}) {
        std::string cmd = "cajal run";
        if (options.neural) cmd += " --engine network --depth " + std::to_string(r->depth);
        cmd += " " + shell_word(side->label);
        if (side->def != "main") cmd += " --def " + shell_word(side->def);
        for (const auto& in : ce.inputs) {
          if (!in.is_param) cmd += " --arg " + shell_word(in.value);
          else if (side->program->program.find_param(in.name)) cmd += " --param " + shell_word(in.name + "=" + in.value);
        }
        std::cout << (side == &left ? "reproduce: " : "           ") << cmd << "\n";
      }
    }
    for (const std::string& w : r->warnings) std::cerr << "cajal: warning: " << w << "\n";
  }
  switch (r->verdict) {
    case EquivalenceResult::Verdict::Equivalent: return kSuccess;
    case EquivalenceResult::Verdict::NotEquivalent: return kNegative;
    case EquivalenceResult::Verdict::Unknown: return kInconclusive;
  }
  return kInternal;
}

double parse_real(const Args& args, const std::string& flag, double fallback) {
  auto v = args.one(flag);
  if (!v) return fallback;
  try {
    std::size_t used = 0;
    double x = std::stod(*v, &used);
    if (used != v->size() || !std::isfinite(x) || x <= 0) throw std::invalid_argument("");
    return x;
  } catch (const std::exception&) {
    throw UsageError{flag + " takes a positive number, got `" + *v + "`"};
  }
}

void write_text(const std::optional<std::string>& path, const std::string& text) {
  if (!path) {
    std::cout << text;
    return;
  }
  std::ofstream out(*path, std::ios::binary);
  if (!(out << text)) throw UsageError{"cannot write " + *path + ": " + std::strerror(errno)};
}

int cmd_train(int argc, char** argv) {
  Args args = parse_args(argc, argv, 2, {"--extract", "--quiet"},
                         {"--data", "--epochs", "--lr", "--seed", "--depth", "--out"});
  const std::string file = one_file(args, "train");
  std::optional<std::string> data = args.one("--data");
  if (!data) throw UsageError{"`cajal train` needs --data EXAMPLES.jsonl"};
  TrainOptions options;
  options.depth = parse_depth(args);
  options.epochs = static_cast<int>(std::min<std::uint64_t>(parse_count(args, "--epochs", 200), 10'000'000));
  options.learning_rate = parse_real(args, "--lr", 0.05);
  options.seed = static_cast<unsigned>(parse_count(args, "--seed", 0));
  const bool quiet = args.has("--quiet");
  options.progress = [&](int epoch, double loss) {
    if (!quiet) std::cerr << "epoch " << epoch << "/" << options.epochs << "  loss " << loss << "\n";
  };
  SourcePtr source = load_source(file);
  Result<LoadedProgram> loaded = load_program(source);
  if (!loaded) return report(loaded.diagnostics, false);
  SourcePtr examples_source = load_source(*data);
  Result<std::vector<TrainingExample>> examples = read_examples(examples_source);
  if (!examples) return report(examples.diagnostics, false);
  Result<TrainResult> r = train(*loaded, *examples, options);
  if (!r) return report(r.diagnostics, false);

  std::ostringstream summary;
  summary << "trained " << r->params.size() << " param" << (r->params.size() == 1 ? "" : "s") << " on "
          << examples->size() << " example" << (examples->size() == 1 ? "" : "s") << " for " << options.epochs
          << " epochs at depth " << options.depth << ": loss " << r->losses.front() << " -> " << r->final_loss;
  std::cerr << "cajal: " << summary.str() << "\n";
  if (args.has("--extract")) {
    Result<Program> extracted = extract(*loaded, r->params, options.depth);
    if (!extracted) return report(extracted.diagnostics, false);
    write_text(args.one("--out"), "-- Extracted by `cajal train --extract` from " + file + " and " + *data + " (" +
                                      summary.str() + "):\n-- each learned param is the nearest function, as a table.\n" +
                                      format_program(*extracted));
    return kSuccess;
  }
  std::string header = "-- Learned by `cajal train` from " + *data + " (" + summary.str() +
                       "). For the network:\n--   cajal run --engine network --depth " + std::to_string(options.depth) + " FILE";
  for (const auto& [name, w] : r->params) header += " --param " + shell_word(name + "=" + param_vector_text(w));
  write_text(args.one("--out"), header + "\n" + source->text());
  return kSuccess;
}

int cmd_verify(int argc, char** argv) {
  Args args = parse_args(argc, argv, 2, {}, {"--timeout"});
  if (args.positional.size() != 1) throw UsageError{"`cajal verify` takes exactly one certificate DIR"};
  std::error_code ec;
  if (!std::filesystem::is_directory(args.positional[0], ec)) throw UsageError{args.positional[0] + " is not a directory"};
  double timeout = static_cast<double>(std::max<std::uint64_t>(parse_count(args, "--timeout", 60), 1));
  Result<CertifiedNetwork> r = verify_certificate(args.positional[0], timeout);
  if (!r) {
    std::cerr << "cajal: certificate rejected: " << r.diagnostics.front().message << "\n";
    return kNegative;
  }
  std::cout << "verified: the network in " << args.positional[0] << " computes its source's main for every input"
            << " within depth " << r->depth() << "\n";
  return kSuccess;
}

int cmd_lemmas(int argc, char** argv) {
  Args args = parse_args(argc, argv, 2, {}, {"--out", "--check", "--depth", "--max-dim"});
  if (!args.positional.empty()) throw UsageError{"`cajal lemmas` takes no FILE"};
  std::optional<std::string> out = args.one("--out"), check = args.one("--check");
  if (!out && !check) throw UsageError{"give --out DIR (write the lemmas) or --check DIR (re-check them)"};
  LemmaBounds bounds;
  if (args.has("--depth")) bounds.max_depth = std::min(parse_depth(args), 64);
  if (args.has("--max-dim")) bounds.max_dim = static_cast<int>(std::clamp<std::uint64_t>(parse_count(args, "--max-dim", 4), 1, 8));
  if (out) {
    std::error_code ec;
    std::filesystem::create_directories(*out, ec);
    if (ec) throw UsageError{"cannot create " + *out + ": " + ec.message()};
    for (const Lemma& lemma : rule_lemmas(bounds)) {
      std::filesystem::path path = std::filesystem::path(*out) / lemma_file_name(lemma);
      std::ofstream file(path, std::ios::binary);
      if (!(file << lemma.smtlib)) throw UsageError{"cannot write " + path.string()};
      std::cout << "wrote " << path.string() << " (" << lemma.queries << " queries)\n";
    }
  }
  if (!check) return kSuccess;
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(*check, ec))
    if (entry.path().extension() == ".smt2") files.push_back(entry.path());
  if (ec || files.empty()) throw UsageError{"no .smt2 files in " + *check};
  std::sort(files.begin(), files.end());
  int verdict = kSuccess;
  for (const auto& path : files) {
    std::string error;
    std::optional<std::string> text = read_file(path.string(), error);
    if (!text) throw UsageError{error};
    auto start = std::chrono::steady_clock::now();
    Result<std::vector<std::string>> answers = run_smtlib(*text);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!answers) return report(answers.diagnostics, false);
    std::size_t unsat = std::count(answers->begin(), answers->end(), "unsat");
    std::size_t sat = std::count(answers->begin(), answers->end(), "sat");
    const char* status = sat > 0 ? "REFUTED" : unsat == answers->size() ? "proved" : "unknown";
    if (sat > 0) verdict = kNegative;
    else if (unsat != answers->size() && verdict == kSuccess) verdict = kInconclusive;
    std::cout << path.filename().string() << ": " << status << " (" << unsat << " of " << answers->size()
              << " queries unsat, " << seconds << " s)\n";
  }
  return verdict;
}

int dispatch(int argc, char** argv) {
  try {
    if (argc < 2) {
      std::cerr << kUsage;
      return kInvalidInput;
    }
    std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << kUsage;
      return kSuccess;
    }
    if (command == "--version") {
      std::cout << "cajal 0.1.0\n";
      return kSuccess;
    }
    if (command == "run") return cmd_run(argc, argv);
    if (command == "type") return cmd_type(argc, argv);
    if (command == "fmt") return cmd_fmt(argc, argv);
    if (command == "compile") return cmd_compile(argc, argv);
    if (command == "grad") return cmd_grad(argc, argv);
    if (command == "fuzz") return cmd_fuzz(argc, argv);
    if (command == "lemmas") return cmd_lemmas(argc, argv);
    if (command == "prove") return cmd_prove(argc, argv);
    if (command == "verify") return cmd_verify(argc, argv);
    if (command == "check") return cmd_check(argc, argv);
    if (command == "train") return cmd_train(argc, argv);
    throw UsageError{"unknown command `" + command + "`"};
  } catch (const UsageError& e) {
    std::cerr << "cajal: error: " << e.message << "\n" << "(run `cajal --help` for usage)\n";
    return kInvalidInput;
  } catch (const std::bad_alloc&) {
    std::cerr << "cajal: internal error: out of memory\n";
    return kInternal;
  } catch (const std::exception& e) {
    std::cerr << "cajal: internal error: " << e.what() << "\n";
    return kInternal;
  }
}

// The command runs on a thread with a large stack: the library bounds its recursion depth, and
// this leaves ample room for it on any input.
struct Call {
  int argc;
  char** argv;
  int result = kInternal;
};

void* run_call(void* p) {
  auto* call = static_cast<Call*>(p);
  call->result = dispatch(call->argc, call->argv);
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  Call call{argc, argv};
  pthread_attr_t attr;
  pthread_t thread;
  if (pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, std::size_t{512} << 20) == 0 &&
      pthread_create(&thread, &attr, run_call, &call) == 0) {
    pthread_join(thread, nullptr);
  } else {
    run_call(&call);  // fall back to the main thread's stack
  }
  std::cout.flush();
  return call.result;
}
