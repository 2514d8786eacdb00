// `cajal fuzz`.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "../cli.hpp"
#include "cajal/testing/oracle.hpp"

namespace cajal::cli {

void define_fuzz(Options& o) {
  o.positionals("ARGS", "");
  o.valued("--count", "N", "how many programs (default 10000)");
  define_seed(o);
  define_depth(o);
  o.valued("--max-size", "K", "the largest program size (default 50)");
  o.valued("--save-failures", "DIR", "write each shrunk failure as a .cj file with its reproduction commands");
  define_mutant(o);
  define_junit(o);
}

int cmd_fuzz(const Options& args) {
  if (!args.positional().empty()) throw UsageError{"`cajal fuzz` takes no FILE"};
  testing::FuzzOptions options;
  options.count = parse_count(args, "--count", 10000);
  options.seed = args.one("--seed") ? parse_count(args, "--seed", 0) : std::random_device{}();
  options.max_depth = parse_depth(args);
  if (options.max_depth < 1) throw UsageError{"--depth must be at least 1 for fuzzing"};
  options.max_size = static_cast<int>(std::min<std::uint64_t>(parse_count(args, "--max-size", 50), 1000));
  options.mutant = parse_mutant(args);
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
  write_junit(args, junit::fuzz_suite(options, report));
  return report.failures.empty() ? kSuccess : kNegative;
}

}  // namespace cajal::cli
