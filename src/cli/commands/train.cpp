// `cajal train`.
#include <algorithm>
#include <iostream>

#include "../cli.hpp"
#include "cajal/syntax/print.hpp"
#include "cajal/learn/train.hpp"

namespace cajal::cli {

void define_train(Options& o) {
  o.positionals("FILE", "the program with params to learn");
  o.valued("--data", "FILE", "the examples, as JSON Lines");
  o.valued("--epochs", "N", "passes over the examples (default 200)");
  o.valued("--lr", "X", "Adam's learning rate (default 0.05)");
  define_seed(o);
  define_depth(o);
  define_threads(o);
  o.valued("--out", "FILE", "write to FILE instead of stdout");
  o.flag("--extract", "write each learned function as the nearest table (a program check and prove can verify)");
  o.flag("--quiet", "no progress line per epoch");
  o.valued("--certify", "DIR", "prove and certify what was learned (verify with `cajal verify DIR`): the program at\n"
                               "the learned param values, or with --extract the extracted program");
  define_max_memory(o);
}

int cmd_train(const Options& args) {
  const std::string file = one_file(args, "train");
  std::optional<std::string> data = args.one("--data");
  if (!data) throw UsageError{"`cajal train` needs --data EXAMPLES.jsonl"};
  TrainOptions options;
  options.depth = parse_depth(args);
  options.epochs = static_cast<int>(std::min<std::uint64_t>(parse_count(args, "--epochs", 200), 10'000'000));
  options.learning_rate = parse_real(args, "--lr", 0.05);
  options.seed = static_cast<unsigned>(parse_count(args, "--seed", 0));
  options.threads = parse_threads(args);
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

  const std::string summary = training_summary(*r, examples->size(), options);
  std::cerr << "cajal: " << summary << "\n";
  std::string text;
  std::map<std::string, Eigen::VectorXd> fixed;  // the claim's param values (none once extracted)
  if (args.has("--extract")) {
    Result<Program> extracted = extract(*loaded, r->params, options.depth);
    if (!extracted) return report(extracted.diagnostics, false);
    text = extracted_file(*extracted, file, *data, summary);
  } else {
    text = learned_file(source->text(), *data, summary, *r, options.depth);
    fixed = r->params;
  }
  write_text(args.one("--out"), text);
  if (auto dir = args.one("--certify")) {
    Result<ProveResult> proof = certify_text(args.one("--out").value_or("<learned>"), text, fixed, options.depth, *dir);
    if (!proof) return report(proof.diagnostics, false);
    std::cerr << "cajal: certificate in " << *dir << ": " << verdict_name(proof->verdict) << " at depth " << options.depth;
    if (proof->verdict == ProveResult::Verdict::Unknown) std::cerr << " (" << proof->reason << ")";
    std::cerr << "\n";
    for (const std::string& w : proof->warnings) std::cerr << "cajal: warning: " << w << "\n";
    return exit_code(proof->verdict);
  }
  return kSuccess;
}

}  // namespace cajal::cli
