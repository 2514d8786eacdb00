// `cajal fuzz`.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "../cli.hpp"
#include "cajal/syntax/source.hpp"
#include "cajal/testing/oracle.hpp"
#include "cajal/testing/summary.hpp"

namespace cajal::cli {

void define_fuzz(Options& o) {
  o.positionals("SUMMARY", "with --merge: the shards' summaries (`cajal fuzz --shard K/N --json` writes them)");
  o.valued("--count", "N", "how many programs (default 10000)");
  define_seed(o);
  define_depth(o);
  o.valued("--max-size", "K", "the largest program size (default 50)");
  o.valued("--save-failures", "DIR", "write each shrunk failure as a .cj file with its reproduction commands");
  define_mutant(o);
  o.valued("--jobs", "N", "check programs on N threads (default 1); the report is the same for every N");
  o.valued("--shard", "K/N", "check only the programs i with i mod N = K (run the N shards anywhere, then --merge)");
  o.flag("--merge", "add up the SUMMARY files of a campaign's shards, as if one run had checked them all");
  define_json(o);
  define_max_memory(o);
  define_junit(o);
}

namespace {

// "K/N" with K < N.
std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  auto number = [&](const std::string& s) -> std::optional<std::uint64_t> {
    if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    return std::stoull(s);
  };
  std::optional<std::uint64_t> k, n;
  if (slash != std::string::npos) {
    k = number(text.substr(0, slash));
    n = number(text.substr(slash + 1));
  }
  if (!k || !n || *n == 0 || *k >= *n)
    throw UsageError{"--shard takes K/N with 0 <= K < N (shard K of N), got `" + text + "`"};
  return {*k, *n};
}

void print_summary(const testing::FuzzSummary& s) { std::cout << testing::counts_sentence(s) << "\n"; }

std::string rate_text(std::uint64_t checked, double seconds) {
  std::ostringstream rate;
  rate.setf(std::ios::fixed);
  rate.precision(seconds < 10 ? 3 : 1);
  rate << checked << " programs in " << seconds << " s ("
       << (seconds > 0 ? static_cast<double>(checked) / seconds : 0.0) << " programs/s)";
  return rate.str();
}

int merge(const Options& args) {
  if (args.positional().empty()) throw UsageError{"--merge takes the SUMMARY files to add up"};
  for (const char* flag : {"--count", "--seed", "--depth", "--max-size", "--save-failures", "--mutant", "--jobs", "--shard"})
    if (args.has(flag)) throw UsageError{std::string("--merge reads the campaign from the summaries: drop ") + flag};
  std::vector<testing::FuzzSummary> summaries;
  for (const std::string& path : args.positional()) {
    std::string error;
    std::optional<std::string> text = read_file_bounded(path, error);
    if (!text) throw UsageError{error};
    Result<testing::FuzzSummary> s = testing::read_summary(*text, path);
    if (!s) throw UsageError{s.diagnostics.front().message};
    summaries.push_back(std::move(*s));
  }
  Result<testing::FuzzSummary> merged = testing::merge_summaries(summaries);
  if (!merged) throw UsageError{merged.diagnostics.front().message};
  const testing::FuzzSummary& m = *merged;
  std::string missing;
  for (std::uint64_t k = 0; k < m.shards; ++k)
    if (!std::binary_search(m.covered.begin(), m.covered.end(), k)) missing += (missing.empty() ? "" : ", ") + std::to_string(k);
  if (args.has("--json")) {
    std::cout << testing::summary_json(m);
  } else {
    std::cout << "cajal fuzz --merge: " << summaries.size() << " summar" << (summaries.size() == 1 ? "y" : "ies")
              << " of the campaign with seed " << m.seed << ", " << m.count << " programs, sizes 0.." << m.max_size
              << ", depth " << m.max_depth << (m.mutant != "none" ? ", mutant " + m.mutant : "") << ", "
              << m.covered.size() << " of " << m.shards << " shards\n";
    for (const testing::FuzzSummary::Failure& f : m.failures)
      std::cout << "FAILED program " << f.index << ": " << f.message << "\n" << f.reproduction;
    print_summary(m);
    if (m.stopped_early)
      std::cout << "(a shard stopped at its failure cap: the counts are of the programs checked before it stopped)\n";
    std::cout << "checked " << rate_text(m.checked, m.seconds) << " of machine time, summed over the shards\n";
  }
  if (!missing.empty()) {
    std::cerr << "cajal: the merge is incomplete: no summary of shard" << (missing.find(',') == std::string::npos ? " " : "s ")
              << missing << " of " << m.shards << "\n";
    return kInconclusive;
  }
  return m.failures.empty() ? kSuccess : kNegative;
}

}  // namespace

