// The tool's shared helpers (cli.hpp).
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cajal/compile/compile.hpp"
#include "cajal/learn/train.hpp"
#include "cajal/network/encode.hpp"
#include "cajal/syntax/print.hpp"
#include "cli.hpp"
#include "cajal/network/network.hpp"

namespace cajal::cli {

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

int report(const std::vector<Diagnostic>& ds, bool as_json) {
  std::cerr << render(ds);
  if (as_json) std::cout << json{{"errors", diagnostics_json(ds)}}.dump() << "\n";
  for (const Diagnostic& d : ds)
    if (d.internal) return kInternal;
  return kInvalidInput;
}

SourcePtr load_source(const std::string& path) {
  std::string error;
  std::optional<std::string> text = read_file_bounded(path, error);
  if (!text) throw UsageError{error};
  return std::make_shared<const Source>(path == "-" ? "<stdin>" : path, std::move(*text));
}

std::string one_file(const Options& args, const char* command) {
  if (args.positional().size() != 1)
    throw UsageError{std::string("`cajal ") + command + "` takes exactly one FILE (got " +
                     std::to_string(args.positional().size()) + ")"};
  return args.positional().front();
}

int parse_depth(const Options& args) {
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

RunSetup run_setup(const Options& args, const char* command) {
  RunSetup setup;
  std::optional<std::string> inline_term = args.one("-e");
  if (inline_term) {
    if (!args.positional().empty()) throw UsageError{"give either FILE or -e TERM, not both"};
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

json shaped_json(const Eigen::VectorXd& v, const Type& t, int depth) {
  if (!t.is_arrow()) return vector_json(v);
  const std::size_t cols = dimension(*t.from, depth);
  json rows = json::array();
  for (std::size_t r = 0; r * cols < static_cast<std::size_t>(v.size()); ++r) rows.push_back(vector_json(matrix_row(v, cols, r)));
  return rows;
}

std::string shaped_text(const Eigen::VectorXd& v, const Type& t, int depth) {
  if (!t.is_arrow()) return spaced_text(v);
  const std::size_t cols = dimension(*t.from, depth);
  std::string s;
  for (std::size_t r = 0; r * cols < static_cast<std::size_t>(v.size()); ++r)
    s += (r ? "\n  " : "[") + spaced_text(matrix_row(v, cols, r));
  return s + "]";
}

std::string setup_name(const Options& args) {
  return args.one("-e") ? std::string("<command line>") : args.positional().empty() ? std::string("-") : args.positional()[0];
}

std::uint64_t parse_count(const Options& args, const std::string& flag, std::uint64_t fallback) {
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

std::string duration_text(double seconds) {
  std::ostringstream ss;
  if (seconds < 0.001) ss << "< 1 ms";
  else if (seconds < 1) ss << static_cast<int>(seconds * 1000) << " ms";
  else ss << std::fixed << std::setprecision(2) << seconds << " s";
  return ss.str();
}

double parse_real(const Options& args, const std::string& flag, double fallback) {
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

Result<LoadedProgram> load(const RunSetup& setup) {
  return setup.inline_term ? load_inline(setup.source) : load_program(setup.source);
}

Mutant parse_mutant(const Options& args) {
  std::optional<std::string> m = args.one("--mutant");
  if (!m) return Mutant::None;
  std::optional<Mutant> mutant = mutant_from_name(*m);
  if (!mutant) throw UsageError{"unknown mutant `" + *m + "` (swap-if, succ-backwards, iter-extra-step, transposed-matrix)"};
  return *mutant;
}

void define_program(Options& o, bool values) {
  o.positionals("FILE", "the program (`-` for standard input)");
  o.valued("-e", "TERM", "a term given inline instead of FILE (main = TERM)");
  if (!values) return;
  o.valued("--arg", "TERM", "an argument for main, in order (repeatable); a closed term, or a JSON list for the network");
  o.valued("--param", "NAME=TERM", "a value for a param (repeatable); a JSON list is a raw vector for the network");
  o.valued("--max-steps", "N", "the interpreter's budget of rule applications");
}
void define_fixed_param(Options& o) {
  o.valued("--param", "NAME=TERM",
           "fix a param to a value (repeatable): a term, or a JSON list (its encoding: a learned vector or\n"
           "matrix); the claim is then for that value. Params not given are proved for every value");
}
void define_depth(Options& o) { o.valued("--depth", "D", "naturals 0..D are represented (default 9)"); }
void define_json(Options& o) { o.flag("--json", "print one JSON object on stdout"); }
void define_mutant(Options& o) {
  o.valued("--mutant", "NAME", "a deliberately wrong compiler: swap-if, succ-backwards, iter-extra-step, transposed-matrix");
}
void define_timeout(Options& o) { o.valued("--timeout", "S", "wall-clock seconds for the whole decision (default 60)"); }
void define_max_memory(Options& o) {
  o.valued("--max-memory", "SIZE",
           "refuse work estimated to need more memory than SIZE (e.g. 512M, 4G; default half the machine's memory)");
}

void apply_max_memory(const Options& args) {
  std::optional<std::string> text = args.one("--max-memory");
  if (!text) return;
  // A whole number of bytes, or of KiB, MiB, GiB, TiB with the suffix K, M, G, T (KiB, MiB, ... too).
  std::size_t digits = 0;
  while (digits < text->size() && digits < 15 && std::isdigit(static_cast<unsigned char>((*text)[digits]))) ++digits;
  const std::string unit = text->substr(digits);
  static const std::pair<const char*, int> units[] = {{"", 0},  {"K", 10}, {"KiB", 10}, {"M", 20}, {"MiB", 20},
                                                      {"G", 30}, {"GiB", 30}, {"T", 40}, {"TiB", 40}};
  for (auto [name, shift] : units)
    if (digits > 0 && unit == name) {
      const std::uint64_t n = std::stoull(text->substr(0, digits));
      if (n == 0 || n > (std::uint64_t{1} << (62 - shift))) break;
      set_memory_budget(n << shift);
      return;
    }
  throw UsageError{"--max-memory takes a size such as 512M, 4G or 1073741824 (bytes), got `" + *text + "`"};
}

void define_inputs(Options& o) {
  o.valued("--inputs", "FILE",
           "run the network on every line of FILE at once, as one batch: JSON Lines, {\"args\": [VALUE, ...]}\n"
           "as in train's --data (an \"output\" is not used); instead of --arg");
}

Result<std::vector<BatchRow>> read_batch_rows(const SourcePtr& file) {
  using R = Result<std::vector<BatchRow>>;
  Result<std::vector<TrainingExample>> lines = read_examples(file, Outputs::Optional);
  if (!lines) return R::failure(std::move(lines.diagnostics));
  std::vector<BatchRow> rows;
  for (const TrainingExample& line : *lines) {
    BatchRow row{{}, line.where};
    const std::string at = file->name() + ":" + std::to_string(file->locate(line.where.begin).line);
    for (std::size_t k = 0; k < line.args.size(); ++k)
      row.args.push_back(std::make_shared<const Source>(at + ": argument " + std::to_string(k + 1), line.args[k]));
    rows.push_back(std::move(row));
  }
  return R::success(std::move(rows));
}

void define_threads(Options& o) {
  o.valued("--threads", "N", "run the network's batch on N threads (default 0: one per core); results are the same for every N");
}
unsigned parse_threads(const Options& args) {
  const std::uint64_t n = parse_count(args, "--threads", 0);
  if (n > 1024) throw UsageError{"--threads takes a number of threads from 0 (one per core) to 1024"};
  return static_cast<unsigned>(n);
}
void define_seed(Options& o) { o.valued("--seed", "N", "the random seed (printed; rerun with it to reproduce)"); }
void define_junit(Options& o) { o.valued("--junit", "FILE", "also write the result as a JUnit XML report to FILE (for CI)"); }

void write_junit(const Options& args, const junit::Suite& suite) {
  if (std::optional<std::string> path = args.one("--junit")) {
    std::ofstream out(*path, std::ios::binary);
    if (!(out << junit::to_xml(suite))) throw UsageError{"cannot write " + *path + ": " + std::strerror(errno)};
  }
}

int exit_code(smt::Verdict v) {
  switch (v) {
    case smt::Verdict::Proved: return kSuccess;
    case smt::Verdict::Refuted: return kNegative;
    case smt::Verdict::Unknown: return kInconclusive;
  }
  return kInternal;
}

}  // namespace cajal::cli
