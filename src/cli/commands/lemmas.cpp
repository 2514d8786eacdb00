// `cajal lemmas`.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "../cli.hpp"
#include "cajal/prove/lemmas.hpp"

namespace cajal::cli {

void define_lemmas(Options& o) {
  o.positionals("ARGS", "");
  o.valued("--out", "FILE", "write to FILE instead of stdout");
  o.valued("--check", "DIR", "re-check the .smt2 lemmas in DIR with Z3");
  define_depth(o);
  o.valued("--max-dim", "N", "the largest dimension of the lemma instances (default 4)");
}

int cmd_lemmas(const Options& args) {
  if (!args.positional().empty()) throw UsageError{"`cajal lemmas` takes no FILE"};
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
    std::optional<std::string> text = read_file_bounded(path.string(), error);
    if (!text) throw UsageError{error};
    Result<LemmaCheck> r = check_lemma(*text);
    if (!r) return report(r.diagnostics, false);
    if (r->verdict == smt::Verdict::Refuted) verdict = kNegative;
    else if (r->verdict == smt::Verdict::Unknown && verdict == kSuccess) verdict = kInconclusive;
    // Proved for every size when its queries with the sizes unknown (depth, dimensions) are all
    // unsat, else for the sizes its other queries state, up to the bounds.
    std::string status = r->verdict == smt::Verdict::Refuted ? "REFUTED" : verdict_name(r->verdict);
    if (r->verdict == smt::Verdict::Proved)
      status = r->for_every_size > 0 ? "proved for every size" : "proved up to the bounds";
    std::cout << path.filename().string() << ": " << status << " (" << r->unsat << " of " << r->queries << " queries unsat; "
              << r->for_every_size_unsat << " of " << r->for_every_size << " with the sizes unknown; " << r->seconds << " s)\n";
  }
  return verdict;
}

}  // namespace cajal::cli