int cmd_fuzz(const Options& args) {
  if (args.has("--merge")) return merge(args);
  if (!args.positional().empty()) throw UsageError{"`cajal fuzz` takes no FILE (SUMMARY files go with --merge)"};
  testing::FuzzOptions options;
  options.count = parse_count(args, "--count", 10000);
  options.seed = args.one("--seed") ? parse_count(args, "--seed", 0) : std::random_device{}();
  options.max_depth = parse_depth(args);
  if (options.max_depth < 1) throw UsageError{"--depth must be at least 1 for fuzzing"};
  options.max_size = static_cast<int>(std::min<std::uint64_t>(parse_count(args, "--max-size", 50), 1000));
  options.mutant = parse_mutant(args);
  const std::uint64_t jobs = parse_count(args, "--jobs", 1);
  if (jobs < 1 || jobs > 1024) throw UsageError{"--jobs takes a number of threads from 1 to 1024"};
  options.jobs = static_cast<unsigned>(jobs);
  if (std::optional<std::string> shard = args.one("--shard")) std::tie(options.shard, options.shards) = parse_shard(*shard);
  if (args.one("--junit")) {
    if (std::optional<std::string> refusal = junit::fuzz_suite_over_budget(options)) throw UsageError{*refusal};
    options.record_programs = true;  // the report lists every program
  }
  const bool json = args.has("--json");
  std::optional<std::string> save = args.one("--save-failures");
  if (save) {
    std::error_code ec;
    std::filesystem::create_directories(*save, ec);
    if (ec) throw UsageError{"cannot create " + *save + ": " + ec.message()};
  }
  std::string depths;
  for (int d : testing::fuzz_depths(options.max_depth)) depths += (depths.empty() ? "" : ", ") + std::to_string(d);
  // With --json, stdout holds the summary alone; the progress goes to stderr.
  std::ostream& log = json ? std::cerr : std::cout;
  log << "cajal fuzz: seed " << options.seed << " (rerun with --seed " << options.seed << "), " << options.count
      << " programs" << (options.shards > 1 ? " (shard " + std::to_string(options.shard) + " of " + std::to_string(options.shards) + ": i mod " + std::to_string(options.shards) + " = " + std::to_string(options.shard) + ")" : "")
      << ", sizes 0.." << options.max_size << ", depths " << depths
      << (options.mutant != Mutant::None ? std::string(", mutant ") + mutant_name(options.mutant) : "") << "\n"
      << std::flush;
  testing::FuzzReport report = testing::fuzz(options, [&](const testing::FuzzFailure& f) {
    log << "FAILED program " << f.index << " (shrunk in " << f.shrink_steps << " steps): " << f.verdict.failure << "\n";
    testing::FuzzFailureFile file = testing::failure_file(options, f);
    if (save) {
      std::filesystem::path path = std::filesystem::path(*save) / file.name;
      std::ofstream out(path, std::ios::binary);
      if (out << file.text) {
        log << "  saved " << path.string() << "\n";
      } else {
        std::cerr << "cajal: error: cannot write " << path.string() << "\n";
      }
    } else if (!json) {
      log << file.text;
    }
    log << std::flush;
  });
  testing::FuzzSummary summary = testing::summarize(options, report);
  if (json) {
    std::cout << testing::summary_json(summary);
  } else {
    print_summary(summary);
    std::cout << "slowest: program " << report.slowest_index << " (" << report.slowest_seconds << " s)\n";
    std::cout << "checked " << rate_text(report.checked, report.seconds) << "\n";
  }
  write_junit(args, junit::fuzz_suite(options, report));
  return report.failures.empty() ? kSuccess : kNegative;
}

}  // namespace cajal::cli
