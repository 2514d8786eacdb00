#include "cajal/testing/summary.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace cajal::testing {

FuzzSummary summarize(const FuzzOptions& options, const FuzzReport& report) {
  FuzzSummary s;
  s.seed = options.seed;
  s.count = options.count;
  s.max_depth = options.max_depth;
  s.max_size = options.max_size;
  s.mutant = options.mutant == Mutant::None ? "none" : mutant_name(options.mutant);
  s.shards = std::max<std::uint64_t>(options.shards, 1);
  s.covered = {options.shard};
  s.checked = report.checked;
  s.compared = report.compared;
  s.overflows = report.overflows;
  s.skipped = report.skipped;
  s.too_large = report.too_large;
  s.stopped_early = report.stopped_early;
  s.seconds = report.seconds;
  for (const FuzzFailure& f : report.failures) {
    FuzzFailureFile file = failure_file(options, f);
    s.failures.push_back({f.index, file.depth, f.verdict.failure, std::move(file.text)});
  }
  return s;
}

std::string counts_sentence(const FuzzSummary& s) {
  return std::to_string(s.compared) + " compared with the interpreter, " + std::to_string(s.overflows) +
         " with an overflow reported, " + std::to_string(s.skipped) + " skipped (interpreter resource limit), " +
         std::to_string(s.too_large) + " with a network too large to run at some depth; " +
         std::to_string(s.failures.size()) + " failure" + (s.failures.size() == 1 ? "" : "s");
}

std::string summary_json(const FuzzSummary& s) {
  nlohmann::json failures = nlohmann::json::array();
  for (const FuzzSummary::Failure& f : s.failures)
    failures.push_back({{"index", f.index}, {"depth", f.depth}, {"message", f.message}, {"reproduction", f.reproduction}});
  nlohmann::json j{{"format", "cajal-fuzz-summary"}, {"version", 1},         {"seed", s.seed},
                   {"count", s.count},               {"max_depth", s.max_depth}, {"max_size", s.max_size},
                   {"mutant", s.mutant},             {"shards", s.shards},     {"covered", s.covered},
                   {"checked", s.checked},           {"compared", s.compared}, {"overflows", s.overflows},
                   {"skipped", s.skipped},           {"too_large", s.too_large}, {"stopped_early", s.stopped_early},
                   {"seconds", s.seconds},           {"failures", failures}};
  return j.dump(1) + "\n";
}

namespace {

struct Bad {
  std::string message;
};

std::uint64_t whole(const nlohmann::json& j, const char* key, std::uint64_t max = UINT64_MAX) {
  if (!j.contains(key) || !j[key].is_number_unsigned() || j[key].get<std::uint64_t>() > max)
    throw Bad{std::string("\"") + key + "\" must be a whole number" + (max < UINT64_MAX ? " up to " + std::to_string(max) : "")};
  return j[key].get<std::uint64_t>();
}

std::string text(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) throw Bad{std::string("\"") + key + "\" must be a string"};
  return j[key].get<std::string>();
}

}  // namespace

