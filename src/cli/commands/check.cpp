// `cajal check`.
#include <algorithm>
#include <iostream>

#include "../cli.hpp"
#include "cajal/check/check.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal::cli {

void define_check(Options& o) {
  o.positionals("FILES", "two programs A B, or FILE F G with --defs");
  define_depth(o);
  define_timeout(o);
  o.valued("--method", "METHOD", "auto, exhaustive or symbolic (observational equivalence)");
  define_json(o);
  define_junit(o);
  o.flag("--neural", "compare the compiled networks on all real inputs instead of the programs on values");
  o.flag("--defs", "compare two defs of one FILE: check FILE --defs F G");
  define_max_memory(o);
  define_threads(o);
}

namespace {

void print_json(const EquivalenceResult& r, const EquivalenceOptions& options) {
  const char* verdict = verdict_name(r.verdict);
  const bool refuted = r.verdict == EquivalenceResult::Verdict::NotEquivalent;
  // Insertion-ordered: inputs appear in argument order (args lists them too, for `cajal run`).
  using ojson = nlohmann::ordered_json;
  ojson j{{"verdict", verdict},
          {"depth", r.depth},
          {"notion", options.neural ? "neural" : "observational"},
          {"type", print_type(r.type)},
          {"method", r.method}};
  if (r.verdict == EquivalenceResult::Verdict::Unknown) j["reason"] = r.reason;
  if (refuted && r.counterexample) {
    ojson inputs = ojson::object(), params = ojson::object(), positional = ojson::array();
    for (const auto& in : r.counterexample->inputs) {
      (in.is_param ? params : inputs)[in.name] = in.value;
      if (!in.is_param) positional.push_back(in.value);
    }
    j["counterexample"] = {{"inputs", inputs}, {"args", positional}};
    if (!params.empty()) j["counterexample"]["params"] = params;
    j["counterexample"]["left"] = r.counterexample->left;
    j["counterexample"]["right"] = r.counterexample->right;
    j["counterexamples"] = {{"count", r.counterexamples}, {"exact", r.counted_all}};
  }
  j["warnings"] = r.warnings;
  j["seconds"] = r.seconds;
  std::cout << j.dump() << "\n";
}

void print_text(const EquivalenceResult& r, const EquivalenceOptions& options, const CheckSide& left,
                const CheckSide& right) {
  const char* verdict = verdict_name(r.verdict);
  const bool refuted = r.verdict == EquivalenceResult::Verdict::NotEquivalent;
  std::cout << verdict << " at depth " << r.depth << " (" << (options.neural ? "neural" : "observational")
            << "; " << (r.method.empty() ? "" : r.method + "; ") << duration_text(r.seconds) << ")";
  if (r.verdict == EquivalenceResult::Verdict::Unknown) std::cout << ": " << r.reason;
  std::cout << "\n";
  if (refuted && r.counterexample) {
    const auto& ce = *r.counterexample;
    std::string which = r.counterexamples == 1 && r.counted_all ? "the only one"
                        : "the least of " + std::string(r.counted_all ? "" : "at least ") +
                              std::to_string(r.counterexamples);
    std::cout << "counterexample (" << which << "):\n";
    for (const auto& in : ce.inputs) std::cout << "  " << (in.is_param ? "param " : "") << in.name << " = " << in.value << "\n";
    std::cout << "  left  (" << left.def << " in " << left.label << "): " << ce.left << "\n"
              << "  right (" << right.def << " in " << right.label << "): " << ce.right << "\n";
    std::vector<std::string> commands = reproduce_commands(left, right, r, options.neural);
    for (std::size_t k = 0; k < commands.size(); ++k) std::cout << (k == 0 ? "reproduce: " : "           ") << commands[k] << "\n";
  }
  for (const std::string& w : r.warnings) std::cerr << "cajal: warning: " << w << "\n";
}

}  // namespace

int cmd_check(const Options& args) {
  bool as_json = args.has("--json");
  EquivalenceOptions options;
  options.depth = parse_depth(args);
  options.neural = args.has("--neural");
  options.threads = parse_threads(args);
  if (args.one("--threads") && !options.neural)
    throw UsageError{"--threads is for --neural (the networks' batch of inputs); observational check runs no network"};
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
    if (args.positional().size() != 3) throw UsageError{"`cajal check FILE --defs F G` takes one FILE and two def names"};
    files = {args.positional()[0]};
    left_def = args.positional()[1];
    right_def = args.positional()[2];
  } else {
    if (args.positional().size() != 2) throw UsageError{"`cajal check` takes two FILEs (or FILE --defs F G)"};
    files = args.positional();
  }
  const std::string pair = left_def + " in " + files.front() + " == " + right_def + " in " + files.back();
  std::vector<SourcePtr> sources;
  std::vector<LoadedProgram> programs;
  for (const std::string& f : files) {
    sources.push_back(load_source(f));
    Result<LoadedProgram> loaded = load_program(sources.back());
    if (!loaded) {
      write_junit(args, junit::error_suite("cajal check", pair, loaded.diagnostics));
      return report(loaded.diagnostics, as_json);
    }
    programs.push_back(std::move(*loaded));
  }
  CheckSide left{&programs.front(), left_def, files.front()};
  CheckSide right{&programs.back(), right_def, files.back()};
  Result<EquivalenceResult> r = check_equivalence(left, right, options);
  if (!r) {
    write_junit(args, junit::error_suite("cajal check", pair, r.diagnostics));
    return report(r.diagnostics, as_json);
  }
  write_junit(args, junit::check_suite(left, right, *r, options.neural));

  if (as_json) print_json(*r, options);
  else print_text(*r, options, left, right);
  return exit_code(r->verdict == EquivalenceResult::Verdict::Equivalent      ? smt::Verdict::Proved
                   : r->verdict == EquivalenceResult::Verdict::NotEquivalent ? smt::Verdict::Refuted
                                                                              : smt::Verdict::Unknown);
}

}  // namespace cajal::cli
