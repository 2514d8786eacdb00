// `cajal explain`.
#include <iostream>

#include "../cli.hpp"
#include "cajal/driver/explain.hpp"

namespace cajal::cli {

void define_explain(Options& o) {
  define_program(o, true);
  define_depth(o);
  o.valued("--def", "NAME", "explain this def instead of main");
  o.valued("--html", "FILE", "write the page to FILE (required)");
  define_timeout(o);
  o.valued("--trace-limit", "N", "record at most N rule applications of the run (default 300)");
  define_max_memory(o);
}

int cmd_explain(const Options& args) {
  std::optional<std::string> out = args.one("--html");
  if (!out) throw UsageError{"`cajal explain` writes a page: give --html FILE"};
  ExplainRequest request;
  RunSetup setup = run_setup(args, "explain");
  request.run = setup.request;
  request.run.depth = parse_depth(args);
  if (auto def = args.one("--def")) request.run.entry = *def;
  request.prove.timeout_seconds = static_cast<double>(std::max<std::uint64_t>(parse_count(args, "--timeout", 60), 1));
  request.trace_limit = parse_count(args, "--trace-limit", request.trace_limit);
  request.title = setup_name(args);
  Result<LoadedProgram> loaded = load(setup);
  if (!loaded) return report(loaded.diagnostics, false);
  Result<std::string> page = explain_html(*loaded, request);
  if (!page) return report(page.diagnostics, false);
  write_text(out, *page);
  std::cout << "wrote " << *out << "\n";
  return kSuccess;
}

}  // namespace cajal::cli