Result<FuzzSummary> read_summary(const std::string& input, const std::string& name) {
  using R = Result<FuzzSummary>;
  const nlohmann::json j = nlohmann::json::parse(input, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", nlohmann::json()) != "cajal-fuzz-summary" || j.value("version", nlohmann::json()) != 1)
    return R::failure(error_at(Span{}, name + ": not a fuzzing summary (`cajal fuzz --json` writes them)"));
  try {
    FuzzSummary s;
    s.seed = whole(j, "seed");
    s.count = whole(j, "count");
    s.max_depth = static_cast<int>(whole(j, "max_depth", 100000));
    s.max_size = static_cast<int>(whole(j, "max_size", 1000));
    s.mutant = text(j, "mutant");
    s.shards = whole(j, "shards");
    if (s.shards == 0) throw Bad{"\"shards\" must be at least 1"};
    if (!j.contains("covered") || !j["covered"].is_array() || j["covered"].empty() || j["covered"].size() > s.shards)
      throw Bad{"\"covered\" must list from 1 to \"shards\" shard numbers"};
    for (const auto& k : j["covered"]) {
      if (!k.is_number_unsigned() || k.get<std::uint64_t>() >= s.shards) throw Bad{"\"covered\" lists a shard number that is not below \"shards\""};
      s.covered.push_back(k.get<std::uint64_t>());
    }
    std::sort(s.covered.begin(), s.covered.end());
    if (std::adjacent_find(s.covered.begin(), s.covered.end()) != s.covered.end()) throw Bad{"\"covered\" lists a shard twice"};
    // At most the programs of the covered shards: shard k of N has the i < count with i mod N = k.
    std::uint64_t programs = 0;
    for (std::uint64_t k : s.covered) programs += k < s.count ? (s.count - k - 1) / s.shards + 1 : 0;
    s.checked = whole(j, "checked", programs);
    s.compared = whole(j, "compared", s.checked);
    s.overflows = whole(j, "overflows", s.checked);
    s.skipped = whole(j, "skipped", s.checked);
    s.too_large = whole(j, "too_large", s.checked);
    if (!j.contains("stopped_early") || !j["stopped_early"].is_boolean()) throw Bad{"\"stopped_early\" must be true or false"};
    s.stopped_early = j["stopped_early"].get<bool>();
    if (!j.contains("seconds") || !j["seconds"].is_number() || !(j["seconds"].get<double>() >= 0)) throw Bad{"\"seconds\" must be a number of seconds"};
    s.seconds = j["seconds"].get<double>();
    if (!j.contains("failures") || !j["failures"].is_array()) throw Bad{"\"failures\" must be a list"};
    for (const auto& f : j["failures"]) {
      if (!f.is_object()) throw Bad{"each failure must be an object"};
      s.failures.push_back({whole(f, "index", s.count ? s.count - 1 : 0), static_cast<int>(whole(f, "depth", 100000)),
                            text(f, "message"), text(f, "reproduction")});
      if (!std::binary_search(s.covered.begin(), s.covered.end(), s.failures.back().index % s.shards))
        throw Bad{"failure " + std::to_string(s.failures.back().index) + " is not a program of the covered shards"};
    }
    return R::success(std::move(s));
  } catch (const Bad& b) {
    return R::failure(error_at(Span{}, name + ": " + b.message));
  }
}

Result<FuzzSummary> merge_summaries(const std::vector<FuzzSummary>& summaries) {
  using R = Result<FuzzSummary>;
  if (summaries.empty()) return R::failure(error_at(Span{}, "nothing to merge"));
  FuzzSummary out = summaries.front();
  out.covered.clear();
  out.checked = out.compared = out.overflows = out.skipped = out.too_large = 0;
  out.stopped_early = false;
  out.seconds = 0;
  out.failures.clear();
  for (std::size_t k = 0; k < summaries.size(); ++k) {
    const FuzzSummary& s = summaries[k];
    if (s.seed != out.seed || s.count != out.count || s.max_depth != out.max_depth || s.max_size != out.max_size ||
        s.mutant != out.mutant || s.shards != out.shards)
      return R::failure(error_at(Span{}, "summary " + std::to_string(k + 1) +
                                             " is of another campaign (its seed, count, depth, sizes, mutant or shards differ)"));
    for (std::uint64_t shard : s.covered) {
      if (std::find(out.covered.begin(), out.covered.end(), shard) != out.covered.end())
        return R::failure(error_at(Span{}, "shard " + std::to_string(shard) + " is in two of the summaries"));
      out.covered.push_back(shard);
    }
    out.checked += s.checked;
    out.compared += s.compared;
    out.overflows += s.overflows;
    out.skipped += s.skipped;
    out.too_large += s.too_large;
    out.stopped_early = out.stopped_early || s.stopped_early;
    out.seconds += s.seconds;
    out.failures.insert(out.failures.end(), s.failures.begin(), s.failures.end());
  }
  std::sort(out.covered.begin(), out.covered.end());
  std::stable_sort(out.failures.begin(), out.failures.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  return R::success(std::move(out));
}

}  // namespace cajal::testing
