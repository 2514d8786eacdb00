// Harness: training data (JSON Lines, `cajal train --data`) → read_examples; when the examples
// read, one epoch of training on a fixed program with a param (parity.cj's shape) checks them
// against main's type and runs them through the network. The same text as a batch's rows
// (`cajal run --inputs`, where an output is optional) runs through run_batch_on_network.
#include "cajal/driver/driver.hpp"
#include "cajal/frontend/frontend.hpp"
#include "cajal/learn/train.hpp"
#include "harness.hpp"

using namespace cajal;

namespace {

const LoadedProgram& program() {
  static const SourcePtr source = std::make_shared<const Source>(
      "learn.cj", "param step : Bool -o Bool\ndef main = fun n : Nat => iter { false | y => step y } (n)\n");
  static const Result<LoadedProgram> loaded = load_program(source);
  if (!loaded) std::abort();
  return *loaded;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::set_harness_budget();
  (void)program();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::as_text(data, size);
  fuzz::on_large_stack([&] {
    const SourcePtr source = std::make_shared<const Source>("fuzz.jsonl", text);
    Result<std::vector<TrainingExample>> rows = read_examples(source, Outputs::Optional);
    if (rows && !rows->empty() && rows->size() <= 64) {
      std::vector<BatchRow> batch;
      for (const TrainingExample& row : *rows) {
        batch.push_back(BatchRow{{}, row.where});
        for (const std::string& a : row.args) batch.back().args.push_back(std::make_shared<const Source>("<arg>", a));
      }
      RunRequest request;
      request.depth = 4;
      request.params.emplace_back("step", std::make_shared<const Source>("<param step>", "[0, 1, 1, 0]"));
      (void)run_batch_on_network(program(), request, batch, 1);
    }
    Result<std::vector<TrainingExample>> examples = read_examples(source);
    if (!examples || examples->empty() || examples->size() > 64) return;
    TrainOptions options;
    options.depth = 4;
    options.epochs = 1;
    (void)train(program(), *examples, options);
  });
  return 0;
}
