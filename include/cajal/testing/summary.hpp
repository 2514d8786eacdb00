// Campaign summaries: what `cajal fuzz --json` writes, and what `cajal fuzz --merge` reads and
// adds up. A campaign split with --shard K/N (on the cores of one machine, or on many machines
// through GNU parallel, a Slurm array or any job runner) merges to the counts of one run, as long
// as no shard stopped at its failure cap (each shard stops at its own max_failures; the merged
// summary says so in stopped_early).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cajal/syntax/diagnostic.hpp"
#include "cajal/testing/oracle.hpp"

namespace cajal::testing {

struct FuzzSummary {
  // The campaign: the same in every shard of it.
  std::uint64_t seed = 0, count = 0;
  int max_depth = 9, max_size = 50;
  std::string mutant = "none";
  std::uint64_t shards = 1;
  // The shards this summary covers, ascending (one for a shard's own summary; all of them for a
  // complete merge).
  std::vector<std::uint64_t> covered;
  std::uint64_t checked = 0, compared = 0, overflows = 0, skipped = 0, too_large = 0;
  bool stopped_early = false;  // some shard stopped at max_failures
  double seconds = 0;          // summed over the shards: the machine time the campaign took
  struct Failure {
    std::uint64_t index = 0;
    int depth = 0;
    std::string message;       // what the oracle found, on the shrunk program
    std::string reproduction;  // the shrunk program as a .cj file with its reproduction commands
  };
  std::vector<Failure> failures;  // in program order

  bool complete() const { return covered.size() == shards; }
};

FuzzSummary summarize(const FuzzOptions& options, const FuzzReport& report);

// "N compared with the interpreter, N with an overflow reported, N skipped (interpreter resource
// limit), N with a network too large to run at some depth; K failures": the counts in one sentence.
std::string counts_sentence(const FuzzSummary& summary);

// JSON: {"format": "cajal-fuzz-summary", "version": 1, "seed", "count", "max_depth", "max_size",
// "mutant", "shards", "covered", "checked", "compared", "overflows", "skipped", "too_large",
// "stopped_early", "seconds", "failures": [{"index", "depth", "message", "reproduction"}]}.
std::string summary_json(const FuzzSummary& summary);

// Reads a summary; every field is checked for its type and range (a diagnostic names the file).
Result<FuzzSummary> read_summary(const std::string& text, const std::string& name);

// Adds up summaries of shards of one campaign. Fails when they are of different campaigns
// (seed, count, depth, sizes, mutant or number of shards differ) or cover a shard twice.
Result<FuzzSummary> merge_summaries(const std::vector<FuzzSummary>& summaries);

}  // namespace cajal::testing
